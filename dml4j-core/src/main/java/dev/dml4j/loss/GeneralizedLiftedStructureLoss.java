package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * The generalized lifted structure loss (Hermans et al. 2017, p. 4): per anchor,
 * [log Σ<sub>p</sub> exp(d(a,p) − m<sub>pos</sub>) + log Σ<sub>n</sub> exp(m<sub>neg</sub> − d(a,n))]<sub>+</sub>
 * (distances reversed for similarities). One loss per batch element, mean by default.
 */
public class GeneralizedLiftedStructureLoss extends GenericPairLoss {
    private final double negMargin;
    private final double posMargin;

    /** The reference default: neg margin 1, pos margin 0, normalised Euclidean distance, mean. */
    public GeneralizedLiftedStructureLoss() {
        this(1, 0, null, null);
    }

    /**
     * @param negMargin the negative margin (default 1)
     * @param posMargin the positive margin (default 0)
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer (null: mean)
     */
    public GeneralizedLiftedStructureLoss(double negMargin, double posMargin, Distance distance, Reducer reducer) {
        super(distance, reducer, true);
        this.negMargin = negMargin;
        this.posMargin = posMargin;
    }

    /** Builds from reference parameters {@code neg_margin, pos_margin, distance, reducer}. */
    public static GeneralizedLiftedStructureLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new GeneralizedLiftedStructureLoss(params.getDouble("neg_margin", 1),
                params.getDouble("pos_margin", 0), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected LossTerms computeFromMatrix(NDArray mat, NDArray posMask, NDArray negMask, IndicesTuple.Pairs pairs) {
        NDArray posLse = Ops.maskedRowLogSumExp(distance.margin(mat, Ops.scalar(mat, posMargin)), posMask, 0);
        NDArray negLse = Ops.maskedRowLogSumExp(distance.margin(Ops.scalar(mat, negMargin), mat), negMask, 0);
        NDArray losses = Ops.relu(posLse.add(negLse)).reshape(-1);
        return LossTerms.of(LossTerm.element(losses, rowIndices(mat)));
    }
}
