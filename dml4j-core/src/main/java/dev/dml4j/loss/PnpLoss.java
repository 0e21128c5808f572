package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.Locale;

/**
 * Rank-based PNP loss (Li et al. 2022, "Rethinking the Optimization of Average Precision: Only Penalizing Negative
 * Instances before Positive Ones is Enough"): for each anchor i and positive j, R = the soft number of negatives
 * ranked before j (a sigmoid of similarity differences with temperature {@code anneal}); the variant maps R to a
 * penalty: O (R), Ds (log(1+R)), Dq (1 − 1/(1+R)<sup>α</sup>, averaged), Iu ((1+R)·log(1+R)), Ib
 * ((bR − log(1+bR)) / b²). Penalties are averaged over each anchor's positives (the anchor itself counts as one, as in
 * the reference) and summed over anchors divided by the batch size (already reduced). As in the reference, the
 * negatives counted for the pair (i, j) are those of j's class.
 */
public class PnpLoss extends MetricLoss {
    /** The reference's variants. */
    public enum Variant {
        /** Penalty R. */
        O,
        /** Penalty log(1 + R). */
        Ds,
        /** Penalty via 1/(1 + R)^α, the loss being 1 − mean. */
        Dq,
        /** Penalty (1 + R)·log(1 + R). */
        Iu,
        /** Penalty (bR − log(1 + bR)) / b². */
        Ib
    }

    private final double b;
    private final double alpha;
    private final double anneal;
    private final Variant variant;

    /** The reference default: b 2, α 1, anneal 0.01, variant O. */
    public PnpLoss() {
        this(2, 1, 0.01, Variant.O, null, null);
    }

    /**
     * @param b the Ib variant's slope (default 2; &gt; 0)
     * @param alpha the Dq variant's exponent (default 1)
     * @param anneal the sigmoid temperature (default 0.01; &gt; 0)
     * @param variant the penalty variant (default O)
     * @param distance must be cosine similarity (null: cosine similarity)
     * @param reducer the reducer (the loss is already reduced)
     */
    public PnpLoss(double b, double alpha, double anneal, Variant variant, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(this.distance instanceof CosineSimilarity, "PNPLoss needs CosineSimilarity, got " + this.distance);
        this.b = Checks.positive(b, "PNPLoss b");
        this.alpha = alpha;
        this.anneal = Checks.positive(anneal, "PNPLoss anneal");
        this.variant = variant;
    }

    /** Builds from reference parameters {@code b, alpha, anneal, variant} (one of Ds, Dq, Iu, Ib, O). */
    public static PnpLoss fromParams(Params params) {
        Common c = common(params);
        String v = params.getString("variant", "O");
        Variant variant = null;
        for (Variant x : Variant.values()) {
            if (x.name().equals(v)) {
                variant = x;
            }
        }
        if (variant == null) {
            throw new IllegalArgumentException("PNPLoss variant='" + v + "' but must be one of Ds, Dq, Iu, Ib, O");
        }
        return apply(new PnpLoss(params.getDouble("b", 2), params.getDouble("alpha", 1),
                params.getDouble("anneal", 0.01), variant, c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        Checks.require(refEmbeddings == null, "PNPLoss does not support refEmbeddings: pass the batch only");
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        Checks.require(tuple == null, "PNPLoss does not use a miner's tuple: call it without one");
        int n = (int) labels.getShape().get(0);
        NDArray[] md = Tuples.matchesAndDiffs(labels, null);
        NDArray hasPos = Ops.any(md[0], 1);
        if (Ops.count(hasPos) == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray eye = Ops.eyeMask(labels, n);
        // positives plus the anchor itself for anchors that have a positive
        NDArray iPos = Ops.asFloat(md[0].logicalOr(eye.logicalAnd(hasPos.expandDims(1))), embeddings);
        NDArray iNeg = Ops.asFloat(md[1], embeddings);
        NDArray numPos = iPos.sum(new int[] {1});
        NDArray sim = distance.pairwise(embeddings);
        // diff[i, j, k] = sim[i, k] − sim[i, j]
        NDArray diff = sim.expandDims(1).sub(sim.expandDims(2));
        NDArray exponent = Ops.div(diff, -anneal).clip(-50, 50);
        NDArray sg = Ops.pow(exponent.exp().add(1), -1).mul(iNeg.expandDims(0));
        NDArray rk = sg.sum(new int[] {2});
        switch (variant) {
            case Ds -> rk = rk.add(1).log();
            case Dq -> rk = Ops.pow(rk.add(1), -alpha);
            case Iu -> rk = rk.add(1).mul(rk.add(1).log());
            case Ib -> rk = Ops.div(Ops.mul(rk, b).sub(Ops.mul(rk, b).add(1).log()), b * b);
            default -> {
            }
        }
        NDArray ok = numPos.gt(0);
        NDArray perAnchor = rk.mul(iPos).sum(new int[] {1}).div(NDArrays.where(ok, numPos, numPos.onesLike()));
        NDArray loss = Ops.div(perAnchor.sum(), n);
        if (variant == Variant.Dq) {
            loss = loss.neg().add(1);
        }
        return LossTerms.of(LossTerm.alreadyReduced(loss));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PnpLoss(variant=%s, anneal=%s)", variant, anneal);
    }
}
