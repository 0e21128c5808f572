package dev.dml4j.eval;

/** Argument checks shared by the evaluation builders. */
final class EvalArgs {
    private EvalArgs() {
    }

    /** Returns v if it is at least 1, else throws an IllegalArgumentException naming the setting. */
    static int atLeastOne(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
        return v;
    }
}
