package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The Group Loss (Elezi et al., ECCV 2020, "The Group Loss for Deep Metric Learning"), as the authors' code computes
 * it. Its contract is not (embeddings, labels): it also needs a classifier's logits for the same batch and a few
 * labelled anchors per class, so it is not a {@link MetricLoss}. Per batch:
 * <ol>
 * <li>priors X<sub>0</sub> = softmax(logits / temperature), row per item; rows of the anchors are replaced by the
 * one-hot vector of their label (no gradient flows into those rows);</li>
 * <li>similarity W = max(ρ, 0) where ρ is the Pearson correlation between embedding rows (each row centred on its
 * own mean, then cosine similarity); the diagonal is kept (ρ<sub>ii</sub> = 1; also for a constant row, whose
 * correlation with every other row is taken as 0);</li>
 * <li>{@code iterations} steps of replicator dynamics: X ← X ⊙ (W X), each row renormalised to sum 1;</li>
 * <li>loss = scaling · NLL(log(X + eps), labels) + cross_entropy(logits, labels), both means over the batch.</li>
 * </ol>
 * Use {@link #selectAnchors} to draw the anchors (k per class, seeded) and {@link #forward} for the scalar loss, or
 * {@link #compute} for its parts and the refined assignment.
 */
public class GroupLoss {
    private static final double NORM_EPS = 1e-12;

    private final int numClasses;
    private final double temperature;
    private final int iterations;
    private final double scaling;
    private final double eps;

    /** The authors' defaults for {@code numClasses} classes: temperature 24, 1 iteration, scaling 1, eps 1e-12. */
    public GroupLoss(int numClasses) {
        this(numClasses, 24, 1, 1, 1e-12);
    }

    /**
     * @param numClasses C, the number of classes (columns of the logits; labels must lie in [0, C))
     * @param temperature divides the logits before the softmax that gives the priors (default 24; &gt; 0)
     * @param iterations T, the number of replicator-dynamics steps (default 1; ≥ 0)
     * @param scaling weight of the Group-Loss NLL term next to the cross-entropy (default 1; ≥ 0)
     * @param eps added to the refined probabilities before the log (default 1e-12; ≥ 0)
     */
    public GroupLoss(int numClasses, double temperature, int iterations, double scaling, double eps) {
        Checks.require(numClasses > 0, "GroupLoss num_classes must be > 0, got " + numClasses);
        Checks.require(iterations >= 0, "GroupLoss iterations must be >= 0, got " + iterations);
        this.numClasses = numClasses;
        this.temperature = Checks.positive(temperature, "GroupLoss temperature");
        this.iterations = iterations;
        this.scaling = Checks.atLeast(scaling, 0, "GroupLoss scaling");
        this.eps = Checks.atLeast(eps, 0, "GroupLoss eps");
    }

    /**
     * Builds from parameters {@code num_classes} (required), {@code temperature} (24), {@code iterations} (1),
     * {@code scaling} (1), {@code eps} (1e-12).
     */
    public static GroupLoss fromParams(Params params) {
        Checks.require(params.has("num_classes"), "GroupLoss needs num_classes (the classifier's number of outputs)");
        return new GroupLoss(params.getInt("num_classes", 0), params.getDouble("temperature", 24),
                params.getInt("iterations", 1), params.getDouble("scaling", 1), params.getDouble("eps", 1e-12));
    }

    /**
     * The loss's parts on one batch, all with gradient to the embeddings and logits. Close it (or let an enclosing
     * NDScope do it).
     *
     * @param loss scaling · groupNll + crossEntropy (scalar)
     * @param groupNll the NLL of the labels under the refined assignment (scalar)
     * @param crossEntropy the classifier's cross-entropy on the raw logits (scalar)
     * @param refinedProbabilities the refined assignment X after T iterations [N, C]
     */
    public record Result(NDArray loss, NDArray groupNll, NDArray crossEntropy, NDArray refinedProbabilities)
            implements AutoCloseable {
        /** Frees the four arrays. */
        @Override
        public void close() {
            loss.close();
            groupNll.close();
            crossEntropy.close();
            refinedProbabilities.close();
        }
    }

    /**
     * The Group Loss of a batch (scalar, with gradient to embeddings and logits).
     *
     * @param embeddings [N, D] float32 or float64
     * @param logits [N, numClasses] the classifier's outputs for the same batch, same data type as the embeddings
     * @param labels [N] integer class ids in [0, numClasses)
     * @param anchors [A] integer row indices in [0, N) whose assignment is fixed to their label (null or empty:
     *     none); see {@link #selectAnchors}
     */
    public NDArray forward(NDArray embeddings, NDArray logits, NDArray labels, NDArray anchors) {
        Result r = compute(embeddings, logits, labels, anchors);
        r.groupNll().close();
        r.crossEntropy().close();
        r.refinedProbabilities().close();
        return r.loss();
    }

    /** As {@link #forward}, but returns every part (the loss, its two terms and the refined assignment). */
    public Result compute(NDArray embeddings, NDArray logits, NDArray labels, NDArray anchors) {
        long[] anchorRows = validate(embeddings, logits, labels, anchors);
        try (NDScope scope = new NDScope()) {
            int n = (int) embeddings.getShape().get(0);
            NDManager m = embeddings.getManager();
            // anchors: one-hot rows of their labels replace the priors
            double[] isAnchor = new double[n];
            for (long a : anchorRows) {
                isAnchor[(int) a] = 1;
            }
            NDArray a = Ops.create(m, isAnchor).toType(logits.getDataType(), false).toDevice(logits.getDevice(), false)
                    .expandDims(1);
            NDArray oneHot = Ops.oneHot(labels, numClasses, logits.getDataType());
            NDArray priors = Ops.div(logits, temperature).softmax(1);
            NDArray x0 = priors.mul(a.neg().add(1)).add(oneHot.mul(a));
            NDArray refined = replicatorDynamics(similarity(embeddings), x0, iterations);
            NDArray logRefined = refined.add(eps).log();
            NDArray groupNll = pickLabels(logRefined, labels).mean().neg();
            NDArray crossEntropy = pickLabels(logits.logSoftmax(1), labels).mean().neg();
            // a Number operand would promote a 0-d float32 to float64: use a scalar of the input's type
            NDArray loss = groupNll.mul(Ops.scalar(groupNll, scaling)).add(crossEntropy);
            Result r = new Result(loss, groupNll, crossEntropy, refined);
            for (NDArray keep : new NDArray[] {loss, groupNll, crossEntropy, refined}) {
                NDScope.unregister(keep);
            }
            return r;
        }
    }

    private static NDArray pickLabels(NDArray mat, NDArray labels) {
        long n = mat.getShape().get(0);
        NDArray rows = mat.getManager().arange(0, n, 1, DataType.INT64).toDevice(mat.getDevice(), false);
        return Ops.pick(mat, rows, labels);
    }

    /**
     * The similarity of the batch: W<sub>ij</sub> = max(Pearson correlation of rows i and j, 0), with W<sub>ii</sub>
     * = 1 (a constant row has correlation 0 with the others). Differentiable.
     *
     * @param embeddings [N, D]
     * @return [N, N], symmetric, entries in [0, 1]
     */
    public static NDArray similarity(NDArray embeddings) {
        long n = embeddings.getShape().get(0);
        try (NDArray mean = embeddings.mean(new int[] {1}, true);
             NDArray centred = embeddings.sub(mean);
             NDArray sq = centred.square().sum(new int[] {1}, true);
             NDArray norm = Ops.safeSqrt(sq);
             NDArray safeNorm = Ops.maximum(norm, NORM_EPS);
             NDArray z = centred.div(safeNorm);
             NDArray zt = z.transpose();
             NDArray corr = z.matMul(zt);
             NDArray pos = Ops.relu(corr);
             NDArray eye = Ops.eyeMask(embeddings, (int) n)) {
            return Ops.maskedFill(pos, eye, 1.0);
        }
    }

    /**
     * T steps of replicator dynamics (the Group Loss's label propagation): X ← X ⊙ (W X), each row divided by its
     * sum. Rows of {@code x0} that are one-hot stay one-hot. Differentiable in W and X<sub>0</sub>.
     *
     * @param w [N, N] non-negative similarity with a positive diagonal
     * @param x0 [N, C] initial assignment, rows positive where allowed and summing to 1
     * @param iterations T ≥ 0
     * @return [N, C] the refined assignment
     */
    public static NDArray replicatorDynamics(NDArray w, NDArray x0, int iterations) {
        Checks.require(iterations >= 0, "iterations must be >= 0, got " + iterations);
        if (iterations == 0) {
            return x0.add(0);
        }
        NDArray x = x0;
        for (int t = 0; t < iterations; t++) {
            try (NDArray support = w.matMul(x);
                 NDArray grown = x.mul(support);
                 NDArray total = grown.sum(new int[] {1}, true)) {
                NDArray next = grown.div(total);
                if (x != x0) {
                    x.close();
                }
                x = next;
            }
        }
        return x;
    }

    /**
     * Draws the anchors of a batch: for each class, {@code perClass} of its rows at random (all of them if it has
     * fewer), reproducibly from {@code seed}.
     *
     * @param labels the batch's labels
     * @param perClass anchors per class (the authors use 1 to 3; ≥ 0)
     * @param seed random seed
     * @return sorted row indices
     */
    public static long[] selectAnchors(long[] labels, int perClass, long seed) {
        Checks.require(perClass >= 0, "anchors per class must be >= 0, got " + perClass);
        Map<Long, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], l -> new ArrayList<>()).add(i);
        }
        Random r = new Random(seed);
        List<Long> out = new ArrayList<>();
        for (List<Integer> rows : byClass.values()) {
            Collections.shuffle(rows, r);
            for (int j = 0; j < Math.min(perClass, rows.size()); j++) {
                out.add((long) rows.get(j));
            }
        }
        long[] a = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** {@link #selectAnchors(long[], int, long)} on an NDArray of labels; returns int64 indices on its device. */
    public static NDArray selectAnchors(NDArray labels, int perClass, long seed) {
        long[] lab;
        try (NDArray l = labels.toType(DataType.INT64, true)) {
            lab = l.toLongArray();
        }
        return Ops.create(labels.getManager(), selectAnchors(lab, perClass, seed)).toDevice(labels.getDevice(), false);
    }

    /** Checks every input; returns the anchor rows. */
    private long[] validate(NDArray embeddings, NDArray logits, NDArray labels, NDArray anchors) {
        Checks.embeddings(embeddings, "embeddings");
        long n = embeddings.getShape().get(0);
        Checks.require(logits != null, "logits must not be null: the Group Loss needs the classifier's outputs");
        Checks.require(logits.getShape().dimension() == 2 && logits.getShape().get(0) == n
                && logits.getShape().get(1) == numClasses, "logits must be 2-D [N=" + n + ", num_classes=" + numClasses
                + "], got shape " + logits.getShape());
        Checks.require(logits.getDataType() == embeddings.getDataType(), "logits (" + logits.getDataType()
                + ") and embeddings (" + embeddings.getDataType() + ") must have the same data type; cast one");
        Checks.finite(logits, "logits");
        Checks.labels(labels, n, "labels");
        Checks.labelRange(labels, numClasses, "labels");
        if (anchors == null || anchors.size() == 0) {
            return new long[0];
        }
        Checks.require(anchors.getShape().dimension() == 1 && !anchors.getDataType().isFloating(),
                "anchors must be a 1-D array of integer row indices, got " + anchors.getDataType() + " "
                        + anchors.getShape());
        long[] rows;
        try (NDArray l = anchors.toType(DataType.INT64, true)) {
            rows = l.toLongArray();
        }
        for (long r : rows) {
            Checks.require(r >= 0 && r < n, "anchor index " + r + " is outside the batch [0, " + n + ")");
        }
        return rows;
    }

    /** C, the number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** T, the number of replicator-dynamics steps. */
    public int iterations() {
        return iterations;
    }

    @Override
    public String toString() {
        return "GroupLoss(numClasses=" + numClasses + ", temperature=" + temperature + ", iterations=" + iterations
                + ", scaling=" + scaling + ", eps=" + eps + ")";
    }
}
