package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.Random;

/**
 * Samples pairs so that their distances are spread uniformly: the range [min, max] of the positive (and, separately,
 * the negative) pair distances is cut into {@code numBins} equal bins (the last one closed), and from every non-empty
 * bin {@code posPerBin} (or {@code negPerBin}) pairs are drawn uniformly with replacement. Returns pairs. Sampling uses
 * this miner's own seeded generator.
 */
public class UniformHistogramMiner extends Miner {
    private final int numBins;
    private final int posPerBin;
    private final int negPerBin;
    private final Random rng;

    /** The reference default: 100 bins, 10 positive and 10 negative pairs per bin, seed 0. */
    public UniformHistogramMiner() {
        this(100, 10, 10, 0, null);
    }

    /**
     * @param numBins the number of equal-width bins (default 100)
     * @param posPerBin positive pairs drawn from each non-empty bin (default 10)
     * @param negPerBin negative pairs drawn from each non-empty bin (default 10)
     * @param seed the seed of the miner's random generator (default 0)
     * @param distance the distance (null: normalised Euclidean)
     */
    public UniformHistogramMiner(int numBins, int posPerBin, int negPerBin, long seed, Distance distance) {
        super(distance);
        Checks.require(numBins >= 1, "UniformHistogramMiner num_bins must be >= 1, got " + numBins);
        Checks.require(posPerBin >= 1 && negPerBin >= 1, "UniformHistogramMiner pos_per_bin and neg_per_bin must be "
                + ">= 1, got " + posPerBin + " and " + negPerBin);
        this.numBins = numBins;
        this.posPerBin = posPerBin;
        this.negPerBin = negPerBin;
        this.rng = new Random(seed);
    }

    /** Builds from reference parameters {@code num_bins, pos_per_bin, neg_per_bin, distance} and dml4j's {@code seed}. */
    public static UniformHistogramMiner fromParams(Params params) {
        return new UniformHistogramMiner(params.getInt("num_bins", 100), params.getInt("pos_per_bin", 10),
                params.getInt("neg_per_bin", 10), (long) params.getDouble("seed", 0),
                Components.optional(Distance.class, params, "distance"));
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        IndicesTuple.Pairs all = Tuples.allPairs(labels, refLabels);
        NDArray[] pos = sample(mat, all.a1(), all.p(), posPerBin);
        NDArray[] neg = sample(mat, all.a2(), all.n(), negPerBin);
        return new IndicesTuple.Pairs(pos[0], pos[1], neg[0], neg[1]);
    }

    /** The bin of every value between the edges of torch-style linspace(min, max, numBins + 1). */
    int[] bins(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double[] edges = new double[numBins + 1];
        double step = (max - min) / numBins;
        for (int i = 0; i <= numBins; i++) {
            edges[i] = i < (numBins + 1) / 2 ? min + i * step : max - (numBins - i) * step;
        }
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            int lo = 0;
            int hi = numBins - 1; // the last bin also takes values equal to its upper edge
            while (lo < hi) { // the largest b with edges[b] <= v
                int mid = (lo + hi + 1) >>> 1;
                if (edges[mid] <= v[k]) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            out[k] = lo;
        }
        return out;
    }

    private NDArray[] sample(NDArray mat, NDArray anchors, NDArray others, int perBin) {
        int count = (int) anchors.getShape().get(0);
        if (count == 0) {
            return new NDArray[] {anchors, others};
        }
        double[] v = Ops.pick(mat, anchors, others).toType(DataType.FLOAT64, false).toDoubleArray();
        int[] bin = bins(v);
        int[] size = new int[numBins];
        for (int b : bin) {
            size[b]++;
        }
        int[][] members = new int[numBins][];
        int[] fill = new int[numBins];
        for (int b = 0; b < numBins; b++) {
            members[b] = new int[size[b]];
        }
        for (int k = 0; k < count; k++) {
            members[bin[k]][fill[bin[k]]++] = k;
        }
        int nonEmpty = 0;
        for (int s : size) {
            nonEmpty += s > 0 ? 1 : 0;
        }
        long[] picked = new long[nonEmpty * perBin];
        int at = 0;
        for (int b = 0; b < numBins; b++) {
            for (int t = 0; t < perBin && size[b] > 0; t++) {
                picked[at++] = members[b][rng.nextInt(size[b])];
            }
        }
        NDArray idx = Ops.create(mat.getManager(), picked).toDevice(mat.getDevice(), false);
        return new NDArray[] {anchors.get(idx), others.get(idx)};
    }

    @Override
    public String toString() {
        return "UniformHistogramMiner(num_bins=" + numBins + ", pos_per_bin=" + posPerBin + ", neg_per_bin=" + negPerBin
                + ", distance=" + distance + ")";
    }
}
