package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/** Penalises the L<sub>p</sub> norm of each row, ‖x‖<sub>p</sub><sup>power</sup> (mean over rows by default). */
public class LpRegularizer extends Regularizer {
    private final double power;

    /** The reference default: the mean L2 norm (p = 2, power = 1). */
    public LpRegularizer() {
        this(2, 1, null);
    }

    /**
     * @param p the norm's order (default 2)
     * @param power exponent of each norm (default 1)
     * @param reducer how the per-row norms are reduced (null: mean)
     */
    public LpRegularizer(double p, double power, Reducer reducer) {
        super(new LpDistance(false, p, power), reducer);
        this.power = power;
    }

    /** Builds from reference parameters {@code p, power, reducer}. */
    public static LpRegularizer fromParams(Params params) {
        double p = params.getDouble("p", 2);
        double power = params.getDouble("power", 1);
        Distance d = Components.optional(Distance.class, params, "distance");
        if (d != null && d.isInverted()) {
            throw new IllegalArgumentException("LpRegularizer needs a distance, not a similarity");
        }
        return new LpRegularizer(p, power, Components.optional(Reducer.class, params, "reducer"));
    }

    @Override
    protected LossTerms computeTerms(NDArray x) {
        NDArray norms = distance.norm(x).reshape(-1);
        NDArray reg = power == 1 ? norms : Ops.pow(norms, power);
        NDArray idx = x.getManager().arange(0, (int) x.getShape().get(0), 1, DataType.INT64, x.getDevice());
        return LossTerms.of(LossTerm.element(reg, idx));
    }
}
