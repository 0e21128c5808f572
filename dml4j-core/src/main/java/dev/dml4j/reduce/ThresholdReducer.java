package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/** The mean of the loss values strictly inside (low, high); 0 (with graph) when none is. Either bound may be absent. */
public class ThresholdReducer extends Reducer {
    private final Double low;
    private final Double high;

    /**
     * @param low values must be &gt; low (null: no lower bound)
     * @param high values must be &lt; high (null: no upper bound)
     */
    public ThresholdReducer(Double low, Double high) {
        if (low == null && high == null) {
            throw new IllegalArgumentException("ThresholdReducer needs at least one of low, high");
        }
        if (low != null && high != null && !(low < high)) {
            throw new IllegalArgumentException("ThresholdReducer: low (" + low + ") must be < high (" + high + ")");
        }
        this.low = low;
        this.high = high;
    }

    /** Builds from reference parameters {@code low, high}. */
    public static ThresholdReducer fromParams(Params params) {
        Double low = params.has("low") ? params.getDouble("low", 0) : null;
        Double high = params.has("high") ? params.getDouble("high", 0) : null;
        params.raw("low");
        params.raw("high");
        return new ThresholdReducer(low, high);
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        NDArray losses = term.losses();
        NDArray keep = inRange(losses);
        if (Ops.count(keep) == 0) {
            return Ops.zeroLoss(embeddings);
        }
        return losses.get(keep).mean();
    }

    @Override
    protected boolean reducesMasked() {
        return true;
    }

    /** The same mean over the masked entries inside the bounds, computed on the dense block. */
    @Override
    protected NDArray reduceMaskedTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        try (NDArray inside = inRange(term.losses()); NDArray keep = inside.logicalAnd(term.mask())) {
            long n = Ops.count(keep);
            if (n == 0) {
                return Ops.zeroLoss(embeddings);
            }
            try (NDArray sum = maskedSum(term.losses(), keep)) {
                return Ops.div(sum, n);
            }
        }
    }

    /** Whether each value lies strictly inside (low, high). */
    private NDArray inRange(NDArray losses) {
        if (high == null) {
            return losses.gt(low);
        }
        if (low == null) {
            return losses.lt(high);
        }
        try (NDArray above = losses.gt(low); NDArray below = losses.lt(high)) {
            return above.logicalAnd(below);
        }
    }
}
