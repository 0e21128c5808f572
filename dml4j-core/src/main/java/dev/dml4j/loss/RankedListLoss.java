package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
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
 * Ranked list loss (Wang et al. 2019, "Ranked List Loss for Deep Metric Learning", arXiv:1903.03238), as
 * pytorch-metric-learning 2.8 computes it: for each anchor, positives farther than α − margin and negatives closer
 * than α (and not at distance 0) are penalised, each set weighted by exp(T<sub>p</sub>·(d − (α − margin))) resp.
 * exp(T<sub>n</sub>·(α − d)). Each part is a weighted mean whose denominator carries the reference's smoothing term:
 * L<sub>P</sub> = Σ<sub>j</sub> w<sub>ij</sub>·violation<sub>ij</sub> / Σ<sub>j</sub> (w<sub>ij</sub> + {@value #EPS})
 * with j over all N items of the batch (so + N·{@value #EPS}), likewise L<sub>N</sub>; an anchor without violating
 * positives (or negatives) therefore gets 0 for that part. The per-anchor loss is
 * (1 − imbalance)·L<sub>P</sub> + imbalance·L<sub>N</sub> (element reduction, mean by default). The weights are
 * computed with their row maximum factored out, so large temperatures do not overflow (the reference gives NaN
 * there).
 */
public class RankedListLoss extends MetricLoss {
    /** The reference's per-column term added to each weighted mean's denominator (pytorch-metric-learning 2.8). */
    public static final double EPS = 1e-5;

    private final double margin;
    private final double tn;
    private final double imbalance;
    private final double alpha;
    private final double tp;

    /**
     * Creates the loss with the reference's parameters.
     *
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
        Checks.require(Double.isFinite(tp), "RankedListLoss Tp must be finite, got " + tp);
        Checks.require(imbalance >= 0 && imbalance <= 1, "RankedListLoss imbalance must be in [0, 1], got " + imbalance);
        this.margin = margin;
        this.tn = tn;
        this.imbalance = imbalance;
        Checks.require(alpha == null || Double.isFinite(alpha), "RankedListLoss alpha must be finite, got " + alpha);
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
        // the reference weights only pairs at a distance > 0 (an identical pair is never a violation it counts)
        NDArray positive = mat.gt(0);
        NDArray negSel = same.logicalNot().logicalAnd(mat.lt(alpha)).logicalAnd(positive);
        NDArray posSel = same.logicalAnd(eye.logicalNot()).logicalAnd(mat.gt(posBound)).logicalAnd(positive);
        NDArray lossP = smoothedWeightedMean(mat.sub(posBound), posSel, tp, n);
        NDArray lossN = smoothedWeightedMean(mat.neg().add(alpha), negSel, tn, n);
        NDArray losses = lossP.mul(1 - imbalance).add(lossN.mul(imbalance));
        NDArray idx = embeddings.getManager().arange(0, n, 1, ai.djl.ndarray.types.DataType.INT64,
                embeddings.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    /**
     * Per row i: Σ<sub>j∈sel</sub> w<sub>ij</sub>·v<sub>ij</sub> / (Σ<sub>j∈sel</sub> w<sub>ij</sub> + n·{@value #EPS})
     * with w = exp(t·v). The row maximum s of t·v (at least 0) is factored out, with its gradient stopped: the
     * quotient equals Σ w'·v / (Σ w' + n·EPS·exp(−s)) with w' = exp(t·v − s), which is exact and cannot overflow.
     */
    private static NDArray smoothedWeightedMean(NDArray violation, NDArray sel, double temperature, int n) {
        NDArray arg = Ops.maskedFill(violation.mul(temperature), sel.logicalNot(), 0.0);
        NDArray shift = Ops.relu(arg.max(new int[] {1}, true)).stopGradient();
        NDArray w = arg.sub(shift).exp().mul(Ops.asFloat(sel, violation));
        NDArray num = w.mul(violation).sum(new int[] {1});
        NDArray smoothing = shift.squeeze(1).neg().exp().mul(n * EPS);
        return num.div(w.sum(new int[] {1}).add(smoothing));
    }
}
