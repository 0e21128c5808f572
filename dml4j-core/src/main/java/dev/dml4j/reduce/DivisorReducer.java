package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/** Σ losses / divisor, with the divisor supplied by the loss in its {@link LossTerm}; 0 when the divisor is 0. */
public class DivisorReducer extends Reducer {

    /** Builds from reference parameters (none). */
    public static DivisorReducer fromParams(Params params) {
        return new DivisorReducer();
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return divide(term.losses().sum(), term, embeddings);
    }

    @Override
    protected boolean reducesMasked() {
        return true;
    }

    @Override
    protected NDArray reduceMaskedTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return divide(maskedSum(term.losses(), term.mask()), term, embeddings);
    }

    /** The sum divided by the term's divisor (0 with graph when the divisor is 0); the sum is closed. */
    private static NDArray divide(NDArray sum, LossTerm term, NDArray embeddings) {
        try (sum) {
            double d = term.divisor();
            if (Double.isNaN(d)) {
                throw new IllegalStateException("DivisorReducer needs a loss that supplies a divisor; this one does "
                        + "not");
            }
            return d == 0 ? Ops.zeroLoss(embeddings) : Ops.div(sum, d);
        }
    }
}
