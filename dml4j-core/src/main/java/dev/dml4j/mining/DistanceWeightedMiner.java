package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Distance-weighted sampling (Wu et al. 2017, "Sampling Matters in Deep Embedding Learning"). On the unit sphere in
 * n dimensions pairwise distances have density q(d) ∝ d<sup>n−2</sup> (1 − d²/4)<sup>(n−3)/2</sup>; negatives are
 * drawn with probability ∝ q(max(d, cutoff))<sup>−1</sup>, zero for d ≥ {@code nonzeroLossCutoff} (they cannot
 * violate a margin). As the reference: for each anchor with a positive and a negative, as many triplets as its
 * class has members in the reference set, positives uniform among the anchor's other same-class items, negatives
 * by those weights; anchors whose negatives all have zero weight are skipped. The weights are normalised per row
 * (the reference divides by one global maximum first, which in float32 can underflow whole rows to zero; the
 * distribution is otherwise identical). Sampling uses this miner's own seeded generator.
 */
public class DistanceWeightedMiner extends Miner {
    private final double cutoff;
    private final double nonzeroLossCutoff;
    private final Random rng;

    /** The reference default: cutoff 0.5, non-zero-loss cutoff 1.4, seed 0. */
    public DistanceWeightedMiner() {
        this(0.5, 1.4, 0, null);
    }

    /**
     * @param cutoff distances below this are weighted as if they were this (default 0.5; limits the variance)
     * @param nonzeroLossCutoff negatives at this distance or farther are never drawn (default 1.4)
     * @param seed the seed of the miner's random generator (default 0)
     * @param distance must be null or LpDistance(p=2, power=1, normalized), as in the reference
     */
    public DistanceWeightedMiner(double cutoff, double nonzeroLossCutoff, long seed, Distance distance) {
        super(distance);
        Checks.require(this.distance instanceof LpDistance && this.distance.p() == 2 && this.distance.power() == 1
                && this.distance.normalizesEmbeddings(), "DistanceWeightedMiner needs LpDistance(p=2, power=1, "
                + "normalize_embeddings=True): its weights assume unit-sphere distances; got " + this.distance);
        this.cutoff = Checks.positive(cutoff, "DistanceWeightedMiner cutoff");
        this.nonzeroLossCutoff = Checks.positive(nonzeroLossCutoff, "DistanceWeightedMiner nonzero_loss_cutoff");
        this.rng = new Random(seed);
    }

    /** Builds from reference parameters {@code cutoff, nonzero_loss_cutoff, distance} and dml4j's {@code seed}. */
    public static DistanceWeightedMiner fromParams(Params params) {
        return new DistanceWeightedMiner(params.getDouble("cutoff", 0.5), params.getDouble("nonzero_loss_cutoff", 1.4),
                (long) params.getDouble("seed", 0), Components.optional(Distance.class, params, "distance"));
    }

    /**
     * The unnormalised sampling weight of every (anchor, reference) entry, [M, N], in the embeddings' type: zero for
     * same-class entries, for d ≥ nonzeroLossCutoff and where the density is not finite; each row scaled so its
     * largest weight is 1.
     */
    public NDArray weights(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            NDArray w = computeWeights(embeddings.stopGradient(), labels,
                    refEmbeddings == null ? null : refEmbeddings.stopGradient(), refLabels);
            ai.djl.ndarray.NDScope.unregister(w);
            return w;
        }
    }

    private NDArray computeWeights(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        double dim = embeddings.getShape().get(1);
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        NDArray d = Ops.maximum(mat, cutoff);
        NDArray logW = Ops.mul(d.log(), 2.0 - dim).sub(Ops.mul(Ops.mul(d.square(), -0.25).add(1).log(), (dim - 3) / 2));
        NDArray finite = logW.sub(logW).isNaN().logicalNot(); // x − x is NaN exactly for NaN and ±∞
        NDArray valid = md[1].logicalAnd(finite).logicalAnd(mat.lt(nonzeroLossCutoff));
        NDArray safe = Ops.maskedFill(logW, valid.logicalNot(), Ops.negInf(logW.getDataType()));
        NDArray rowMax = safe.max(new int[] {1}, true);
        NDArray shifted = Ops.maskedFill(safe.sub(rowMax), valid.logicalNot(), Ops.negInf(logW.getDataType()) / 4);
        NDArray w = shifted.exp();
        return NDArrays.where(valid, w, w.zerosLike());
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        boolean self = refLabels == null;
        NDArray w = computeWeights(embeddings, labels, refEmbeddings, refLabels);
        int m = (int) w.getShape().get(0);
        int n = (int) w.getShape().get(1);
        double[] weights = w.toType(DataType.FLOAT64, false).toDoubleArray();
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        long[] ref = self ? lab : refLabels.toType(DataType.INT64, false).toLongArray();
        TreeMap<Long, List<Integer>> refByLabel = new TreeMap<>();
        for (int j = 0; j < n; j++) {
            refByLabel.computeIfAbsent(ref[j], x -> new ArrayList<>()).add(j);
        }
        TreeMap<Long, List<Integer>> anchorsByLabel = new TreeMap<>();
        for (int i = 0; i < m; i++) {
            anchorsByLabel.computeIfAbsent(lab[i], x -> new ArrayList<>()).add(i);
        }
        List<long[]> out = new ArrayList<>();
        double[] cdf = new double[n];
        for (var e : anchorsByLabel.entrySet()) {
            List<Integer> pos = refByLabel.getOrDefault(e.getKey(), List.of());
            int numPos = pos.size();
            if (numPos < (self ? 2 : 1) || numPos == n) {
                continue; // no positive other than the anchor itself, or no negative at all
            }
            for (int a : e.getValue()) {
                double total = 0;
                for (int j = 0; j < n; j++) {
                    total += weights[a * n + j];
                    cdf[j] = total;
                }
                if (!(total > 0)) {
                    continue;
                }
                for (int t = 0; t < numPos; t++) {
                    int p;
                    do {
                        p = pos.get(rng.nextInt(numPos));
                    } while (self && p == a);
                    out.add(new long[] {a, p, sample(cdf, total)});
                }
            }
        }
        long[][] cols = new long[3][out.size()];
        for (int k = 0; k < out.size(); k++) {
            for (int c = 0; c < 3; c++) {
                cols[c][k] = out.get(k)[c];
            }
        }
        return IndicesTuple.triplets(labels, cols[0], cols[1], cols[2]);
    }

    /** The first index whose cumulative weight exceeds a uniform draw in [0, total). */
    private int sample(double[] cdf, double total) {
        double u = rng.nextDouble() * total;
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "DistanceWeightedMiner(cutoff=" + cutoff + ", nonzero_loss_cutoff=" + nonzeroLossCutoff + ")";
    }
}
