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
 * Intra-pair variance loss (Yu et al. 2019): positive pairs less similar than (1 − ε<sub>pos</sub>) × the mean
 * positive similarity pay the squared shortfall, negative pairs more similar than (1 + ε<sub>neg</sub>) × the mean
 * negative similarity pay the squared excess (directions swap for distances). Sub-losses {@code pos_loss} and
 * {@code neg_loss}, each reduced by the mean by default.
 */
public class IntraPairVarianceLoss extends GenericPairLoss {
    private final double posEps;
    private final double negEps;

    /** The reference default: ε<sub>pos</sub> = ε<sub>neg</sub> = 0.01, cosine similarity. */
    public IntraPairVarianceLoss() {
        this(0.01, 0.01, null, null);
    }

    /**
     * @param posEps the relative slack around the mean positive similarity (default 0.01)
     * @param negEps the relative slack around the mean negative similarity (default 0.01)
     * @param distance the distance (null: cosine similarity)
     * @param reducer the reducer of each sub-loss (null: mean)
     */
    public IntraPairVarianceLoss(double posEps, double negEps, Distance distance, Reducer reducer) {
        super(distance, reducer, false);
        this.posEps = posEps;
        this.negEps = negEps;
    }

    /** Builds from reference parameters {@code pos_eps, neg_eps, distance, reducer}. */
    public static IntraPairVarianceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new IntraPairVarianceLoss(params.getDouble("pos_eps", 0.01), params.getDouble("neg_eps", 0.01),
                c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected String[] subLossNames() {
        return new String[] {"pos_loss", "neg_loss"};
    }

    @Override
    protected LossTerms computeFromPairs(NDArray pos, NDArray neg, IndicesTuple.Pairs pairs) {
        LossTerms t = new LossTerms();
        t.put("pos_loss", pos == null ? LossTerm.zero()
                : new LossTerm(squaredExcess(pos, posEps, distance.isInverted()),
                        new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
        t.put("neg_loss", neg == null ? LossTerm.zero()
                : new LossTerm(squaredExcess(neg, negEps, !distance.isInverted()),
                        new NDArray[] {pairs.a2(), pairs.n()}, ReductionType.NEG_PAIR));
        return t;
    }

    /** [(1 − ε)·mean − x]<sub>+</sub>² when larger is better, else [x − (1 + ε)·mean]<sub>+</sub>². */
    private static NDArray squaredExcess(NDArray x, double eps, boolean incentivizeIncrease) {
        NDArray mean = x.mean();
        NDArray v = incentivizeIncrease ? Ops.mul(mean, 1 - eps).sub(x) : x.sub(Ops.mul(mean, 1 + eps));
        return Ops.relu(v).square();
    }
}
