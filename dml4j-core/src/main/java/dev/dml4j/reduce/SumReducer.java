package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Params;

/** The sum of all loss values. */
public class SumReducer extends Reducer {

    /** Builds from reference parameters (none). */
    public static SumReducer fromParams(Params params) {
        return new SumReducer();
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return term.losses().sum();
    }

    @Override
    protected boolean reducesMasked() {
        return true;
    }

    /** The masked sum (0 with the graph of the dense values when nothing is masked, like the zero loss). */
    @Override
    protected NDArray reduceMaskedTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return maskedSum(term.losses(), term.mask());
    }
}
