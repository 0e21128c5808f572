package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.util.Ops;

/**
 * The per-row extreme of a masked distance matrix, as the reference's batch miners take it: the value and column of
 * the maximum or minimum over the masked entries of each row, and whether the row had any masked entry.
 *
 * @param values [M] the extreme value of each row
 * @param indices [M] int64 column of that value
 * @param keep [M] boolean: the row had at least one entry in the mask
 */
record RowPick(NDArray values, NDArray indices, NDArray keep) {

    /**
     * The maximum of {@code mat · mask} per row, as the reference computes it (entries outside the mask count as 0, so
     * for similarities that may be negative a row can pick an entry outside the mask: kept for exact agreement).
     */
    static RowPick max(NDArray mat, NDArray mask) {
        try (NDArray f = mask.toType(mat.getDataType(), false); NDArray masked = mat.mul(f)) {
            return new RowPick(masked.max(new int[] {1}), masked.argMax(1), anyPerRow(mask));
        }
    }

    /** The minimum per row over the masked entries (others read as the largest finite value). */
    static RowPick min(NDArray mat, NDArray mask) {
        try (NDArray filled = Ops.where(mask, mat, Ops.posInf(mat.getDataType()))) {
            return new RowPick(filled.min(new int[] {1}), filled.argMin(1), anyPerRow(mask));
        }
    }

    /** Whether each row of a boolean matrix has a true entry, [M] boolean. */
    static NDArray anyPerRow(NDArray mask) {
        try (NDArray i = mask.toType(DataType.INT32, false); NDArray s = i.sum(new int[] {1})) {
            return s.gt(0);
        }
    }

    /** The row numbers 0..M-1 (int64) on the device of {@code like}. */
    static NDArray rowIds(NDArray like, long m) {
        return like.getManager().arange(0, m, 1, DataType.INT64, like.getDevice());
    }
}
