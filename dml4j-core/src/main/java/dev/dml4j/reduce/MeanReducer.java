package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/** The mean of all loss values. */
public class MeanReducer extends Reducer {

    /** Builds from reference parameters (none). */
    public static MeanReducer fromParams(Params params) {
        return new MeanReducer();
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return term.losses().mean();
    }

    @Override
    protected boolean reducesMasked() {
        return true;
    }

    @Override
    protected NDArray reduceMaskedTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        long n = Ops.count(term.mask());
        if (n == 0) {
            return Ops.zeroLoss(embeddings);
        }
        try (NDArray sum = maskedSum(term.losses(), term.mask())) {
            return Ops.div(sum, n);
        }
    }
}
