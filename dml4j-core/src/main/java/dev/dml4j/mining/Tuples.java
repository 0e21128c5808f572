package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.util.Ops;
import java.util.Random;

/** The tuples of a batch when no miner chose them: all pairs, all triplets, or a random number per anchor. */
public final class Tuples {
    private Tuples() {
    }

    /**
     * Same-label and different-label masks [M, N] between labels and refLabels. When refLabels is null (the batch
     * against itself) the diagonal is not a positive (nor a negative).
     */
    public static NDArray[] matchesAndDiffs(NDArray labels, NDArray refLabels) {
        boolean self = refLabels == null || refLabels == labels;
        NDArray ref = self ? labels : refLabels;
        NDArray matches = Ops.sameLabel(labels, ref);
        NDArray diffs = matches.logicalNot();
        if (self) {
            int n = (int) labels.getShape().get(0);
            // every label matches itself: the diagonal is true, so xor with the identity clears exactly it
            try (NDArray eye = Ops.eyeMask(labels, n); NDArray m = matches) {
                matches = m.logicalXor(eye);
            }
        }
        return new NDArray[] {matches, diffs};
    }

    /** Every positive pair and every negative pair of the batch (refLabels null: the batch against itself). */
    public static IndicesTuple.Pairs allPairs(NDArray labels, NDArray refLabels) {
        NDArray[] md = matchesAndDiffs(labels, refLabels);
        try (NDArray matches = md[0]; NDArray diffs = md[1];
             NDArray pos = matches.nonzero(); NDArray neg = diffs.nonzero()) {
            return new IndicesTuple.Pairs(col(pos, 0), col(pos, 1), col(neg, 0), col(neg, 1));
        }
    }

    /** Every triplet (a, p, n) of the batch, in row-major order of (a, p, n). */
    public static IndicesTuple.Triplets allTriplets(NDArray labels, NDArray refLabels) {
        try (AnchorPositives ap = AnchorPositives.of(labels, refLabels); NDArray all = ap.tripletMask()) {
            return ap.triplets(all);
        }
    }

    /**
     * Up to {@code perAnchor} random triplets for every (anchor, positive) pair... as the reference: for each anchor
     * with a positive and a negative, {@code perAnchor} triplets with positives and negatives drawn uniformly.
     */
    public static IndicesTuple.Triplets randomTriplets(NDArray labels, NDArray refLabels, int perAnchor, Random rng) {
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        long[] ref = refLabels == null ? lab : refLabels.toType(DataType.INT64, false).toLongArray();
        boolean self = refLabels == null || refLabels == labels;
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < lab.length; i++) {
            java.util.List<Integer> pos = new java.util.ArrayList<>();
            java.util.List<Integer> neg = new java.util.ArrayList<>();
            for (int j = 0; j < ref.length; j++) {
                if (ref[j] == lab[i]) {
                    if (!(self && i == j)) {
                        pos.add(j);
                    }
                } else {
                    neg.add(j);
                }
            }
            if (pos.isEmpty() || neg.isEmpty()) {
                continue;
            }
            for (int k = 0; k < perAnchor; k++) {
                out.add(new long[] {i, pos.get(rng.nextInt(pos.size())), neg.get(rng.nextInt(neg.size()))});
            }
        }
        long[] a = new long[out.size()];
        long[] p = new long[out.size()];
        long[] n = new long[out.size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = out.get(k)[0];
            p[k] = out.get(k)[1];
            n[k] = out.get(k)[2];
        }
        return IndicesTuple.triplets(labels, a, p, n);
    }

    /** An empty int64 index array on the device of {@code like}. */
    public static NDArray empty(NDArray like) {
        NDManager m = like.getManager();
        return m.zeros(new Shape(0), DataType.INT64, like.getDevice());
    }

    private static NDArray col(NDArray nz, int c) {
        if (nz.getShape().get(0) == 0) {
            return nz.getManager().zeros(new Shape(0), DataType.INT64, nz.getDevice());
        }
        try (NDArray v = nz.get(":, " + c)) {
            return v.toType(DataType.INT64, true);
        }
    }
}
