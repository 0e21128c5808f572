package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Lifted structure loss (Oh Song et al. 2016), in the reference's form: for every positive pair (a, p),
 * ½·[log Σ exp(m<sub>neg</sub> − d(x, n)) + d(a, p) − m<sub>pos</sub>]<sub>+</sub>², the sum running over every
 * negative pair whose anchor x is a or p (distances reversed for similarities). Reduced per positive pair (mean).
 */
public class LiftedStructureLoss extends GenericPairLoss {
    private final double negMargin;
    private final double posMargin;

    /** The reference default: neg margin 1, pos margin 0, normalised Euclidean distance, mean. */
    public LiftedStructureLoss() {
        this(1, 0, null, null);
    }

    /**
     * @param negMargin negative pairs farther than this pay little (default 1)
     * @param posMargin positive pairs closer than this pay nothing (default 0)
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer (null: mean)
     */
    public LiftedStructureLoss(double negMargin, double posMargin, Distance distance, Reducer reducer) {
        super(distance, reducer, false);
        this.negMargin = negMargin;
        this.posMargin = posMargin;
    }

    /** Builds from reference parameters {@code neg_margin, pos_margin, distance, reducer}. */
    public static LiftedStructureLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new LiftedStructureLoss(params.getDouble("neg_margin", 1), params.getDouble("pos_margin", 0),
                c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected LossTerms computeFromPairs(NDArray mat, IndicesTuple.Pairs pairs) {
        if (pairs.numPos() == 0 || pairs.numNeg() == 0) {
            return zeroTerms();
        }
        double neg = Ops.negInf(mat.getDataType());
        long rows = mat.getShape().get(0);
        long cols = mat.getShape().get(1);
        // per anchor row r: log Σ over its negative pairs of exp(remaining negative margin)
        NDArray rowLse = negativeRowLogSumExp(distance.margin(Ops.scalar(mat, negMargin), mat),
                negativeCounts(mat, pairs)).reshape(-1);
        if (cols > rows) {
            // positives index the reference set; rows beyond the query set anchor no negative pair
            rowLse = rowLse.concat(mat.getManager().full(new Shape(cols - rows), (float) 0, mat.getDataType())
                    .add(neg).toDevice(mat.getDevice(), false));
        }
        NDArray ra = Ops.rowsOf(rowLse, pairs.a1());
        NDArray rp = Ops.maskedFill(Ops.rowsOf(rowLse, pairs.p()), pairs.a1().eq(pairs.p()), neg);
        // log(exp(ra) + exp(rp)): the union of both anchors' negative pairs; 0 when both have none (reference)
        NDArray mx = ra.maximum(rp).stopGradient();
        NDArray none = mx.lte(neg / 2);
        NDArray safeMax = Ops.maskedFill(mx, none, 0.0);
        NDArray sum = ra.sub(safeMax).exp().add(rp.sub(safeMax).exp());
        NDArray safeSum = NDArrays.where(none, sum.onesLike(), sum);
        NDArray lse = Ops.maskedFill(safeSum.log().add(safeMax), none, 0.0);
        NDArray pos = Ops.pick(mat, pairs.a1(), pairs.p());
        NDArray perPair = Ops.relu(lse.add(distance.margin(pos, Ops.scalar(pos, posMargin))));
        NDArray losses = Ops.div(perPair.square(), 2);
        return LossTerms.of(new LossTerm(losses, new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
    }
}
