package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Large-margin softmax, L-Softmax (Liu et al. 2016): softmax cross-entropy on ‖w<sub>j</sub>‖‖x‖cos θ<sub>j</sub>,
 * where the target class's cos θ is replaced by ψ(θ) = (−1)<sup>k</sup> cos(mθ) − 2k, k = ⌊mθ/π⌋, then times
 * {@code scale}. The class weights W are rows [C, D] (N(0, 1) initialisation). Also the base of the angular-margin
 * family (ArcFace, CosFace, SphereFace, SubCenterArcFace), which replace the target cosine and the scaling.
 */
public class LargeMarginSoftmaxLoss extends WeightedMetricLoss {
    /** The margin as given (an integer multiple m for L-Softmax and SphereFace). */
    protected final double margin;
    /** The logit scale s. */
    protected final double scale;
    private final double[] polyCoefficients;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param margin the angle multiplier m, an integer ≥ 1 (default 4)
     * @param scale the logit scale (default 1)
     * @param distance must be {@link CosineSimilarity} (null: it)
     * @param reducer the reducer (null: mean)
     */
    public LargeMarginSoftmaxLoss(int numClasses, int embeddingSize, double margin, double scale, Distance distance,
            Reducer reducer) {
        this(numClasses, numClasses, embeddingSize, margin, scale, distance, reducer, 0);
    }

    /** For subclasses: {@code rows} weight rows (C × sub-centers) and the initialisation seed. */
    protected LargeMarginSoftmaxLoss(int numClasses, int rows, int embeddingSize, double margin, double scale,
            Distance distance, Reducer reducer, long seed) {
        super(distance, reducer, numClasses, newWeights(numClasses, rows, embeddingSize, seed));
        if (!(this.distance instanceof CosineSimilarity)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs CosineSimilarity as its distance, got "
                    + this.distance);
        }
        this.scale = Checks.positive(scale, getClass().getSimpleName() + " scale");
        this.margin = checkMargin(margin);
        this.polyCoefficients = usesMultipleAngle() ? multipleAngleCoefficients((int) margin) : null;
    }

    private static LossWeights newWeights(int numClasses, int rows, int embeddingSize, long seed) {
        checkSizes("angular-margin loss", numClasses, embeddingSize);
        return new LossWeights("W", rows, embeddingSize, LossWeights.Init.NORMAL, seed,
                LossParameter.CLASSIFIER_LR_MULTIPLIER);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=4, scale=1, distance, reducer}. */
    public static LargeMarginSoftmaxLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new LargeMarginSoftmaxLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 4), params.getDouble("scale", 1), c.distance(), c.reducer()), c);
    }

    /** Checks the margin; L-Softmax needs a positive whole multiple. */
    protected double checkMargin(double m) {
        Checks.require(m >= 1 && m == Math.rint(m) && m <= 64, getClass().getSimpleName()
                + " margin is the whole angle multiplier m (1 ≤ m ≤ 64), got " + m);
        return m;
    }

    /** Whether the target cosine uses the multiple-angle formula (L-Softmax, SphereFace). */
    protected boolean usesMultipleAngle() {
        return true;
    }

    /** Coefficients (−1)^n·C(m, 2n) of cos(mθ) = Σ_n coef_n cos<sup>m−2n</sup>θ (1 − cos²θ)<sup>n</sup>. */
    private static double[] multipleAngleCoefficients(int m) {
        double[] c = new double[m / 2 + 1];
        for (int n = 0; n < c.length; n++) {
            double binom = 1;
            for (int i = 0; i < 2 * n; i++) {
                binom = binom * (m - i) / (i + 1);
            }
            c[n] = (n % 2 == 0 ? 1 : -1) * binom;
        }
        return c;
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    /** The cosines [N, C] between embeddings and class weights. */
    protected NDArray cosine(NDArray embeddings, NDArray w) {
        return distance.pairwise(embeddings, w);
    }

    /** The target class's replaced cosine from its cosine c [N, 1]: ψ(θ) = (−1)^k cos(mθ) − 2k. */
    protected NDArray modifyTargetCosine(NDArray c) {
        int m = (int) margin;
        NDArray cosMTheta = null;
        NDArray sin2 = c.square().neg().add(1);
        for (int n = 0; n < polyCoefficients.length; n++) {
            int cp = m - 2 * n;
            NDArray term = cp == 0 ? null : (cp == 1 ? c : Ops.pow(c, cp));
            if (n > 0) {
                NDArray s = n == 1 ? sin2 : Ops.pow(sin2, n);
                term = term == null ? s : term.mul(s);
            }
            term = Ops.mul(term, polyCoefficients[n]);
            cosMTheta = cosMTheta == null ? term : cosMTheta.add(term);
        }
        NDArray k;
        try (NDArray detached = c.stopGradient()) {
            k = Ops.mul(detached.clip(-1, 1).acos(), m / Math.PI).floor();
        }
        // (−1)^k = 1 − 2·(k mod 2)
        NDArray parity = k.sub(Ops.mul(Ops.div(k, 2).floor(), 2));
        NDArray sign = Ops.mul(parity, -2).add(1);
        return cosMTheta.mul(sign).sub(Ops.mul(k, 2));
    }

    /** The logits from the (modified) cosines [N, C]: ‖w<sub>j</sub>‖ ‖x‖ cos · scale for L-Softmax. */
    protected NDArray scaleLogits(NDArray logits, NDArray embeddings, NDArray w) {
        NDArray xNorm = embeddings.norm(new int[] {1}, true);
        NDArray wNorm = w.norm(new int[] {1}).reshape(1, -1);
        return Ops.mul(logits.mul(xNorm).mul(wNorm), scale);
    }

    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        return scaleLogits(cosine(embeddings, w), embeddings, w);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray w = weights.forUse(embeddings);
        long n = embeddings.getShape().get(0);
        NDArray cos = cosine(embeddings, w);
        NDArray lab = labelColumn(labels);
        NDArray target = cos.gather(lab, 1);
        NDArray diff = modifyTargetCosine(target).sub(target);
        NDArray oneHot = Ops.oneHot(labels, numClasses, cos.getDataType());
        NDArray logits = scaleLogits(cos.add(oneHot.mul(diff)), embeddings, w);
        NDArray losses = crossEntropy(logits, lab);
        NDArray mw = minerWeights(tuple, n, embeddings);
        if (mw != null) {
            losses = losses.mul(mw);
        }
        NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(numClasses=" + numClasses + ", margin=" + margin + ", scale=" + scale
                + ")";
    }
}
