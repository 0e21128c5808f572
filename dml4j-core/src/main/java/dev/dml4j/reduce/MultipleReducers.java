package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/** A reducer per named sub-loss (e.g. {@code pos_loss}, {@code neg_loss}); others use a default reducer. */
public class MultipleReducers extends Reducer {
    private final Map<String, Reducer> reducers;
    private final Reducer defaultReducer;

    /**
     * @param reducers the reducer of each named sub-loss
     * @param defaultReducer the reducer of any other sub-loss (default {@link MeanReducer})
     */
    public MultipleReducers(Map<String, Reducer> reducers, Reducer defaultReducer) {
        this.reducers = new LinkedHashMap<>(reducers);
        this.defaultReducer = defaultReducer == null ? new MeanReducer() : defaultReducer;
    }

    /** Builds from reference parameters {@code reducers} (name → component) and {@code default_reducer}. */
    @SuppressWarnings("unchecked")
    public static MultipleReducers fromParams(Params params) {
        Map<String, Reducer> map = new LinkedHashMap<>();
        Object r = params.raw("reducers");
        if (r instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                map.put(String.valueOf(e.getKey()),
                        Components.create(Reducer.class, ComponentSpec.of(e.getValue(), "reducers." + e.getKey())));
            }
        }
        return new MultipleReducers(map, Components.optional(Reducer.class, params, "default_reducer"));
    }

    /** The reducer used for a sub-loss name. */
    public Reducer reducerFor(String subLoss) {
        return reducers.getOrDefault(subLoss, defaultReducer);
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        throw new UnsupportedOperationException("MultipleReducers reduces named terms: use reducerFor(name)");
    }
}
