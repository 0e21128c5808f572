package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * The mean of loss values each multiplied by the weight of its class: the class of the element, or of the anchor
 * for pairs and triplets.
 */
public class ClassWeightedReducer extends Reducer {
    private final double[] weights;

    /** @param weights one weight per class id (index = label) */
    public ClassWeightedReducer(double[] weights) {
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("ClassWeightedReducer needs one weight per class");
        }
        this.weights = weights.clone();
    }

    /** Builds from reference parameters {@code weights}. */
    public static ClassWeightedReducer fromParams(Params params) {
        return new ClassWeightedReducer(params.getDoubles("weights"));
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        NDArray anchorIdx = term.indices()[0];
        NDArray w = Ops.create(Ops.scalar(embeddings, 0).getManager(), weights).toType(term.losses().getDataType(), false)
                .toDevice(embeddings.getDevice(), false);
        NDArray cls = labels.get(anchorIdx.toType(ai.djl.ndarray.types.DataType.INT64, false));
        NDArray wl = w.get(cls.toType(ai.djl.ndarray.types.DataType.INT64, false));
        return term.losses().mul(wl).mean();
    }
}
