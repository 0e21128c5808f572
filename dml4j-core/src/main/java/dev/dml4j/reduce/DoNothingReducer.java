package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Params;

/** Returns the loss values unreduced (a vector), for inspecting per-element losses. Not for training. */
public class DoNothingReducer extends Reducer {

    /** Builds from reference parameters (none). */
    public static DoNothingReducer fromParams(Params params) {
        return new DoNothingReducer();
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        return term.losses();
    }
}
