package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * ProxyNCA (Movshovitz-Attias et al. 2017): NCA against one learnable proxy per class, −log softmax over
 * −scale·d(x, p<sub>j</sub>) at the sample's class (d the squared Euclidean distance of normalised vectors by
 * default). Samples whose probability underflows to 0 are left out, as in the reference. Proxies are rows [C, D],
 * N(0, 1) initialisation.
 */
public class ProxyNCALoss extends WeightedMetricLoss {
    private final double softmaxScale;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param softmaxScale multiplies the (negated) distances before the softmax (default 1)
     * @param distance the distance (null: squared Euclidean of normalised vectors)
     * @param reducer the reducer (null: mean)
     */
    public ProxyNCALoss(int numClasses, int embeddingSize, double softmaxScale, Distance distance, Reducer reducer) {
        super(distance, reducer, numClasses, newWeights(numClasses, embeddingSize));
        this.softmaxScale = Checks.positive(softmaxScale, "ProxyNCALoss softmax_scale");
    }

    private static LossWeights newWeights(int numClasses, int embeddingSize) {
        checkSizes("ProxyNCALoss", numClasses, embeddingSize);
        return new LossWeights("proxies", numClasses, embeddingSize, LossWeights.Init.NORMAL, 0,
                LossParameter.PROXY_LR_MULTIPLIER);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, softmax_scale=1, distance, reducer}. */
    public static ProxyNCALoss fromParams(Params params) {
        Common c = common(params);
        return apply(new ProxyNCALoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("softmax_scale", 1), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance(true, 2, 2);
    }

    /** scale × similarity to each proxy [N, C] (negated distances for a distance). */
    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        NDArray mat = distance.pairwise(embeddings, w);
        if (softmaxScale == 1) {
            return distance.isInverted() ? mat : mat.neg();
        }
        return Ops.mul(mat, distance.isInverted() ? softmaxScale : -softmaxScale);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray w = weights.forUse(embeddings);
        long n = embeddings.getShape().get(0);
        NDArray logProb = computeLogits(embeddings, w).logSoftmax(1).gather(labelColumn(labels), 1).reshape(-1);
        NDArray losses = logProb.neg();
        NDArray mw = minerWeights(tuple, n, embeddings);
        if (mw != null) {
            losses = losses.mul(mw);
        }
        NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
        // exp is monotone: nothing underflowed (the usual case, no selection needed) when the smallest one did not
        if (logProb.min().exp().toArray()[0].doubleValue() != 0) {
            return LossTerms.of(LossTerm.element(losses, idx));
        }
        NDArray keep = logProb.exp().neq(0);
        return LossTerms.of(LossTerm.element(losses.get(keep), idx.get(keep)));
    }
}
