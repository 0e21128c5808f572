package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.util.Ops;

/**
 * All triplets of a batch without an N³ mask: the positives of every anchor as a padded index matrix. With P the
 * largest number of positives of an anchor, {@code positives} [M, P] holds each anchor's positive columns in
 * ascending order and {@code valid} [M, P] marks the real ones; the triplets are then the entries (a, s, n) of an
 * [M, P, N] block where {@code valid[a, s]} and {@code diffs[a, n]}, anchor a, positive {@code positives[a, s]},
 * negative n — the same triplets in the same row-major (a, p, n) order as the reference's list. Arrays belong to the
 * caller's scope.
 *
 * @param positives [M, P] int64 positive columns (entries past an anchor's positives are arbitrary columns)
 * @param valid [M, P] boolean: the slot holds a real positive
 * @param diffs [M, N] boolean: different labels (the negatives of each anchor)
 * @param maxPositives P
 * @param numTriplets the number of triplets (Σ over anchors of positives × negatives)
 */
public record AnchorPositives(NDArray positives, NDArray valid, NDArray diffs, long maxPositives, long numTriplets)
        implements AutoCloseable {

    /** The positives and negatives of labels against refLabels (null: the batch against itself, no self-pairs). */
    public static AnchorPositives of(NDArray labels, NDArray refLabels) {
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        long m = md[0].getShape().get(0);
        long n = md[0].getShape().get(1);
        try (NDArray matches = md[0]; NDArray posCount = matches.sum(new int[] {1})) {
            long maxPositives = m == 0 || n == 0 ? 0 : readLong(posCount.max());
            if (maxPositives == 0) {
                NDArray none = labels.getManager().zeros(new Shape(m, 0), DataType.INT64, labels.getDevice());
                return new AnchorPositives(none, none.toType(DataType.BOOLEAN, false), md[1], 0, 0);
            }
            long numTriplets;
            try (NDArray negCount = md[1].sum(new int[] {1}); NDArray perAnchor = posCount.mul(negCount)) {
                numTriplets = readLong(perAnchor.sum());
            }
            // key n − j on positive columns j, 0 elsewhere: the P largest keys are the positives in ascending order
            try (NDArray cols = Ops.arange(labels, n); NDArray reversed = cols.neg().add(n);
                 NDArray descending = reversed.toType(DataType.FLOAT32, false);
                 NDArray isPos = matches.toType(DataType.FLOAT32, false); NDArray key = isPos.mul(descending)) {
                NDList top = key.topK((int) maxPositives, 1, true, true);
                try (NDArray topKeys = top.get(0)) {
                    return new AnchorPositives(top.get(1), topKeys.gt(0), md[1], maxPositives, numTriplets);
                }
            }
        }
    }

    /** The [M, P, N] boolean mask of the triplets. */
    public NDArray tripletMask() {
        try (NDArray v = valid.expandDims(2); NDArray d = diffs.expandDims(1)) {
            return v.logicalAnd(d);
        }
    }

    /**
     * The anchor-positive and anchor-negative values of a matrix [M, N] as broadcasting blocks (with gradient):
     * {@code mat[a, positives[a, s]]} as [M, P, 1] and {@code mat[a, n]} as [M, 1, N].
     */
    public NDArray[] anchorPositiveAndNegative(NDArray mat) {
        try (NDArray ap = mat.gather(positives, 1)) {
            return new NDArray[] {ap.expandDims(2), mat.expandDims(1)};
        }
    }

    /** The index grids (anchor, positive, negative) of the [M, P, N] block, each broadcasting to its shape. */
    public NDArray[] indexGrids() {
        long m = positives.getShape().get(0);
        long n = diffs.getShape().get(1);
        return new NDArray[] {Ops.arange(positives, m).reshape(m, 1, 1), positives.expandDims(2),
                Ops.arange(positives, n).reshape(1, 1, n)};
    }

    /** The triplets where {@code keep} [M, P, N] (a subset of {@link #tripletMask()}) is true, in row-major order. */
    public IndicesTuple.Triplets triplets(NDArray keep) {
        try (NDArray nz = keep.nonzero()) {
            if (nz.getShape().get(0) == 0) {
                return new IndicesTuple.Triplets(Tuples.empty(keep), Tuples.empty(keep), Tuples.empty(keep));
            }
            try (NDArray a = nz.get(":, 0"); NDArray s = nz.get(":, 1"); NDArray n = nz.get(":, 2")) {
                return new IndicesTuple.Triplets(a.toType(DataType.INT64, true), Ops.pick(positives, a, s),
                        n.toType(DataType.INT64, true));
            }
        }
    }

    /** Frees the three arrays. */
    @Override
    public void close() {
        positives.close();
        valid.close();
        diffs.close();
    }

    private static long readLong(NDArray scalar) {
        try (scalar) {
            return scalar.getLong();
        }
    }
}
