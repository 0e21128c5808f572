package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Angular loss (Wang et al. 2017), the N-pair form as in the reference: for every positive pair (a, p) of unit
 * vectors, log(1 + Σ<sub>n</sub> exp(4 tan²α·(a + p)·x<sub>n</sub> − 2(1 + tan²α)·a·p)) over every reference item
 * x<sub>n</sub> whose label differs from a's (the reference uses those items unnormalised). α is in degrees.
 * Needs the normalised Euclidean distance; reduced per positive pair (mean).
 */
public class AngularLoss extends MetricLoss {
    private final double alphaDegrees;

    /** The reference default: α = 40°. */
    public AngularLoss() {
        this(40, null, null);
    }

    /**
     * @param alphaDegrees the angle α in degrees (default 40; the paper uses 36 to 55)
     * @param distance must be LpDistance(p=2, power=1, normalised) (null: that)
     * @param reducer the reducer (null: mean)
     */
    public AngularLoss(double alphaDegrees, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Distance d = this.distance;
        if (!(d instanceof LpDistance) || d.p() != 2 || d.power() != 1 || !d.normalizesEmbeddings()) {
            throw new IllegalArgumentException("AngularLoss needs LpDistance(p=2, power=1, normalize_embeddings=True), "
                    + "got " + d);
        }
        this.alphaDegrees = alphaDegrees;
    }

    /** Builds from reference parameters {@code alpha} (degrees), {@code distance, reducer}. */
    public static AngularLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new AngularLoss(params.getDouble("alpha", 40), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        IndicesTuple.Pairs pairs = tuple == null ? Tuples.allPairs(labels, refLabels) : tuple.toPairs();
        if (pairs.numPos() == 0 || pairs.numNeg() == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray ref = refEmbeddings == null ? embeddings : refEmbeddings;
        NDArray refLab = refEmbeddings == null ? labels : refLabels;
        NDArray anchors = distance.normalize(Ops.rows(embeddings, pairs.a1()));
        NDArray positives = distance.normalize(Ops.rows(ref, pairs.p()));
        double tan = Math.tan(Math.toRadians(alphaDegrees));
        double sqTan = tan * tan;
        NDArray apDot = anchors.mul(positives).sum(new int[] {1}, true);
        NDArray centerDot = anchors.add(positives).matMul(ref.transpose());
        NDArray logits = Ops.mul(centerDot, 4 * sqTan).sub(Ops.mul(apDot, 2 * (1 + sqTan)));
        NDArray keep = Ops.sameLabel(Ops.rows(labels, pairs.a1()), refLab).logicalNot();
        // log(1 + Σ exp) over the kept entries; anchors with no differently-labelled item give 0 as in the reference
        NDArray lse = Ops.maskedRowLogSumExp(logits, keep, Ops.negInf(logits.getDataType()));
        NDArray losses = Ops.softplus(lse).reshape(-1);
        return LossTerms.of(new LossTerm(losses, new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
    }
}
