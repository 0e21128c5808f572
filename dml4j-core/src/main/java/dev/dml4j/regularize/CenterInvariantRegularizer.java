package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * Center-invariant loss (Wu et al. 2017): keeps the weight rows' squared norms equal, (‖w<sub>j</sub>‖² − mean‖w‖²)² / 4
 * per row, mean over rows by default.
 */
public class CenterInvariantRegularizer extends Regularizer {

    /** The reference default (mean over rows). */
    public CenterInvariantRegularizer() {
        this(null);
    }

    /** @param reducer the reducer (null: mean) */
    public CenterInvariantRegularizer(Reducer reducer) {
        super(new LpDistance(false, 2, 1), reducer);
    }

    /** Builds from reference parameters {@code reducer}. */
    public static CenterInvariantRegularizer fromParams(Params params) {
        return new CenterInvariantRegularizer(Components.optional(Reducer.class, params, "reducer"));
    }

    @Override
    protected LossTerms computeTerms(NDArray w) {
        NDArray sq = w.square().sum(new int[] {1});
        NDArray dev = sq.sub(sq.mean());
        NDArray losses = Ops.div(dev.square(), 4);
        NDArray idx = w.getManager().arange(0, (int) w.getShape().get(0), 1, DataType.INT64, w.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }
}
