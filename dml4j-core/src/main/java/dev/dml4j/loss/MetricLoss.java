package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.MeanReducer;
import dev.dml4j.reduce.MultipleReducers;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.regularize.Regularizer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import java.util.List;
import java.util.Map;
import dev.dml4j.util.Ops;

/**
 * The contract every metric loss follows (as the reference's): {@code forward(embeddings [N,D], labels [N], tuple?,
 * refEmbeddings?, refLabels?)} → scalar with autograd. Inside: distance matrix → named {@link LossTerms} → optional
 * embedding/weight regularizer terms → reducer → scalar. Each sub-loss is reduced on its own (by the loss's default
 * reducer, the user's reducer, or a {@link MultipleReducers}) and the results are summed. Every tensor the call
 * creates, except the result, is closed before it returns. Degenerate batches give 0 that still has a graph.
 */
public abstract class MetricLoss implements AutoCloseable {
    protected final Distance distance;
    protected final Reducer reducer;
    private Regularizer embeddingRegularizer;
    private double embeddingRegWeight = 1;
    private Regularizer weightRegularizer;
    private double weightRegWeight = 1;

    /**
     * @param distance the distance (null: {@link #defaultDistance()})
     * @param reducer the reducer of every sub-loss (null: {@link #defaultReducer()} per sub-loss)
     */
    protected MetricLoss(Distance distance, Reducer reducer) {
        this.distance = distance == null ? defaultDistance() : distance;
        this.reducer = reducer;
    }

    /** The distance used when none is given (each loss has its reference default). */
    protected abstract Distance defaultDistance();

    /** The reducer of each sub-loss when none is given (reference default: mean). */
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    /** The distance this loss uses. */
    public Distance distance() {
        return distance;
    }

    /** Whether this loss needs class labels (false for self-supervised losses such as VICReg). */
    public boolean requiresLabels() {
        return true;
    }

    /** Computes the unreduced sub-losses. refEmbeddings/refLabels null mean "the batch against itself". */
    protected abstract LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple,
            NDArray refEmbeddings, NDArray refLabels);

    /** The loss of a batch, all tuples (or pairs) of the batch. */
    public NDArray forward(NDArray embeddings, NDArray labels) {
        return forward(embeddings, labels, null, null, null);
    }

    /** The loss of a batch on the tuples a miner chose (null: all). */
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple) {
        return forward(embeddings, labels, tuple, null, null);
    }

    /**
     * The loss of a batch: anchors from {@code embeddings}, positives/negatives from the reference set when given.
     *
     * @param embeddings [N, D] float32 or float64
     * @param labels [N] integer class ids (may be null only for losses that need none)
     * @param tuple mined indices, or null for all pairs/triplets
     * @param refEmbeddings [M, D] reference embeddings, or null for the batch itself
     * @param refLabels [M] labels of the reference set (required with refEmbeddings when the loss uses labels)
     * @return a scalar with the gradient graph to the embeddings (and the loss's weights)
     */
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        validate(embeddings, labels, refEmbeddings, refLabels);
        try (NDScope scope = new NDScope()) {
            LossTerms terms = computeLoss(embeddings, labels, tuple, refEmbeddings, refLabels);
            addRegularization(terms, embeddings);
            NDArray total = reduce(terms, embeddings, labels);
            NDScope.unregister(total);
            return total;
        }
    }

    /** Checks shapes, NaN/Inf, labels and the reference set; subclasses add their own checks. */
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        Checks.embeddings(embeddings, "embeddings");
        long n = embeddings.getShape().get(0);
        if (requiresLabels() || labels != null) {
            Checks.labels(labels, n, "labels");
        }
        if (refEmbeddings != null) {
            Checks.embeddings(refEmbeddings, "refEmbeddings");
            if (refEmbeddings.getShape().get(1) != embeddings.getShape().get(1)) {
                throw new IllegalArgumentException("refEmbeddings have " + refEmbeddings.getShape().get(1)
                        + " dimensions but embeddings have " + embeddings.getShape().get(1));
            }
            if (requiresLabels()) {
                if (refLabels == null) {
                    throw new IllegalArgumentException("refEmbeddings were given without refLabels: pass one label per "
                            + "reference row");
                }
                Checks.labels(refLabels, refEmbeddings.getShape().get(0), "refLabels");
            }
        } else if (refLabels != null) {
            throw new IllegalArgumentException("refLabels were given without refEmbeddings");
        }
    }

    /** Sums the reduced sub-losses. */
    protected NDArray reduce(LossTerms terms, NDArray embeddings, NDArray labels) {
        NDArray total = null;
        for (Map.Entry<String, LossTerm> e : terms) {
            NDArray v = reducerFor(e.getKey()).reduce(e.getValue(), embeddings, labels);
            total = total == null ? v : total.add(v);
        }
        return total == null ? dev.dml4j.util.Ops.zeroLoss(embeddings) : total;
    }

    /** The reducer of one named sub-loss. */
    protected Reducer reducerFor(String subLoss) {
        if (reducer instanceof MultipleReducers m) {
            return m.reducerFor(subLoss);
        }
        return reducer != null ? reducer : defaultReducer();
    }

    private void addRegularization(LossTerms terms, NDArray embeddings) {
        if (embeddingRegularizer != null) {
            NDArray reg = Ops.mul(embeddingRegularizer.compute(embeddings), embeddingRegWeight);
            terms.put("embedding_reg_loss", new LossTerm(reg, new NDArray[0], ReductionType.ALREADY_REDUCED));
        }
        NDArray w = weights();
        if (weightRegularizer != null && w != null) {
            NDArray reg = Ops.mul(weightRegularizer.compute(w), weightRegWeight);
            terms.put("weight_reg_loss", new LossTerm(reg, new NDArray[0], ReductionType.ALREADY_REDUCED));
        }
    }

    /** Adds a penalty on the embeddings, times {@code weight} (default 1); returns this. */
    public MetricLoss withEmbeddingRegularizer(Regularizer regularizer, double weight) {
        this.embeddingRegularizer = regularizer;
        this.embeddingRegWeight = weight;
        return this;
    }

    /** Adds a penalty on the loss's weight rows, times {@code weight} (default 1); returns this. */
    public MetricLoss withWeightRegularizer(Regularizer regularizer, double weight) {
        if (regularizer != null && !(this instanceof WeightedLoss)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no weights to regularize");
        }
        this.weightRegularizer = regularizer;
        this.weightRegWeight = weight;
        return this;
    }

    /** The row-per-proxy weight matrix [rows, D] that weight regularizers act on, or null. */
    protected NDArray weights() {
        return this instanceof WeightedLoss wl ? wl.getWeights() : null;
    }

    /** The trainable parameters this loss owns (empty for most losses). */
    public List<LossParameter> parameters() {
        return List.of();
    }

    /** Releases arrays this loss owns (weights, memory); a loss without state has nothing to release. */
    @Override
    public void close() {
    }

    /** Reads the parameters every loss shares: {@code distance}, {@code reducer}, regularizers and their weights. */
    protected static Common common(Params params) {
        Distance d = Components.optional(Distance.class, params, "distance");
        Reducer r = Components.optional(Reducer.class, params, "reducer");
        Regularizer er = Components.optional(Regularizer.class, params, "embedding_regularizer");
        double erw = params.getDouble("embedding_reg_weight", 1);
        Regularizer wr = Components.optional(Regularizer.class, params, "weight_regularizer");
        double wrw = params.getDouble("weight_reg_weight", 1);
        return new Common(d, r, er, erw, wr, wrw);
    }

    /** Applies the shared regularizer settings of {@link #common} to a freshly built loss; returns it. */
    protected static <L extends MetricLoss> L apply(L loss, Common c) {
        if (c.embeddingRegularizer() != null) {
            loss.withEmbeddingRegularizer(c.embeddingRegularizer(), c.embeddingRegWeight());
        }
        if (c.weightRegularizer() != null) {
            loss.withWeightRegularizer(c.weightRegularizer(), c.weightRegWeight());
        }
        return loss;
    }

    /** The parameters every loss shares. */
    protected record Common(Distance distance, Reducer reducer, Regularizer embeddingRegularizer,
            double embeddingRegWeight, Regularizer weightRegularizer, double weightRegWeight) {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(distance=" + distance + ", reducer=" + reducer + ")";
    }
}
