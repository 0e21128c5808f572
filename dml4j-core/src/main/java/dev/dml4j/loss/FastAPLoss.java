package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * FastAP (Cakir et al. 2019, "Deep Metric Learning to Rank"): average precision of each anchor's ranking, with the
 * distances soft-binned into a histogram of {@code numBins} triangular bins over [0, 2<sup>power</sup>]; the loss of an
 * anchor is 1 − AP (element reduction over anchors that have a positive, mean by default). A miner's tuple only sets
 * per-anchor weights (how often each index appears, relative to the most frequent), as in the reference. The
 * histograms are computed without autograd and the gradient of AP with respect to each distance in closed form (same
 * values and gradients as differentiating the histograms; golden cases and finite differences check both).
 */
public class FastAPLoss extends MetricLoss {
    private final int numBins;

    /** The reference default: 10 bins, squared normalised Euclidean distance. */
    public FastAPLoss() {
        this(10, null, null);
    }

    /**
     * @param numBins the number of histogram bins (default 10; ≥ 1)
     * @param distance the distance; must be L2 on normalised embeddings (null: squared normalised Euclidean)
     * @param reducer the reducer (null: mean over anchors)
     */
    public FastAPLoss(int numBins, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(numBins >= 1, "FastAPLoss num_bins must be >= 1, got " + numBins);
        Checks.require(this.distance instanceof LpDistance && this.distance.normalizesEmbeddings()
                && this.distance.p() == 2, "FastAPLoss needs LpDistance(p=2, normalize_embeddings=true), got "
                + this.distance);
        this.numBins = numBins;
    }

    /** Builds from reference parameters {@code num_bins, distance, reducer}. */
    public static FastAPLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new FastAPLoss(params.getInt("num_bins", 10), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance(true, 2, 2);
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        Checks.require(refEmbeddings == null, "FastAPLoss does not support refEmbeddings: pass the batch only");
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        DataType type = embeddings.getDataType();
        int n = (int) labels.getShape().get(0);
        NDArray[] md = Tuples.matchesAndDiffs(labels, null);
        NDArray posMask = md[0].toType(type, false);
        NDArray notEye = Ops.eyeMask(labels, n).logicalNot().toType(type, false);
        NDArray numPos = posMask.sum(new int[] {1});
        NDArray safeN = numPos.gt(0);
        if (Ops.count(safeN) == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray dist = distance.pairwise(embeddings);
        double histMax = Math.pow(2, distance.power());
        double delta = histMax / numBins;
        // s = d / δ: distance in bin widths; bin k's triangular weight is [1 − |s − k|]₊
        NDArray s = Ops.div(dist, delta);
        NDArray sD = s.stopGradient();
        NDArray[] hists = histograms(sD, posMask, notEye, n);
        NDArray posHist = hists[0];
        NDArray allHist = hists[1];
        NDArray totalPos = posHist.cumSum(1);
        NDArray total = allHist.cumSum(1);
        NDArray h = posHist.mul(totalPos);
        NDArray safeH = h.gt(0).logicalAnd(total.gt(0));
        if (Ops.count(safeH) == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray safeTotal = NDArrays.where(safeH, total, total.onesLike());
        NDArray apValue = NDArrays.where(safeH, h.div(safeTotal), h.zerosLike()).sum(new int[] {1});
        // The histograms are built without autograd (a [N, E, N] graph and its backward cost most of the time); the
        // gradient of Σ_k AP terms with respect to each s_ij is formed in closed form below, and joins the graph as
        // apValue + Σ_j (s − s̄)_ij · G_ij, whose value is apValue exactly and whose gradient is G.
        NDArray g = apGradient(sD, posMask, notEye, posHist, totalPos, h, safeH, safeTotal);
        NDArray ap = apValue.add(s.sub(sD).mul(g).sum(new int[] {1}));
        NDArray apSafe = ap.get(safeN).div(numPos.get(safeN));
        NDArray weights = minerWeights(tuple, n, embeddings).get(safeN);
        NDArray losses = apSafe.neg().add(1).mul(weights);
        NDArray idx = safeN.nonzero().reshape(-1);
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    /**
     * The positive and the full histogram [N, E] of each anchor's distances s [N, N] (in bin widths, no gradient):
     * hist[i, k] = Σ_j mask_ij [1 − |s_ij − k|]₊, for the positive mask and for all pairs but the anchor itself.
     */
    private NDArray[] histograms(NDArray s, NDArray posMask, NDArray notEye, int n) {
        // [N, E, N]: anchor, bin, other item. Nothing here needs a gradient, so the large temporaries are updated in
        // place (each new 2.9 MB array for N = 256 costs the engine fresh pages), and the two masked sums are a
        // product and a sum each (a batched matrix product against both masks took twice as long)
        NDManager m = s.getManager();
        double[] nodes = new double[numBins + 1];
        for (int k = 0; k <= numBins; k++) {
            nodes[k] = k;
        }
        NDArray mids = Ops.create(m, nodes, new Shape(1, numBins + 1, 1)).toType(s.getDataType(), false)
                .toDevice(s.getDevice(), false);
        NDArray pulse;
        try (NDArray scaled = s.reshape(n, 1, n); NDArray t = scaled.sub(mids); NDArray a = t.abs()) {
            a.negi();
            try (NDArray one = Ops.scalar(a, 1)) {
                a.addi(one);
            }
            pulse = Ops.relu(a);
        }
        try (pulse; NDArray all = notEye.reshape(n, 1, n); NDArray pos = posMask.reshape(n, 1, n)) {
            NDArray allHist = pulse.muli(all).sum(new int[] {2});
            // the positive mask lies inside the off-diagonal one, so pulse · notEye · pos = pulse · pos
            NDArray posHist = pulse.muli(pos).sum(new int[] {2});
            return new NDArray[] {posHist, allHist};
        }
    }

    /**
     * ∂/∂s_ij of anchor i's Σ_k AP term φ_ik = [safe] h_ik / H_ik (h = hp · cumsum(hp), H = cumsum(ha)), what autograd
     * would give through the histograms: ∂Σφ/∂hp_m = [safe_m] Cp_m / H_m + Σ_{k≥m} [safe_k] hp_k / H_k and
     * ∂Σφ/∂ha_m = −Σ_{k≥m} [safe_k] h_k / H_k². A pair with s = l + f (l = ⌊s⌋) weighs 1 − f in bin l and f in bin
     * l + 1, so ∂/∂s_ij = mask_ij (g_i,l+1 − g_i,l) for each histogram, and 0 where f = 0 (the triangle's kinks, where
     * the engine's |·|′(0) = 0 and relu′(0) = 0 give 0 too).
     */
    private NDArray apGradient(NDArray s, NDArray posMask, NDArray notEye, NDArray posHist,
            NDArray totalPos, NDArray h, NDArray safeH, NDArray safeTotal) {
        NDArray safe = safeH.toType(s.getDataType(), false);
        NDArray perHp = safe.mul(posHist).div(safeTotal);
        NDArray perHa = safe.mul(h).div(safeTotal.square());
        NDArray dHp = safe.mul(totalPos).div(safeTotal).add(reverseCumSum(perHp));
        NDArray dHa = reverseCumSum(perHa).neg();
        // per bin, the step to the next bin (a zero bin past the last: l + 1 = E for s at or just past the end)
        NDArray stepP = nextBinStep(dHp);
        NDArray stepA = nextBinStep(dHa);
        NDArray floor = s.floor();
        NDArray lower = Ops.minimum(floor, numBins).toType(DataType.INT64, false);
        NDArray g = stepP.gather(lower, 1).mul(posMask).add(stepA.gather(lower, 1).mul(notEye));
        return Ops.maskedFill(g, s.eq(floor), 0.0);
    }

    /** x_i,k+1 − x_ik along axis 1 [N, E], with x_i,E = 0. */
    private static NDArray nextBinStep(NDArray x) {
        NDArray next = x.get(":, 1:").concat(x.get(":, :1").zerosLike(), 1);
        return next.sub(x);
    }

    /** Σ_{k ≥ m} x_ik along axis 1. */
    private static NDArray reverseCumSum(NDArray x) {
        return x.flip(1).cumSum(1).flip(1);
    }

    /**
     * The reference's per-anchor weights from a mined tuple: each index's share of all tuple entries divided by the
     * largest share (1 for every row without a tuple or with an empty one; 0 for rows the tuple never names).
     */
    static NDArray minerWeights(IndicesTuple tuple, int n, NDArray like) {
        NDManager m = like.getManager();
        if (tuple == null || tuple.size() == 0) {
            return m.ones(new Shape(n), like.getDataType(), like.getDevice());
        }
        NDList parts = switch (tuple) {
            case IndicesTuple.Pairs p -> new NDList(p.a1(), p.p(), p.a2(), p.n());
            case IndicesTuple.Triplets t -> new NDList(t.a(), t.p(), t.n());
        };
        NDArray all = NDArrays.concat(parts);
        NDArray counts = Ops.oneHot(all, n, like.getDataType()).sum(new int[] {0});
        return counts.div(counts.max());
    }
}
