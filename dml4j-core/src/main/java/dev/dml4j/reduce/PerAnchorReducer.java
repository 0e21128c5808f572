package dev.dml4j.reduce;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Averages pair losses per anchor (Σ of an anchor's pair losses / its number of pairs; 0 for anchors without
 * pairs), then reduces those N per-anchor values with an inner reducer (default {@link MeanReducer}).
 * Element terms go straight to the inner reducer; triplets are not supported.
 */
public class PerAnchorReducer extends Reducer {
    private final Reducer inner;

    /** Per-anchor averaging followed by a mean. */
    public PerAnchorReducer() {
        this(new MeanReducer());
    }

    /** @param inner the reducer of the per-anchor values */
    public PerAnchorReducer(Reducer inner) {
        this.inner = inner;
    }

    /** Builds from reference parameters {@code reducer} (nested). */
    public static PerAnchorReducer fromParams(Params params) {
        Reducer r = Components.optional(Reducer.class, params, "reducer");
        return new PerAnchorReducer(r == null ? new MeanReducer() : r);
    }

    @Override
    protected NDArray reduceTerm(LossTerm term, NDArray embeddings, NDArray labels) {
        switch (term.type()) {
            case ELEMENT:
                return inner.reduce(term, embeddings, labels);
            case POS_PAIR:
            case NEG_PAIR: {
                int n = (int) embeddings.getShape().get(0);
                NDArray anchors = term.indices()[0];
                NDArray losses = term.losses().expandDims(1);
                NDArray sums = Ops.scatterAddRows(losses, anchors, n).reshape(-1);
                NDArray ones = losses.onesLike();
                NDArray counts = Ops.scatterAddRows(ones, anchors, n).reshape(-1);
                NDArray hasPairs = counts.gt(0);
                NDArray safe = Ops.maximum(counts, 1);
                NDArray perAnchor = Ops.maskedFill(sums.div(safe), hasPairs.logicalNot(), 0.0);
                NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
                return inner.reduce(LossTerm.element(perAnchor, idx), embeddings, labels);
            }
            default:
                throw new UnsupportedOperationException("PerAnchorReducer does not reduce " + term.type() + " terms");
        }
    }
}
