package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;

/**
 * One sub-loss before reduction (the reference's "loss dict" entry): the per-element/pair/triplet values, the
 * indices they belong to, the reduction type, and for {@link DivisorReducer} the divisor. A term with null losses
 * is the "zero loss" (nothing to learn from this batch): reducers turn it into 0 that keeps the gradient graph.
 *
 * @param losses the loss values [K] (or a scalar for {@link ReductionType#ALREADY_REDUCED}); null for zero
 * @param indices the batch indices of each value: 1 array (element), 2 (pairs) or 3 (triplets); may be empty
 * @param type how the values are indexed
 * @param divisor the divisor for {@link DivisorReducer}; NaN when the loss defines none
 */
public record LossTerm(NDArray losses, NDArray[] indices, ReductionType type, double divisor) {

    /** A term without a divisor. */
    public LossTerm(NDArray losses, NDArray[] indices, ReductionType type) {
        this(losses, indices, type, Double.NaN);
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

    /** Whether this is the zero loss. */
    public boolean isZero() {
        return losses == null;
    }

    /** The same term with a divisor for {@link DivisorReducer}. */
    public LossTerm withDivisor(double d) {
        return new LossTerm(losses, indices, type, d);
    }
}
