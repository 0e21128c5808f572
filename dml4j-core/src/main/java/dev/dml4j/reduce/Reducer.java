package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.dml4j.util.Ops;

/**
 * Turns one {@link LossTerm} into a scalar. Zero terms become 0 (with the gradient graph of the embeddings),
 * already-reduced terms pass through, empty terms become 0; otherwise {@link #reduceTerm} decides. Masked terms go
 * to {@link #reduceMaskedTerm} when the reducer works on them directly, else they are listed first.
 */
public abstract class Reducer {

    /** Reduces a term to a scalar. */
    public NDArray reduce(LossTerm term, NDArray embeddings, NDArray labels) {
        if (term.isZero()) {
            return Ops.zeroLoss(embeddings);
        }
        if (term.type() == ReductionType.ALREADY_REDUCED) {
            return term.losses().size() == 1 ? term.losses().reshape() : term.losses();
        }
        if (term.isMasked()) {
            if (reducesMasked()) {
                return reduceMaskedTerm(term, embeddings, labels);
            }
            term = term.listed();
        }
        if (term.losses().size() == 0) {
            return Ops.zeroLoss(embeddings);
        }
        return reduceTerm(term, embeddings, labels);
    }

    /** Reduces a non-empty element/pair/triplet term. */
    protected abstract NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels);

    /** Whether {@link #reduceMaskedTerm} is implemented (default false: masked terms are listed first). */
    protected boolean reducesMasked() {
        return false;
    }

    /**
     * Reduces a masked term (possibly with no masked entry) to what {@link #reduceTerm} gives for its list, without
     * listing it; only called when {@link #reducesMasked()}.
     */
    protected NDArray reduceMaskedTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reduces listed terms only");
    }

    /** Σ of the entries of {@code values} where {@code keep} is true (a scalar with gradient to those entries). */
    protected static NDArray maskedSum(NDArray values, NDArray keep) {
        try (NDArray zero = Ops.scalar(values, 0); NDArray kept = NDArrays.where(keep, values, zero)) {
            return kept.sum();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
