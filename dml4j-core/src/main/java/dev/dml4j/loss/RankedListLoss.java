package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Ranked list loss (Wang et al. 2019): for each anchor, positives farther than α − margin and negatives closer than
 * α are penalised, each set weighted by exp(T<sub>p</sub>·violation) resp. exp(T<sub>n</sub>·(α − d)); the per-anchor
 * loss is (1 − imbalance)·L<sub>P</sub> + imbalance·L<sub>N</sub> (element reduction, mean by default). An anchor
 * without violating positives (or negatives) contributes 0 for that part (the reference gives NaN for positives).
 */
public class RankedListLoss extends MetricLoss {
    private final double margin;
    private final double tn;
    private final double imbalance;
    private final double alpha;
    private final double tp;

    /**
     * @param margin the gap between the positive and negative boundaries (required)
     * @param tn the temperature of the negative weights (required)
     * @param imbalance the weight of the negative part, in [0, 1] (default 0.5)
     * @param alpha the negative boundary α (null: 1 + margin / 2)
     * @param tp the temperature of the positive weights (default 0)
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer (null: mean)
     */
    public RankedListLoss(double margin, double tn, double imbalance, Double alpha, double tp, Distance distance,
            Reducer reducer) {
        super(distance, reducer);
        Checks.require(Double.isFinite(margin), "RankedListLoss margin must be finite, got " + margin);
        Checks.require(Double.isFinite(tn), "RankedListLoss Tn must be finite, got " + tn);
        Checks.require(imbalance >= 0 && imbalance <= 1, "RankedListLoss imbalance must be in [0, 1], got " + imbalance);
        this.margin = margin;
        this.tn = tn;
        this.imbalance = imbalance;
        this.alpha = alpha == null ? 1 + margin / 2 : alpha;
        this.tp = tp;
    }

    /** Builds from reference parameters {@code margin, Tn} (required), {@code imbalance, alpha, Tp}. */
    public static RankedListLoss fromParams(Params params) {
        Common c = common(params);
        Checks.require(params.has("margin") && params.has("Tn"),
                "RankedListLoss needs 'margin' and 'Tn' (e.g. margin 0.4, Tn 10)");
        Double alpha = params.has("alpha") ? params.getDouble("alpha", 0) : null;
        params.raw("alpha");
        return apply(new RankedListLoss(params.getDouble("margin", 0), params.getDouble("Tn", 0),
                params.getDouble("imbalance", 0.5), alpha, params.getDouble("Tp", 0), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        Checks.require(refEmbeddings == null, "RankedListLoss does not support refEmbeddings: pass the batch only");
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        Checks.require(tuple == null, "RankedListLoss does not use a miner's tuple: call it without one");
        int n = (int) labels.getShape().get(0);
        NDArray eye = Ops.eyeMask(labels, n);
        NDArray mat = Ops.maskedFill(distance.pairwise(embeddings), eye, 0.0);
        NDArray same = Ops.sameLabel(labels, labels);
        double posBound = alpha - margin;
        NDArray negSel = same.logicalNot().logicalAnd(mat.lt(alpha));
        NDArray posSel = same.logicalAnd(eye.logicalNot()).logicalAnd(mat.gt(posBound));
        NDArray nStar = mat.mul(Ops.asFloat(negSel, mat));
        NDArray pStar = mat.mul(Ops.asFloat(posSel, mat));
        NDArray pViol = pStar.sub(posBound);
        NDArray wp = pViol.mul(tp).exp().mul(Ops.asFloat(pStar.gt(posBound), mat));
        NDArray nViol = nStar.neg().add(alpha);
        NDArray wn = nViol.mul(tn).exp().mul(Ops.asFloat(nStar.gt(0), mat));
        NDArray lossP = safeRatio(wp.mul(pViol).sum(new int[] {1}), wp.sum(new int[] {1}));
        NDArray lossN = safeRatio(wn.mul(nViol).sum(new int[] {1}), wn.sum(new int[] {1}));
        NDArray losses = lossP.mul(1 - imbalance).add(lossN.mul(imbalance));
        NDArray idx = embeddings.getManager().arange(0, n, 1, ai.djl.ndarray.types.DataType.INT64,
                embeddings.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    /** num / den where den &gt; 0, else 0 (with a zero gradient there). */
    private static NDArray safeRatio(NDArray num, NDArray den) {
        NDArray ok = den.gt(0);
        NDArray safeDen = NDArrays.where(ok, den, den.onesLike());
        return num.div(safeDen).mul(Ops.asFloat(ok, num));
    }
}
