package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Builds index tuples from boolean masks over the [M, N] anchor × reference matrix (row-major order). */
final class MinedPairs {
    private MinedPairs() {
    }

    /** Positive pairs where {@code pos} is true and negative pairs where {@code neg} is true. */
    static IndicesTuple.Pairs fromMasks(NDArray pos, NDArray neg) {
        NDArray[] p = rowsCols(pos);
        NDArray[] n = rowsCols(neg);
        return new IndicesTuple.Pairs(p[0], p[1], n[0], n[1]);
    }

    /** The (row, column) int64 index arrays of the true entries of a 2-D boolean mask. */
    static NDArray[] rowsCols(NDArray mask) {
        try (NDArray nz = mask.nonzero()) {
            if (nz.getShape().get(0) == 0) {
                return new NDArray[] {empty(mask), empty(mask)};
            }
            try (NDArray r = nz.get(":, 0"); NDArray c = nz.get(":, 1")) {
                return new NDArray[] {r.toType(DataType.INT64, true), c.toType(DataType.INT64, true)};
            }
        }
    }

    /** An empty int64 index array on the device of {@code like}. */
    static NDArray empty(NDArray like) {
        return like.getManager().zeros(new Shape(0), DataType.INT64, like.getDevice());
    }
}
