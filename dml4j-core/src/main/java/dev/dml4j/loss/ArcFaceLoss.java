package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * ArcFace, additive angular margin (Deng et al. 2019): softmax cross-entropy on s·cos θ<sub>j</sub> with the target
 * class's angle increased by the margin, cos(θ<sub>y</sub> + m). The margin is given in degrees (reference default
 * 28.6° ≈ 0.5 rad); class weights W are rows [C, D], N(0, 1) initialisation.
 */
public class ArcFaceLoss extends LargeMarginSoftmaxLoss {
    /** cos θ is kept within ±(1 − this) so that the angle's gradient stays finite where an embedding meets a W row. */
    static final double COS_EPS = 1e-7;
    private final double cosM;
    private final double sinM;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param marginDegrees the additive angular margin in degrees (default 28.6)
     * @param scale the logit scale s (default 64)
     * @param distance must be CosineSimilarity (null: it)
     * @param reducer the reducer (null: mean)
     */
    public ArcFaceLoss(int numClasses, int embeddingSize, double marginDegrees, double scale, Distance distance,
            Reducer reducer) {
        this(numClasses, numClasses, embeddingSize, marginDegrees, scale, distance, reducer, 0);
    }

    /** For subclasses: {@code rows} weight rows and the initialisation seed. */
    protected ArcFaceLoss(int numClasses, int rows, int embeddingSize, double marginDegrees, double scale,
            Distance distance, Reducer reducer, long seed) {
        super(numClasses, rows, embeddingSize, marginDegrees, scale, distance, reducer, seed);
        double rad = Math.toRadians(marginDegrees);
        this.cosM = Math.cos(rad);
        this.sinM = Math.sin(rad);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=28.6 (degrees), scale=64}. */
    public static ArcFaceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new ArcFaceLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 28.6), params.getDouble("scale", 64), c.distance(), c.reducer()), c);
    }

    @Override
    protected double checkMargin(double m) {
        return Checks.atLeast(m, 0, getClass().getSimpleName() + " margin (degrees)");
    }

    @Override
    protected boolean usesMultipleAngle() {
        return false;
    }

    /** cos(θ + m) = cos θ cos m − sin θ sin m, with sin θ = √(1 − cos²θ) (θ ∈ [0, π]). */
    @Override
    protected NDArray modifyTargetCosine(NDArray c) {
        NDArray cc = c.clip(-1 + COS_EPS, 1 - COS_EPS);
        NDArray sin = cc.square().neg().add(1).sqrt();
        return Ops.mul(cc, cosM).sub(Ops.mul(sin, sinM));
    }

    @Override
    protected NDArray scaleLogits(NDArray logits, NDArray embeddings, NDArray w) {
        return Ops.mul(logits, scale);
    }
}
