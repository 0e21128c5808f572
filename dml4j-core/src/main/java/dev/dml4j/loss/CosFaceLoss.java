package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * CosFace, large-margin cosine loss (Wang et al. 2018): softmax cross-entropy on s·cos θ<sub>j</sub> with the target
 * class's cosine lowered by the margin, cos θ<sub>y</sub> − m. Class weights W are rows [C, D], N(0, 1)
 * initialisation.
 */
public class CosFaceLoss extends LargeMarginSoftmaxLoss {

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param margin the cosine margin m (default 0.35)
     * @param scale the logit scale s (default 64)
     * @param distance must be CosineSimilarity (null: it)
     * @param reducer the reducer (null: mean)
     */
    public CosFaceLoss(int numClasses, int embeddingSize, double margin, double scale, Distance distance,
            Reducer reducer) {
        super(numClasses, numClasses, embeddingSize, margin, scale, distance, reducer, 0);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=0.35, scale=64}. */
    public static CosFaceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new CosFaceLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 0.35), params.getDouble("scale", 64), c.distance(), c.reducer()), c);
    }

    @Override
    protected double checkMargin(double m) {
        return Checks.atLeast(m, 0, "CosFaceLoss margin");
    }

    @Override
    protected boolean usesMultipleAngle() {
        return false;
    }

    @Override
    protected NDArray modifyTargetCosine(NDArray c) {
        return c.sub(margin);
    }

    @Override
    protected NDArray scaleLogits(NDArray logits, NDArray embeddings, NDArray w) {
        return Ops.mul(logits, scale);
    }
}
