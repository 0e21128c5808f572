package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;

/**
 * Turns one {@link LossTerm} into a scalar. Zero terms become 0 (with the gradient graph of the embeddings),
 * already-reduced terms pass through, empty terms become 0; otherwise {@link #reduceTerm} decides.
 */
public abstract class Reducer {

    /** Reduces a term to a scalar. */
    public NDArray reduce(LossTerm term, NDArray embeddings, NDArray labels) {
        if (term.isZero()) {
            return Ops.zeroLoss(embeddings);
        }
        if (term.type() == ReductionType.ALREADY_REDUCED) {
            return term.losses().size() == 1 ? term.losses().reshape() : term.losses();
        }
        if (term.losses().size() == 0) {
            return Ops.zeroLoss(embeddings);
        }
        return reduceTerm(term, embeddings, labels);
    }

    /** Reduces a non-empty element/pair/triplet term. */
    protected abstract NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels);

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
