package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.util.Ops;

/**
 * Indices into a batch that a loss should use: {@link Pairs} (a1, p, a2, n: positive pairs (a1[i], p[i]) and
 * negative pairs (a2[j], n[j])) or {@link Triplets} (a, p, n). Anchors index the embeddings, positives and negatives
 * the reference set (the embeddings themselves unless a reference set is given). All arrays are int64 and 1-D.
 */
public sealed interface IndicesTuple extends AutoCloseable permits IndicesTuple.Pairs, IndicesTuple.Triplets {

    /**
     * Converts to pairs: triplets (a, p, n) become positive pairs (a, p) and negative pairs (a, n). The result may
     * share arrays with this tuple (closing is idempotent).
     */
    Pairs toPairs();

    /** Converts to triplets: pairs are joined on shared anchors (every positive × every negative of that anchor). */
    Triplets toTriplets();

    /** The number of tuples (pairs count positive + negative). */
    long size();

    @Override
    void close();

    /** Positive pairs (a1[i], p[i]) and negative pairs (a2[j], n[j]). */
    record Pairs(NDArray a1, NDArray p, NDArray a2, NDArray n) implements IndicesTuple {
        /** Checks the index arrays are 1-D and pairwise of equal length. */
        public Pairs {
            if (a1.getShape().get(0) != p.getShape().get(0) || a2.getShape().get(0) != n.getShape().get(0)) {
                throw new IllegalArgumentException("pair indices must come in equal lengths: a1 " + a1.getShape()
                        + ", p " + p.getShape() + ", a2 " + a2.getShape() + ", n " + n.getShape());
            }
        }

        /** The number of positive pairs. */
        public long numPos() {
            return a1.getShape().get(0);
        }

        /** The number of negative pairs. */
        public long numNeg() {
            return a2.getShape().get(0);
        }

        @Override
        public Pairs toPairs() {
            return this;
        }

        @Override
        public Triplets toTriplets() {
            // every (positive pair, negative pair) with the same anchor, in row-major order like the reference
            try (NDArray same = Ops.sameLabel(a1, a2); NDArray nz = same.nonzero();
                 NDArray pi = nz.get(":, 0"); NDArray ni = nz.get(":, 1")) {
                return new Triplets(a1.get(pi), p.get(pi), n.get(ni));
            }
        }

        @Override
        public long size() {
            return numPos() + numNeg();
        }

        @Override
        public void close() {
            a1.close();
            p.close();
            a2.close();
            n.close();
        }
    }

    /** Triplets (a[i], p[i], n[i]). */
    record Triplets(NDArray a, NDArray p, NDArray n) implements IndicesTuple {
        /** Checks the three index arrays have one length. */
        public Triplets {
            long k = a.getShape().get(0);
            if (p.getShape().get(0) != k || n.getShape().get(0) != k) {
                throw new IllegalArgumentException("triplet indices must have one length: a " + a.getShape()
                        + ", p " + p.getShape() + ", n " + n.getShape());
            }
        }

        /** The number of triplets. */
        public long count() {
            return a.getShape().get(0);
        }

        @Override
        public Pairs toPairs() {
            return new Pairs(a, p, a, n);
        }

        @Override
        public Triplets toTriplets() {
            return this;
        }

        @Override
        public long size() {
            return count();
        }

        @Override
        public void close() {
            a.close();
            p.close();
            n.close();
        }
    }

    /** Builds int64 index arrays from Java arrays in the manager of {@code like}. */
    static Triplets triplets(NDArray like, long[] a, long[] p, long[] n) {
        var m = like.getManager();
        return new Triplets(Ops.create(m, a).toDevice(like.getDevice(), false), Ops.create(m, p).toDevice(like.getDevice(), false),
                Ops.create(m, n).toDevice(like.getDevice(), false));
    }

    /** Casts any integer index array to int64 (the type every consumer expects). */
    static NDArray int64(NDArray x) {
        return x.getDataType() == DataType.INT64 ? x : x.toType(DataType.INT64, false);
    }
}
