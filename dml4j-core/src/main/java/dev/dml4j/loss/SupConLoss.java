package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.AvgNonZeroReducer;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Supervised contrastive loss (Khosla et al. 2020): per anchor, minus the mean over its positives p of
 * log(exp(s<sub>ap</sub>/τ) / Σ<sub>k ∈ pos ∪ neg</sub> exp(s<sub>ak</sub>/τ)) (negated distances for distances).
 * A batch without a positive or without a negative pair gives 0. Average of non-zero losses by default.
 */
public class SupConLoss extends GenericPairLoss {
    private final double temperature;

    /** The reference default: temperature 0.1, cosine similarity, average of non-zero. */
    public SupConLoss() {
        this(0.1, null, null);
    }

    /**
     * @param temperature the softmax temperature τ (default 0.1; &gt; 0)
     * @param distance the distance (null: cosine similarity)
     * @param reducer the reducer (null: average of non-zero)
     */
    public SupConLoss(double temperature, Distance distance, Reducer reducer) {
        super(distance, reducer, true);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("SupConLoss: temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** Builds from reference parameters {@code temperature, distance, reducer}. */
    public static SupConLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new SupConLoss(params.getDouble("temperature", 0.1), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    protected LossTerms computeFromMatrix(NDArray mat, NDArray posMask, NDArray negMask, IndicesTuple.Pairs pairs) {
        NDArray pos = posMask;
        NDArray negs = negMask;
        if (Ops.count(pos) == 0 || Ops.count(negs) == 0) {
            return zeroTerms();
        }
        NDArray logits = Ops.div((distance.isInverted() ? mat : mat.neg()), temperature);
        NDArray denominator = Ops.maskedRowLogSumExp(logits, pos.logicalOr(negs), 0);
        NDArray logProb = logits.sub(denominator);
        NDArray posWeight = Ops.asFloat(posMask, mat);
        NDArray numPos = posWeight.sum(new int[] {1}).add(Ops.smallVal(mat.getDataType()));
        NDArray meanLogProbPos = posWeight.mul(logProb).sum(new int[] {1}).div(numPos);
        return LossTerms.of(LossTerm.element(meanLogProbPos.neg(), rowIndices(mat)));
    }
}
