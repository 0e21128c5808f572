package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * RegularFace (Zhao et al. 2019): penalises, for every weight row, its similarity to the closest other row (the
 * inter-class separability), mean over rows by default. Needs a similarity (default cosine).
 */
public class RegularFaceRegularizer extends Regularizer {

    /** The reference default: cosine similarity, mean over rows. */
    public RegularFaceRegularizer() {
        this(null, null);
    }

    /**
     * @param distance a similarity (null: cosine)
     * @param reducer the reducer (null: mean)
     */
    public RegularFaceRegularizer(Distance distance, Reducer reducer) {
        super(distance == null ? new CosineSimilarity() : distance, reducer);
        if (!this.distance.isInverted()) {
            throw new IllegalArgumentException("RegularFaceRegularizer needs a similarity (e.g. CosineSimilarity), got "
                    + this.distance);
        }
    }

    /** Builds from reference parameters {@code distance, reducer}. */
    public static RegularFaceRegularizer fromParams(Params params) {
        return new RegularFaceRegularizer(Components.optional(Distance.class, params, "distance"),
                Components.optional(Reducer.class, params, "reducer"));
    }

    @Override
    protected LossTerms computeTerms(NDArray w) {
        int rows = (int) w.getShape().get(0);
        NDArray sim = distance.pairwise(w);
        NDArray nearest;
        try (NDArray frozen = sim.stopGradient();
             NDArray eye = Ops.eyeMask(w, rows);
             NDArray offDiag = Ops.maskedFill(frozen, eye, Ops.negInf(w.getDataType()))) {
            nearest = offDiag.argMax(1);
        }
        NDArray mask = Ops.oneHot(nearest, rows, w.getDataType());
        NDArray losses = sim.mul(mask).sum(new int[] {1});
        NDArray idx = w.getManager().arange(0, rows, 1, DataType.INT64, w.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }
}
