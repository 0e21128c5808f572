package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Multi-similarity loss (Wang et al. 2019): per anchor, (1/α)·log(1 + Σ<sub>p</sub> exp(−α(s<sub>ap</sub> − λ)))
 * + (1/β)·log(1 + Σ<sub>n</sub> exp(β(s<sub>an</sub> − λ))) with λ = {@code base} (reversed for distances). Usually
 * paired with the multi-similarity miner. One loss per batch element, mean by default.
 */
public class MultiSimilarityLoss extends GenericPairLoss {
    private final double alpha;
    private final double beta;
    private final double base;

    /** The reference default: α 2, β 50, base 0.5, cosine similarity, mean. */
    public MultiSimilarityLoss() {
        this(2, 50, 0.5, null, null);
    }

    /**
     * @param alpha the weight of positive pairs (default 2; &gt; 0)
     * @param beta the weight of negative pairs (default 50; &gt; 0)
     * @param base the similarity shift λ (default 0.5)
     * @param distance the distance (null: cosine similarity)
     * @param reducer the reducer (null: mean)
     */
    public MultiSimilarityLoss(double alpha, double beta, double base, Distance distance, Reducer reducer) {
        super(distance, reducer, true);
        if (!(alpha > 0) || !(beta > 0)) {
            throw new IllegalArgumentException("MultiSimilarityLoss: alpha and beta must be > 0, got alpha=" + alpha
                    + ", beta=" + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
        this.base = base;
    }

    /** Builds from reference parameters {@code alpha, beta, base, distance, reducer}. */
    public static MultiSimilarityLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new MultiSimilarityLoss(params.getDouble("alpha", 2), params.getDouble("beta", 50),
                params.getDouble("base", 0.5), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected LossTerms computeFromMatrix(NDArray mat, NDArray posMask, NDArray negMask, IndicesTuple.Pairs pairs) {
        double neg = Ops.negInf(mat.getDataType());
        NDArray b = Ops.scalar(mat, base);
        // log(1 + Σ exp(x)) over the kept entries = softplus(masked log-sum-exp); empty rows give softplus(−max) = 0
        NDArray posLse = Ops.maskedRowLogSumExp(Ops.mul(distance.margin(mat, b), alpha), posMask, neg);
        NDArray negLse = Ops.maskedRowLogSumExp(Ops.mul(distance.margin(b, mat), beta), negMask, neg);
        NDArray losses = Ops.div(Ops.softplus(posLse), alpha).add(Ops.div(Ops.softplus(negLse), beta)).reshape(-1);
        return LossTerms.of(LossTerm.element(losses, rowIndices(mat)));
    }
}
