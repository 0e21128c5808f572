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
 * Circle loss (Sun et al. 2020) with pair labels: per anchor, softplus(log Σ<sub>p</sub> exp(−γ α<sub>p</sub>
 * (s<sub>p</sub> − Δ<sub>p</sub>)) + log Σ<sub>n</sub> exp(γ α<sub>n</sub>(s<sub>n</sub> − Δ<sub>n</sub>))) with
 * α<sub>p</sub> = [1 + m − s<sub>p</sub>]<sub>+</sub>, α<sub>n</sub> = [s<sub>n</sub> + m]<sub>+</sub> (no gradient
 * through α), Δ<sub>p</sub> = 1 − m, Δ<sub>n</sub> = m. Anchors without a positive or a negative give 0. Needs
 * cosine similarity; average of non-zero losses by default.
 */
public class CircleLoss extends GenericPairLoss {
    private final double m;
    private final double gamma;

    /** The reference default: m 0.4, γ 80 (fine-grained retrieval; the paper uses 0.25, 256 for faces). */
    public CircleLoss() {
        this(0.4, 80, null, null);
    }

    /**
     * @param m the relaxation margin (default 0.4)
     * @param gamma the scale γ (default 80)
     * @param distance must be cosine similarity (null: cosine similarity)
     * @param reducer the reducer (null: average of non-zero)
     */
    public CircleLoss(double m, double gamma, Distance distance, Reducer reducer) {
        super(distance, reducer, true);
        if (!(this.distance instanceof CosineSimilarity)) {
            throw new IllegalArgumentException("CircleLoss needs CosineSimilarity, got " + this.distance);
        }
        this.m = m;
        this.gamma = gamma;
    }

    /** Builds from reference parameters {@code m, gamma, distance, reducer}. */
    public static CircleLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new CircleLoss(params.getDouble("m", 0.4), params.getDouble("gamma", 80), c.distance(),
                c.reducer()), c);
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
        double neg = Ops.negInf(mat.getDataType());
        NDArray s = mat.stopGradient();
        NDArray alphaP = Ops.relu(s.neg().add(1 + m));
        NDArray alphaN = Ops.relu(s.add(m));
        NDArray logitP = Ops.mul(alphaP.mul(mat.sub(1 - m)), -gamma);
        NDArray logitN = Ops.mul(alphaN.mul(mat.sub(m)), gamma);
        // rows without positives (or negatives) give −max, so the sum is ≤ −max and softplus gives exactly 0
        NDArray lseP = Ops.maskedRowLogSumExp(logitP, posMask, neg);
        NDArray lseN = Ops.maskedRowLogSumExp(logitN, negMask, neg);
        NDArray losses = Ops.softplus(lseP.add(lseN)).reshape(-1);
        return LossTerms.of(LossTerm.element(losses, rowIndices(mat)));
    }
}
