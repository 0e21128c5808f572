package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * SphereFace, A-Softmax (Liu et al. 2017): L-Softmax with normalised class weights, so the logits are
 * ‖x‖·ψ(θ<sub>j</sub>)·scale with the multiplicative angular margin m on the target class.
 */
public class SphereFaceLoss extends LargeMarginSoftmaxLoss {

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param margin the angle multiplier m, a whole number ≥ 1 (default 4)
     * @param scale the logit scale (default 1)
     * @param distance must be CosineSimilarity (null: it)
     * @param reducer the reducer (null: mean)
     */
    public SphereFaceLoss(int numClasses, int embeddingSize, double margin, double scale, Distance distance,
            Reducer reducer) {
        super(numClasses, numClasses, embeddingSize, margin, scale, distance, reducer, 0);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=4, scale=1}. */
    public static SphereFaceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new SphereFaceLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 4), params.getDouble("scale", 1), c.distance(), c.reducer()), c);
    }

    @Override
    protected NDArray scaleLogits(NDArray logits, NDArray embeddings, NDArray w) {
        return Ops.mul(logits.mul(embeddings.norm(new int[] {1}, true)), scale);
    }
}
