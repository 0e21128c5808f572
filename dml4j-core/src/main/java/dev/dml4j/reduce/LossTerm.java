package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;

/**
 * One sub-loss before reduction (the reference's "loss dict" entry): the per-element/pair/triplet values, the
 * indices they belong to, the reduction type, and for {@link DivisorReducer} the divisor. A term with null losses
 * is the "zero loss" (nothing to learn from this batch): reducers turn it into 0 that keeps the gradient graph.
 *
 * <p>A <em>masked</em> term (non-null {@code mask}) holds its values densely, e.g. every entry of the [M, N] pair
 * matrix or of an [M, P, N] triplet block, and the boolean {@code mask} (same shape) marks the entries that are
 * losses; {@code indices[k]} is then an int64 grid that broadcasts to that shape and gives each entry's batch index
 * in role k (anchor, positive, negative). It means exactly the list of masked entries in row-major order
 * ({@link #listed()}), but lets mean/sum/threshold reducers work on the dense block without building index lists.
 * Masked values must be finite everywhere (also where the mask is false).
 *
 * @param losses the loss values [K] (or a scalar for {@link ReductionType#ALREADY_REDUCED}, or the dense block of a
 *     masked term); null for zero
 * @param indices the batch indices of each value: 1 array (element), 2 (pairs) or 3 (triplets); may be empty; index
 *     grids for a masked term
 * @param type how the values are indexed
 * @param divisor the divisor for {@link DivisorReducer}; NaN when the loss defines none
 * @param mask null for a list term; for a masked term the boolean mask of the entries of {@code losses} that count
 */
public record LossTerm(NDArray losses, NDArray[] indices, ReductionType type, double divisor, NDArray mask) {

    /** A list term with a divisor. */
    public LossTerm(NDArray losses, NDArray[] indices, ReductionType type, double divisor) {
        this(losses, indices, type, divisor, null);
    }

    /** A list term without a divisor. */
    public LossTerm(NDArray losses, NDArray[] indices, ReductionType type) {
        this(losses, indices, type, Double.NaN, null);
    }

    /** The zero loss: this batch contributes nothing (reduced to Σ embeddings·0, which keeps the graph). */
    public static LossTerm zero() {
        return new LossTerm(null, new NDArray[0], ReductionType.ALREADY_REDUCED);
    }

    /** A per-element term. */
    public static LossTerm element(NDArray losses, NDArray indices) {
        return new LossTerm(losses, new NDArray[] {indices}, ReductionType.ELEMENT);
    }

    /** A scalar that no reducer changes. */
    public static LossTerm alreadyReduced(NDArray value) {
        return new LossTerm(value, new NDArray[0], ReductionType.ALREADY_REDUCED);
    }

    /**
     * A masked term: the losses are the entries of {@code dense} where {@code mask} is true (row-major order), and
     * entry e belongs to batch indices {@code indexGrids[k][e]} (each grid broadcasts to the mask's shape).
     */
    public static LossTerm masked(NDArray dense, NDArray mask, NDArray[] indexGrids, ReductionType type) {
        return new LossTerm(dense, indexGrids, type, Double.NaN, mask);
    }

    /** Whether this is the zero loss. */
    public boolean isZero() {
        return losses == null;
    }

    /** Whether the values are held densely with a mask (see the class comment). */
    public boolean isMasked() {
        return mask != null;
    }

    /** The same term with a divisor for {@link DivisorReducer}. */
    public LossTerm withDivisor(double d) {
        return new LossTerm(losses, indices, type, d, mask);
    }

    /**
     * This term as a list: for a masked term the masked entries in row-major order with their index arrays (the
     * arrays belong to the current scope); a list term is returned as it is.
     */
    public LossTerm listed() {
        if (mask == null) {
            return this;
        }
        NDArray[] idx = new NDArray[indices.length];
        for (int k = 0; k < idx.length; k++) {
            try (NDArray grid = indices[k].broadcast(mask.getShape())) {
                idx[k] = grid.get(mask);
            }
        }
        return new LossTerm(losses.get(mask), idx, type, divisor, null);
    }
}
