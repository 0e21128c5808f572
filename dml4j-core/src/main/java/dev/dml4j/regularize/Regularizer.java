package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.MeanReducer;
import dev.dml4j.reduce.Reducer;
import java.util.Map;

/**
 * A penalty on embeddings (embedding regularizer) or on a loss's weight rows (weight regularizer), reduced on its
 * own (default {@link MeanReducer}) and then added to the loss times its weight.
 */
public abstract class Regularizer {
    protected final Distance distance;
    protected final Reducer reducer;

    /**
     * @param distance the distance the penalty uses (each regularizer has its reference default)
     * @param reducer how its terms are reduced (null: {@link #defaultReducer()})
     */
    protected Regularizer(Distance distance, Reducer reducer) {
        this.distance = distance;
        this.reducer = reducer == null ? defaultReducer() : reducer;
    }

    /** The reducer used when none is given. */
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    /** The scalar penalty of the rows of {@code x} [N, D]. */
    public NDArray compute(NDArray x) {
        LossTerms terms = computeTerms(x);
        NDArray total = null;
        for (Map.Entry<String, LossTerm> e : terms) {
            NDArray v = reducer.reduce(e.getValue(), x, null);
            total = total == null ? v : total.add(v);
        }
        return total;
    }

    /** The unreduced penalty terms. */
    protected abstract LossTerms computeTerms(NDArray x);
}
