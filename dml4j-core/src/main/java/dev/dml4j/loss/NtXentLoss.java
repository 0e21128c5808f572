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
 * NT-Xent, the normalized temperature-scaled cross entropy of SimCLR (Chen et al. 2020; also InfoNCE): for every
 * positive pair (a, p), −log(exp(s<sub>ap</sub>/τ) / (exp(s<sub>ap</sub>/τ) + Σ<sub>n</sub> exp(s<sub>an</sub>/τ)))
 * over the negative pairs of anchor a (negated distances for distances). Computed on the whole similarity matrix:
 * one masked log-sum-exp per anchor row, shared by all its positive pairs. Reduced per positive pair (mean).
 * Reference name {@code NTXentLoss}.
 */
public class NtXentLoss extends GenericPairLoss {
    private final double temperature;

    /** The reference default: temperature 0.07, cosine similarity, mean. */
    public NtXentLoss() {
        this(0.07, null, null);
    }

    /**
     * @param temperature the softmax temperature τ (default 0.07; &gt; 0)
     * @param distance the distance (null: cosine similarity)
     * @param reducer the reducer (null: mean)
     */
    public NtXentLoss(double temperature, Distance distance, Reducer reducer) {
        super(distance, reducer, false);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("NTXentLoss: temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** Builds from reference parameters {@code temperature, distance, reducer}. */
    public static NtXentLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new NtXentLoss(params.getDouble("temperature", 0.07), c.distance(), c.reducer()), c);
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
        NDArray logits = Ops.div((distance.isInverted() ? mat : mat.neg()), temperature);
        // log Σ exp over each anchor's negative pairs (−max for anchors without any): [M, 1]
        NDArray negLse = negativeRowLogSumExp(logits, negativeCounts(mat, pairs));
        NDArray pos = Ops.pick(logits, pairs.a1(), pairs.p());
        NDArray negOfAnchor = Ops.rowsOf(negLse, pairs.a1());
        NDArray max = pos.maximum(negOfAnchor).stopGradient();
        NDArray numerator = pos.sub(max).exp();
        NDArray denominator = numerator.add(negOfAnchor.sub(max).exp());
        NDArray losses = numerator.div(denominator).add(Ops.smallVal(mat.getDataType())).log().neg();
        return LossTerms.of(new LossTerm(losses, new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
    }
}
