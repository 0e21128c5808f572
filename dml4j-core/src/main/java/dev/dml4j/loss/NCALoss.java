package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Neighbourhood components analysis (Goldberger et al. 2004): per query, −log of the softmax probability mass
 * (over −scale·d to every other item) that falls on same-label items. Queries with no same-label mass are left out.
 * A mined tuple weights each query by how often it occurs in the tuple (relative to the most frequent), as the
 * reference does. Default distance: squared Euclidean of normalised embeddings; mean.
 */
public class NCALoss extends MetricLoss {
    private final double softmaxScale;

    /** The reference default: softmax scale 1, squared normalised Euclidean distance, mean. */
    public NCALoss() {
        this(1, null, null);
    }

    /**
     * @param softmaxScale multiplies the (negated) distances before the softmax (default 1)
     * @param distance the distance (null: squared Euclidean of normalised embeddings)
     * @param reducer the reducer (null: mean)
     */
    public NCALoss(double softmaxScale, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.softmaxScale = softmaxScale;
    }

    /** Builds from reference parameters {@code softmax_scale, distance, reducer}. */
    public static NCALoss fromParams(Params params) {
        Common c = common(params);
        return apply(new NCALoss(params.getDouble("softmax_scale", 1), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance(true, 2, 2);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        long n = embeddings.getShape().get(0);
        if (n <= 1) {
            return LossTerms.of(LossTerm.zero());
        }
        boolean self = refEmbeddings == null;
        NDArray weights = minerWeights(tuple, embeddings, !self);
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray logits = Ops.mul((distance.isInverted() ? mat : mat.neg()), softmaxScale);
        if (self) {
            logits = Ops.maskedFill(logits, Ops.eyeMask(embeddings, (int) n), Ops.negInf(mat.getDataType()));
        }
        NDArray same = Ops.asFloat(Ops.sameLabel(labels, self ? labels : refLabels), mat);
        NDArray mass = logits.softmax(1).mul(same).sum(new int[] {1});
        NDArray nonZero = mass.neq(0);
        NDArray losses = mass.get(nonZero).log().neg().mul(weights.get(nonZero));
        return LossTerms.of(LossTerm.element(losses, Ops.arange(embeddings, n).get(nonZero)));
    }

    /**
     * The reference's miner weights [N]: 1 without a tuple (or an empty one); otherwise each index's count in the
     * tuple over the largest count, 0 for absent rows (with a reference set only anchors count).
     */
    static NDArray minerWeights(IndicesTuple tuple, NDArray embeddings, boolean usingRef) {
        long n = embeddings.getShape().get(0);
        NDArray[] parts = switch (tuple) {
            case null -> new NDArray[0];
            case IndicesTuple.Pairs p -> usingRef ? new NDArray[] {p.a1(), p.a2()}
                    : new NDArray[] {p.a1(), p.p(), p.a2(), p.n()};
            case IndicesTuple.Triplets t -> usingRef ? new NDArray[] {t.a()} : new NDArray[] {t.a(), t.p(), t.n()};
        };
        double[] w = new double[(int) n];
        if (tuple == null || tuple.size() == 0) {
            java.util.Arrays.fill(w, 1);
        } else {
            for (NDArray part : parts) {
                try (NDArray l = part.toType(DataType.INT64, true)) {
                    for (long i : l.toLongArray()) {
                        w[(int) i] += 1;
                    }
                }
            }
            double max = 0;
            for (double v : w) {
                max = Math.max(max, v);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] /= max;
            }
        }
        // inside the loss's scope: intermediate copies are freed with it
        return Ops.create(embeddings.getManager(), w).toType(embeddings.getDataType(), false)
                .toDevice(embeddings.getDevice(), false);
    }
}
