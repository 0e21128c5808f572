package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Threshold-consistent margin loss (Zhang et al. 2023, arXiv:2307.04047): a regulariser meant to be added to another
 * loss (e.g. with {@link MultipleLosses}). Positive pairs with cosine similarity s ≤ m<sub>+</sub> pay
 * m<sub>+</sub> − s, averaged over those pairs; negative pairs with s ≥ m<sub>−</sub> pay s − m<sub>−</sub>, averaged
 * over those; the loss is λ<sub>+</sub>·pos + λ<sub>−</sub>·neg (already reduced).
 */
public class ThresholdConsistentMarginLoss extends MetricLoss {
    private final double lambdaPlus;
    private final double lambdaMinus;
    private final double marginPlus;
    private final double marginMinus;

    /** The reference default: λ<sub>+</sub> = λ<sub>−</sub> = 1, m<sub>+</sub> = 0.9, m<sub>−</sub> = 0.5. */
    public ThresholdConsistentMarginLoss() {
        this(1.0, 1.0, 0.9, 0.5, null, null);
    }

    /**
     * @param lambdaPlus weight of the positive part (default 1)
     * @param lambdaMinus weight of the negative part (default 1)
     * @param marginPlus positive pairs less similar than this pay (default 0.9)
     * @param marginMinus negative pairs more similar than this pay (default 0.5)
     * @param distance must be cosine similarity (null: cosine similarity)
     * @param reducer the reducer (the loss is already reduced)
     */
    public ThresholdConsistentMarginLoss(double lambdaPlus, double lambdaMinus, double marginPlus, double marginMinus,
            Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(this.distance instanceof CosineSimilarity && this.distance.power() == 1,
                "ThresholdConsistentMarginLoss needs CosineSimilarity, got " + this.distance);
        this.lambdaPlus = lambdaPlus;
        this.lambdaMinus = lambdaMinus;
        this.marginPlus = marginPlus;
        this.marginMinus = marginMinus;
    }

    /** Builds from reference parameters {@code lambda_plus, lambda_minus, margin_plus, margin_minus}. */
    public static ThresholdConsistentMarginLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new ThresholdConsistentMarginLoss(params.getDouble("lambda_plus", 1.0),
                params.getDouble("lambda_minus", 1.0), params.getDouble("margin_plus", 0.9),
                params.getDouble("margin_minus", 0.5), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        IndicesTuple.Pairs pairs = tuple == null ? Tuples.allPairs(labels, refLabels) : tuple.toPairs();
        if (pairs.numPos() == 0 && pairs.numNeg() == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray total = Ops.zeroLoss(embeddings);
        if (pairs.numPos() > 0) {
            NDArray s = Ops.pick(mat, pairs.a1(), pairs.p());
            NDArray below = s.lte(marginPlus);
            long count = Ops.count(below);
            if (count > 0) {
                NDArray part = Ops.div(s.neg().add(marginPlus).mul(Ops.asFloat(below, s)).sum(), count);
                total = total.add(Ops.mul(part, lambdaPlus));
            }
        }
        if (pairs.numNeg() > 0) {
            NDArray s = Ops.pick(mat, pairs.a2(), pairs.n());
            NDArray above = s.gte(marginMinus);
            long count = Ops.count(above);
            if (count > 0) {
                NDArray part = Ops.div(s.sub(marginMinus).mul(Ops.asFloat(above, s)).sum(), count);
                total = total.add(Ops.mul(part, lambdaMinus));
            }
        }
        return LossTerms.of(LossTerm.alreadyReduced(total));
    }
}
