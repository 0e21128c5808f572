package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Tuplet margin loss (Yu &amp; Tao 2019): for every positive pair (a, p) with angle θ<sub>ap</sub>,
 * log(1 + Σ<sub>n</sub> exp(s·(cos θ<sub>an</sub> − cos(θ<sub>ap</sub> − m)))) over the negative pairs of anchor a.
 * The margin is in degrees. Needs cosine similarity; reduced per positive pair (mean).
 */
public class TupletMarginLoss extends GenericPairLoss {
    private final double marginRadians;
    private final double scale;

    /** The reference default: margin 5.73°, scale 64. */
    public TupletMarginLoss() {
        this(5.73, 64, null, null);
    }

    /**
     * @param marginDegrees the angular margin m in degrees (default 5.73)
     * @param scale the scale s (default 64)
     * @param distance must be cosine similarity (null: cosine similarity)
     * @param reducer the reducer (null: mean)
     */
    public TupletMarginLoss(double marginDegrees, double scale, Distance distance, Reducer reducer) {
        super(distance, reducer, false);
        if (!(this.distance instanceof CosineSimilarity)) {
            throw new IllegalArgumentException("TupletMarginLoss needs CosineSimilarity, got " + this.distance);
        }
        this.marginRadians = Math.toRadians(marginDegrees);
        this.scale = scale;
    }

    /** Builds from reference parameters {@code margin} (degrees), {@code scale, distance, reducer}. */
    public static TupletMarginLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new TupletMarginLoss(params.getDouble("margin", 5.73), params.getDouble("scale", 64),
                c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected LossTerms computeFromPairs(NDArray mat, IndicesTuple.Pairs pairs) {
        if (pairs.numPos() == 0 || pairs.numNeg() == 0) {
            return zeroTerms();
        }
        NDArray cos = Ops.pick(mat, pairs.a1(), pairs.p()).clip(-1, 1);
        // cos(θ − m) = cos θ·cos m + sin θ·sin m, with sin θ = √(1 − cos²θ) (finite gradient at cos θ = ±1)
        NDArray sin = Ops.safeSqrt(cos.square().neg().add(1));
        NDArray shifted = Ops.mul(cos, Math.cos(marginRadians)).add(Ops.mul(sin, Math.sin(marginRadians)));
        NDArray negLse = negativeRowLogSumExp(Ops.mul(mat, scale), negativeCounts(mat, pairs));
        // log(1 + exp(lse − s·cos(θ−m))); anchors without negatives have lse = −max, so the loss is 0 as in the reference
        NDArray losses = Ops.softplus(Ops.rowsOf(negLse, pairs.a1()).sub(Ops.mul(shifted, scale)));
        return LossTerms.of(new LossTerm(losses, new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
    }
}
