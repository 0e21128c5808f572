package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;

/** Zero-mean regularizer: |Σ<sub>j</sub> x<sub>ij</sub>| per row (each row's entries should sum to 0), mean over rows. */
public class ZeroMeanRegularizer extends Regularizer {

    /** The reference default (mean over rows). */
    public ZeroMeanRegularizer() {
        this(null);
    }

    /** @param reducer the reducer (null: mean) */
    public ZeroMeanRegularizer(Reducer reducer) {
        super(new LpDistance(false, 2, 1), reducer);
    }

    /** Builds from reference parameters {@code reducer}. */
    public static ZeroMeanRegularizer fromParams(Params params) {
        return new ZeroMeanRegularizer(Components.optional(Reducer.class, params, "reducer"));
    }

    @Override
    protected LossTerms computeTerms(NDArray x) {
        NDArray losses = x.sum(new int[] {1}).abs();
        NDArray idx = x.getManager().arange(0, (int) x.getShape().get(0), 1, DataType.INT64, x.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }
}
