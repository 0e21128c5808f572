package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * P2SGrad (Zhang et al. 2019): the mean squared error between cos θ<sub>ij</sub> (embedding i against unit class
 * weight j, clamped to [−1, 1]) and the one-hot labels, whose gradient is the paper's probability-to-similarity
 * gradient. Unlike the other weighted losses, W keeps the reference's layout [D, C] (one column per class; the golden cases
 * use it), uniform initialisation scaled to unit columns; like the reference, every forward first rescales the
 * stored columns to unit norm (in place). Takes no miner tuple, no reference set and no weight regularizer.
 */
public class P2SGradLoss extends WeightedMetricLoss {

    /**
     * @param descriptorsDim D, the embedding size (&gt; 0)
     * @param numClasses C (&gt; 0)
     */
    public P2SGradLoss(int descriptorsDim, int numClasses) {
        super(null, null, numClasses, newWeights(numClasses, descriptorsDim));
    }

    private static LossWeights newWeights(int numClasses, int dim) {
        checkSizes("P2SGradLoss", numClasses, dim);
        return new LossWeights("W", dim, numClasses, LossWeights.Init.UNIFORM_UNIT_COLUMNS, 0,
                LossParameter.CLASSIFIER_LR_MULTIPLIER);
    }

    /** Builds from reference parameters {@code descriptors_dim, num_classes}. */
    public static P2SGradLoss fromParams(Params params) {
        int dim = params.getInt("descriptors_dim", 0);
        int c = params.getInt("num_classes", 0);
        Common common = common(params);
        if (common.distance() != null || common.reducer() != null) {
            throw new IllegalArgumentException("P2SGradLoss takes no distance or reducer (its loss is a fixed MSE)");
        }
        return apply(new P2SGradLoss(dim, c), common);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    /** D, the rows of the [D, C] weight matrix. */
    @Override
    public int embeddingSize() {
        return (int) weights.shape().get(0);
    }

    /** P2SGrad has no weight regularization in the reference: always throws for a non-null regularizer. */
    @Override
    public MetricLoss withWeightRegularizer(dev.dml4j.regularize.Regularizer regularizer, double weight) {
        if (regularizer != null) {
            throw new IllegalArgumentException("P2SGradLoss takes no weight regularizer (its W is renormalised "
                    + "every step)");
        }
        return super.withWeightRegularizer(null, weight);
    }

    /** The clamped cosines [N, C] with the unit class weights. */
    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        NDArray xNorm = Ops.maximum(embeddings.norm(new int[] {1}, true), Distance.NORMALIZE_EPS);
        return embeddings.matMul(w).div(xNorm).clip(-1, 1);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        if (tuple != null) {
            throw new IllegalArgumentException("P2SGradLoss does not use a miner's tuple: call forward without one");
        }
        NDArray w = weights.forUse(embeddings);
        renormalize(w);
        NDArray cos = computeLogits(embeddings, w);
        NDArray oneHot = Ops.oneHot(labels, numClasses, cos.getDataType());
        return LossTerms.of(LossTerm.alreadyReduced(cos.sub(oneHot).square().mean()));
    }

    /** The reference's renorm: columns with norm &gt; 1e-5 are scaled by 1/(norm + 1e-7), the others by 1e5. */
    private static void renormalize(NDArray w) {
        w.setRequiresGradient(false);
        NDArray norm = w.stopGradient().norm(new int[] {0}, true);
        NDArray factor = Ops.mul(NDArrays.where(norm.gt(1e-5), Ops.mul(Ops.pow(norm.add(1e-7), -1), 1e-5), norm.onesLike()), 1e5);
        w.muli(factor);
        w.setRequiresGradient(true);
    }
}
