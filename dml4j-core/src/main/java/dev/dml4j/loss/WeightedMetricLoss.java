package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import java.util.List;

/**
 * Base of the losses that own a row-per-proxy weight matrix (proxies, class weights, centers): holds the
 * {@link LossWeights}, exposes them as a {@link LossParameter}, checks labels against {@code numClasses}, casts the
 * weights to the embeddings' type like the reference, and offers {@link #logits} for classification use. These
 * losses compare embeddings with their weights, so a reference set is not supported.
 */
public abstract class WeightedMetricLoss extends MetricLoss implements WeightedLoss {
    /** The number of classes C; labels must lie in [0, C). */
    protected final int numClasses;
    /** The trainable matrix [rows, D]. */
    protected final LossWeights weights;
    /** The labels of the batch being computed, read back once by {@link #validate}. */
    protected long[] batchLabels;

    /**
     * @param distance the distance (null: the loss's default)
     * @param reducer the reducer (null: the loss's default)
     * @param numClasses the number of classes (&gt; 0)
     * @param weights the loss's trainable matrix
     */
    protected WeightedMetricLoss(Distance distance, Reducer reducer, int numClasses, LossWeights weights) {
        super(distance, reducer);
        this.numClasses = numClasses;
        this.weights = weights;
    }

    /** Checks num_classes and embedding_size, the parameters every weighted loss needs. */
    protected static void checkSizes(String loss, int numClasses, int embeddingSize) {
        Checks.require(numClasses > 0, loss + ": num_classes must be given and > 0, got " + numClasses);
        Checks.require(embeddingSize > 0, loss + ": embedding_size must be given and > 0, got " + embeddingSize);
    }

    /** The embedding size D the weights were built for (columns of the row-per-proxy matrix). */
    public int embeddingSize() {
        return (int) weights.shape().get(1);
    }

    /** The number of classes. */
    public int numClasses() {
        return numClasses;
    }

    @Override
    public NDArray getWeights() {
        return weights.get();
    }

    @Override
    public void setWeights(NDArray rowPerProxy) {
        weights.set(rowPerProxy);
    }

    /** Replaces the weights from a Java array [rows][D]. */
    public void setWeights(double[][] rowPerProxy) {
        weights.set(rowPerProxy);
    }

    /** The trainable matrix and its suggested learning-rate multiplier. */
    @Override
    public List<LossParameter> parameters() {
        return List.of(weights.parameter());
    }

    /** Sets the suggested learning-rate multiplier of the weights (finite, &gt; 0); returns this. */
    public WeightedMetricLoss withLearningRateMultiplier(double multiplier) {
        weights.setLearningRateMultiplier(multiplier);
        return this;
    }

    /** Checks the inputs, that no reference set is given, and that every label lies in [0, num_classes). */
    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        if (refEmbeddings != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " compares embeddings with its own "
                    + "weights: a reference set (refEmbeddings) is not supported");
        }
        long dim = embeddingSize();
        if (embeddings.getShape().get(1) != dim) {
            throw new IllegalArgumentException("embeddings have " + embeddings.getShape().get(1) + " dimensions but "
                    + getClass().getSimpleName() + " was built with embedding_size=" + dim);
        }
        batchLabels = checkLabelRange(labels, numClasses);
    }

    /** Reads the labels back once and checks every one lies in [0, numClasses); returns them. */
    protected static long[] checkLabelRange(NDArray labels, int numClasses) {
        long[] l;
        if (labels.getDataType() == DataType.INT64) {
            l = labels.toLongArray();
        } else {
            try (NDArray x = labels.toType(DataType.INT64, true)) {
                l = x.toLongArray();
            }
        }
        for (long v : l) {
            if (v < 0 || v >= numClasses) {
                throw new IllegalArgumentException("labels contain label " + v + " outside [0, num_classes="
                        + numClasses + "): labels must be in [0, " + numClasses + "); raise num_classes or remap "
                        + "the labels");
            }
        }
        return l;
    }

    /**
     * The classification logits [N, C] of the embeddings against the weights (what {@code get_logits} returns in
     * the reference), without gradient bookkeeping of the call's temporaries: the result belongs to the
     * embeddings' manager.
     */
    public NDArray logits(NDArray embeddings) {
        Checks.embeddings(embeddings, "embeddings");
        try (NDScope scope = new NDScope()) {
            NDArray out = computeLogits(embeddings, weights.forUse(embeddings));
            NDScope.unregister(out);
            out.attach(embeddings.getManager());
            return out;
        }
    }

    /** The logits [N, C] of the embeddings against the weights {@code w} [rows, D] (already in the right type). */
    protected abstract NDArray computeLogits(NDArray embeddings, NDArray w);

    /**
     * The reference's per-sample miner weights [N]: how often each batch index occurs in the tuple, divided by the
     * largest count (unused indices get 0); null when no tuple (or an empty one) is given, meaning all 1.
     */
    protected static NDArray minerWeights(IndicesTuple tuple, long n, NDArray like) {
        if (tuple == null) {
            return null;
        }
        NDArray[] parts = tuple instanceof IndicesTuple.Pairs p ? new NDArray[] {p.a1(), p.p(), p.a2(), p.n()}
                : new NDArray[] {((IndicesTuple.Triplets) tuple).a(), ((IndicesTuple.Triplets) tuple).p(),
                        ((IndicesTuple.Triplets) tuple).n()};
        NDArray all = NDArrays.concat(new ai.djl.ndarray.NDList(parts));
        if (all.size() == 0) {
            return null;
        }
        NDArray counts = Ops.oneHot(all, (int) n, like.getDataType()).sum(new int[] {0});
        return counts.div(counts.max());
    }

    /** Per-row cross-entropy [N] of logits [N, C] with integer labels [N] (the reference's reduction='none'). */
    protected static NDArray crossEntropy(NDArray logits, NDArray labelColumn) {
        return logits.logSoftmax(1).gather(labelColumn, 1).neg().reshape(-1);
    }

    /** Labels as an int64 column [N, 1] (for gather). */
    protected static NDArray labelColumn(NDArray labels) {
        return labels.toType(DataType.INT64, false).reshape(-1, 1);
    }

    /** Frees the weights. */
    @Override
    public void close() {
        weights.close();
    }
}
