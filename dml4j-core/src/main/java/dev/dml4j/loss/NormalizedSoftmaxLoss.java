package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.DotProductSimilarity;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * Normalized softmax (Zhai &amp; Wu 2019): softmax cross-entropy on x̂·ŵ<sub>j</sub> / temperature, the cosine of
 * the (normalised) embedding with each normalised class weight row. W is rows [C, D], N(0, 1) initialisation.
 */
public class NormalizedSoftmaxLoss extends WeightedMetricLoss {
    private final double temperature;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param temperature divides the cosines (default 0.05, &gt; 0)
     * @param distance a {@link DotProductSimilarity} (null: with normalised embeddings)
     * @param reducer the reducer (null: mean)
     */
    public NormalizedSoftmaxLoss(int numClasses, int embeddingSize, double temperature, Distance distance,
            Reducer reducer) {
        super(distance, reducer, numClasses, newWeights(numClasses, embeddingSize));
        if (!(this.distance instanceof DotProductSimilarity)) {
            throw new IllegalArgumentException("NormalizedSoftmaxLoss needs a DotProductSimilarity (or "
                    + "CosineSimilarity) distance, got " + this.distance);
        }
        this.temperature = Checks.positive(temperature, "NormalizedSoftmaxLoss temperature");
    }

    private static LossWeights newWeights(int numClasses, int embeddingSize) {
        checkSizes("NormalizedSoftmaxLoss", numClasses, embeddingSize);
        return new LossWeights("W", numClasses, embeddingSize, LossWeights.Init.NORMAL, 0,
                LossParameter.CLASSIFIER_LR_MULTIPLIER);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, temperature=0.05, distance, reducer}. */
    public static NormalizedSoftmaxLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new NormalizedSoftmaxLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("temperature", 0.05), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new DotProductSimilarity(true, 1);
    }

    /** The cosines (similarities) [N, C] with the normalised class weights, before the temperature. */
    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        return distance.pairwise(embeddings, distance.normalizesEmbeddings() ? w : distance.normalize(w));
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray w = weights.forUse(embeddings);
        long n = embeddings.getShape().get(0);
        NDArray logits = Ops.div(computeLogits(embeddings, w), temperature);
        NDArray losses = crossEntropy(logits, labelColumn(labels));
        NDArray mw = minerWeights(tuple, n, embeddings);
        if (mw != null) {
            losses = losses.mul(mw);
        }
        NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }
}
