package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.MeanReducer;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.reduce.SumReducer;
import dev.dml4j.regularize.Regularizer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Center loss (Wen et al., ECCV 2016): L<sub>C</sub> = ½ Σ<sub>i</sub> ‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖²,
 * meant to be added to a softmax loss as softmax + λ·L<sub>C</sub>. One center per class ({@code [numClasses, D]},
 * row c is the center of class c), owned by this loss.
 *
 * <p>The per-item terms ½‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖² form the sub-loss {@code center_loss}; the
 * {@link Reduction} picks the reducer: {@link Reduction#HALF_SUM} is the paper's equation (a sum),
 * {@link Reduction#MEAN} divides it by N as the authors' Caffe layer does (default).
 *
 * <p>Centers are updated in one of two ways ({@link CenterUpdate}): by the paper's rule with its own rate α,
 * independent of the optimizer ({@link #updateCenters}, call once per step, default), or by gradient like any other
 * weight ({@link #parameters()} then hands them to the trainer's optimizer).
 */
public class CenterLoss extends MetricLoss implements WeightedLoss {

    /** How the batch's per-item terms are reduced. */
    public enum Reduction {
        /** ½ Σ‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖² (the paper's equation 2). */
        HALF_SUM,
        /** The half sum divided by the batch size N (the authors' Caffe layer). */
        MEAN
    }

    /** How the centers learn. */
    public enum CenterUpdate {
        /** The paper's rule, applied by {@link #updateCenters} with rate α; the centers take no gradient. */
        RULE,
        /** Gradient descent by the trainer's optimizer; {@link #parameters()} exposes the centers. */
        GRADIENT
    }

    private final int numClasses;
    private final int embeddingSize;
    private final double alpha;
    private final Reduction reduction;
    private final CenterUpdate centerUpdate;
    private final double learningRateMultiplier;
    private final NDManager manager;
    private NDArray centers;

    /** Center loss with the defaults: α = 0.5, mean reduction, centers updated by the paper's rule. */
    public CenterLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, 0.5, Reduction.MEAN, CenterUpdate.RULE, 1, 0, null);
    }

    /**
     * @param numClasses number of classes (rows of the center matrix; labels must lie in [0, numClasses))
     * @param embeddingSize embedding dimension D
     * @param alpha the center update rate α of the paper's rule, in [0, 1] (default 0.5); unused by
     *     {@link CenterUpdate#GRADIENT}
     * @param reduction {@link Reduction#MEAN} (default) or {@link Reduction#HALF_SUM}
     * @param centerUpdate {@link CenterUpdate#RULE} (default) or {@link CenterUpdate#GRADIENT}
     * @param learningRateMultiplier factor on the optimizer's rate for the centers under
     *     {@link CenterUpdate#GRADIENT} (default 1)
     * @param seed seed of the initial centers (Caffe's Xavier filler: uniform in ±√(3/D); default 0)
     * @param reducer a reducer that overrides {@code reduction} (null: the one {@code reduction} names)
     */
    public CenterLoss(int numClasses, int embeddingSize, double alpha, Reduction reduction, CenterUpdate centerUpdate,
            double learningRateMultiplier, long seed, Reducer reducer) {
        super(null, reducer);
        Checks.require(numClasses > 0, "CenterLoss num_classes must be > 0, got " + numClasses);
        Checks.require(embeddingSize > 0, "CenterLoss embedding_size must be > 0, got " + embeddingSize);
        Checks.atLeast(alpha, 0, "CenterLoss alpha");
        Checks.require(alpha <= 1, "CenterLoss alpha must be in [0, 1], got " + alpha);
        Checks.require(reduction != null && centerUpdate != null, "CenterLoss reduction and centerUpdate must be set");
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.alpha = alpha;
        this.reduction = reduction;
        this.centerUpdate = centerUpdate;
        this.learningRateMultiplier = Checks.positive(learningRateMultiplier, "CenterLoss learning rate multiplier");
        this.manager = NDManager.newBaseManager();
        Random r = new Random(seed);
        double bound = Math.sqrt(3.0 / embeddingSize);
        float[] init = new float[numClasses * embeddingSize];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        this.centers = manager.create(init, new Shape(numClasses, embeddingSize));
        NDScope.unregister(centers);
        trackGradient();
    }

    /**
     * Builds from parameters {@code num_classes, embedding_size} (required), {@code alpha} (0.5), {@code reduction}
     * ({@code "mean"} or {@code "half_sum"}; default mean), {@code center_update} ({@code "rule"} or
     * {@code "gradient"}; default rule), {@code lr_multiplier} (1), {@code seed} (0), and the shared {@code reducer}
     * and regularizers. The distance is always squared Euclidean.
     */
    public static CenterLoss fromParams(Params params) {
        Checks.require(!params.has("distance"), "CenterLoss always uses the squared Euclidean distance to the "
                + "centers: remove the 'distance' parameter");
        Checks.require(params.has("num_classes") && params.has("embedding_size"),
                "CenterLoss needs num_classes and embedding_size");
        Reducer reducer = Components.optional(Reducer.class, params, "reducer");
        Regularizer er = Components.optional(Regularizer.class, params, "embedding_regularizer");
        Regularizer wr = Components.optional(Regularizer.class, params, "weight_regularizer");
        CenterLoss loss = new CenterLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("alpha", 0.5), parseEnum(Reduction.class, params.getString("reduction", "mean"),
                        "reduction"),
                parseEnum(CenterUpdate.class, params.getString("center_update", "rule"), "center_update"),
                params.getDouble("lr_multiplier", 1), params.getInt("seed", 0), reducer);
        if (er != null) {
            loss.withEmbeddingRegularizer(er, params.getDouble("embedding_reg_weight", 1));
        }
        if (wr != null) {
            loss.withWeightRegularizer(wr, params.getDouble("weight_reg_weight", 1));
        }
        return loss;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, String name) {
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CenterLoss: parameter '" + name + "' must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got '" + v + "'",
                    e);
        }
    }

    private void trackGradient() {
        if (centerUpdate == CenterUpdate.GRADIENT) {
            centers.setRequiresGradient(true);
        }
    }

    /** Not used for the loss itself (always squared Euclidean); reported as LpDistance(power 2, unnormalised). */
    @Override
    protected Distance defaultDistance() {
        return new LpDistance(false, 2, 2);
    }

    /** Sum for {@link Reduction#HALF_SUM}, mean for {@link Reduction#MEAN}. */
    @Override
    protected Reducer defaultReducer() {
        return reduction == Reduction.HALF_SUM ? new SumReducer() : new MeanReducer();
    }

    /** Adds the label range check: labels must lie in [0, numClasses). */
    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        Checks.require(refEmbeddings == null && refLabels == null,
                "CenterLoss takes no reference set (refEmbeddings/refLabels): the class centers are the reference");
        super.validate(embeddings, labels, null, null);
        checkShape(embeddings);
        Checks.labelRange(labels, numClasses, "labels");
    }

    private void checkShape(NDArray embeddings) {
        Checks.require(embeddings.getShape().get(1) == embeddingSize, "embeddings have "
                + embeddings.getShape().get(1) + " dimensions but CenterLoss has embedding_size=" + embeddingSize);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray c = centersLike(embeddings);
        NDArray own = Ops.rows(c, labels);
        NDArray diff = embeddings.sub(own);
        NDArray perItem = diff.square().sum(new int[] {1}).mul(0.5);
        long n = embeddings.getShape().get(0);
        NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64).toDevice(embeddings.getDevice(), false);
        return new LossTerms().put("center_loss", LossTerm.element(perItem, idx));
    }

    /** The centers in the embeddings' type and device (a differentiable copy when they differ). */
    private NDArray centersLike(NDArray embeddings) {
        if (centers.getDataType() == embeddings.getDataType() && centers.getDevice().equals(embeddings.getDevice())) {
            return centers;
        }
        return Ops.castKeepingGradient(centers, embeddings.getDataType()).toDevice(embeddings.getDevice(), false);
    }

    /**
     * One step of the paper's center update rule (Wen et al. 2016, eq. 4): for each class j,
     * Δc<sub>j</sub> = Σ<sub>y<sub>i</sub>=j</sub>(c<sub>j</sub> − x<sub>i</sub>) / (1 + n<sub>j</sub>) and
     * c<sub>j</sub> ← c<sub>j</sub> − α·Δc<sub>j</sub>; classes absent from the batch keep their center. Runs outside
     * autograd (the embeddings' gradient graph is not touched) and updates the centers in place, so the centers
     * survive any {@code NDScope} it runs in; every temporary is closed. Call it after the optimizer step, outside a
     * {@code GradientCollector}.
     *
     * @param embeddings [N, D] the batch's embeddings (as given to {@link #forward})
     * @param labels [N] their class ids in [0, numClasses)
     */
    public void updateCenters(NDArray embeddings, NDArray labels) {
        Checks.embeddings(embeddings, "embeddings");
        Checks.labels(labels, embeddings.getShape().get(0), "labels");
        checkShape(embeddings);
        Checks.labelRange(labels, numClasses, "labels");
        try (NDManager tmp = centers.getManager().newSubManager(centers.getDevice())) {
            NDArray x = embeddings.stopGradient();
            x.attach(tmp);
            NDArray xs = x.toType(centers.getDataType(), false).toDevice(centers.getDevice(), false);
            xs.attach(tmp);
            NDArray lab = labels.toDevice(centers.getDevice(), false);
            if (lab != labels) {
                lab.attach(tmp);
            }
            NDArray sums = Ops.scatterAddRows(xs, lab, numClasses);
            sums.attach(tmp);
            NDArray ones = tmp.ones(new Shape(xs.getShape().get(0), 1), centers.getDataType());
            NDArray counts = Ops.scatterAddRows(ones, lab, numClasses);
            counts.attach(tmp);
            NDArray c = centers.stopGradient();
            c.attach(tmp);
            // Δc = (n_j c_j − Σ x_i) / (1 + n_j); step = α Δc
            NDArray step = c.mul(counts).sub(sums).div(counts.add(1)).mul(alpha);
            step.attach(tmp);
            try {
                centers.subi(step);
            } catch (ai.djl.engine.EngineException e) {
                throw new IllegalStateException("updateCenters changes the centers in place, which autograd forbids "
                        + "while a GradientCollector is open and the centers are trained by gradient: call it after "
                        + "the collector is closed (after the optimizer step)", e);
            }
        }
    }

    /** Adds the centers to the trainer's parameters under {@link CenterUpdate#GRADIENT}; none under the rule. */
    @Override
    public List<LossParameter> parameters() {
        return centerUpdate == CenterUpdate.GRADIENT
                ? List.of(new LossParameter("centers", centers, learningRateMultiplier))
                : List.of();
    }

    /** The class centers [numClasses, D] (live: row c is the center of class c). */
    @Override
    public NDArray getWeights() {
        return centers;
    }

    /**
     * Replaces the centers with a copy of {@code rowPerProxy} [numClasses, D]; the loss adopts its data type and
     * device (the copy shares no storage with the argument and survives any {@code NDScope}). The centers are a new
     * array afterwards: take {@link #parameters()} again.
     */
    @Override
    public void setWeights(NDArray rowPerProxy) {
        Checks.require(rowPerProxy.getShape().equals(new Shape(numClasses, embeddingSize)), "CenterLoss centers must "
                + "have shape (" + numClasses + ", " + embeddingSize + "), got " + rowPerProxy.getShape());
        Checks.finite(rowPerProxy, "centers");
        NDArray copy;
        try (NDArray detached = rowPerProxy.stopGradient()) {
            copy = detached.duplicate();
        }
        copy.attach(manager);
        NDScope.unregister(copy);
        NDArray old = centers;
        centers = copy;
        old.close();
        trackGradient();
    }

    /** The number of classes (rows of the centers). */
    public int numClasses() {
        return numClasses;
    }

    /** The center update rate α of the paper's rule. */
    public double alpha() {
        return alpha;
    }

    /** How the batch terms are reduced. */
    public Reduction reduction() {
        return reduction;
    }

    /** How the centers learn. */
    public CenterUpdate centerUpdate() {
        return centerUpdate;
    }

    /** Frees the centers. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "CenterLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", alpha=" + alpha
                + ", reduction=" + reduction + ", centerUpdate=" + centerUpdate + ")";
    }
}
