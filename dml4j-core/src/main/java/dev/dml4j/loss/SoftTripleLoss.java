package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.Arrays;

/**
 * SoftTriple (Qian et al. 2019): K centers per class; the similarity to class c is the softmax(s/γ)-weighted mean of
 * the similarities s to its centers, and the loss is softmax cross-entropy on λ(S<sub>c</sub> − δ·[c = y]). Centers
 * are rows [C·K, D] (row {@code c·K + k}), Kaiming-uniform initialisation. The paper's center regulariser (τ) is the
 * {@code SparseCentersRegularizer} weight regularizer, as in the reference. The paper's adaptive number of centers:
 * after training with a large K, {@link #mergeCenters} merges centers of a class closer than a threshold and
 * {@link #effectiveCenters} reports how many remain per class.
 */
public class SoftTripleLoss extends WeightedMetricLoss {
    private final int centersPerClass;
    private final double la;
    private final double gamma;
    private final double margin;
    /** Centers still in use (all unless merged); inactive ones are left out of every class's softmax. */
    private final boolean[] active;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param centersPerClass K (default 10, ≥ 1)
     * @param la λ, the scale of the class similarities (default 20)
     * @param gamma γ, the temperature of the softmax over a class's centers (default 0.1, &gt; 0)
     * @param margin δ, subtracted from the true class's similarity (default 0.01)
     * @param distance the similarity (null: cosine)
     * @param reducer the reducer (null: mean)
     */
    public SoftTripleLoss(int numClasses, int embeddingSize, int centersPerClass, double la, double gamma,
            double margin, Distance distance, Reducer reducer) {
        super(distance, reducer, numClasses, newWeights(numClasses, embeddingSize, centersPerClass));
        this.centersPerClass = centersPerClass;
        this.la = Checks.positive(la, "SoftTripleLoss la");
        this.gamma = Checks.positive(gamma, "SoftTripleLoss gamma");
        Checks.require(Double.isFinite(margin), "SoftTripleLoss margin must be finite, got " + margin);
        this.margin = margin;
        this.active = new boolean[numClasses * centersPerClass];
        Arrays.fill(active, true);
    }

    private static LossWeights newWeights(int numClasses, int embeddingSize, int k) {
        checkSizes("SoftTripleLoss", numClasses, embeddingSize);
        Checks.require(k >= 1, "SoftTripleLoss centers_per_class must be >= 1, got " + k);
        return new LossWeights("centers", numClasses * k, embeddingSize, LossWeights.Init.KAIMING_UNIFORM_SQRT5, 0,
                LossParameter.PROXY_LR_MULTIPLIER);
    }

    /**
     * Builds from reference parameters {@code num_classes, embedding_size, centers_per_class=10, la=20, gamma=0.1,
     * margin=0.01, distance, reducer}.
     */
    public static SoftTripleLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new SoftTripleLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getInt("centers_per_class", 10), params.getDouble("la", 20), params.getDouble("gamma", 0.1),
                params.getDouble("margin", 0.01), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    /** Centers per class K. */
    public int centersPerClass() {
        return centersPerClass;
    }

    /** The class similarities S [N, C] (before λ and the margin). */
    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        int k = centersPerClass;
        // the centers of a class on the middle axis ([N, K, C], rows reordered to k·C + c): the engine's softmax over
        // a short last axis (K) is many times slower than over a middle axis, where it runs across the C classes
        NDArray byCenter = w.reshape(numClasses, k, -1).transpose(1, 0, 2).reshape(k * numClasses, -1);
        NDArray sim = distance.pairwise(embeddings, byCenter).reshape(-1, k, numClasses);
        NDArray z = Ops.div(sim, gamma);
        if (!allActive()) {
            float[] bias = new float[active.length];
            for (int c = 0; c < numClasses; c++) {
                for (int j = 0; j < k; j++) {
                    bias[j * numClasses + c] = active[c * k + j] ? 0 : (float) (Ops.negInf(DataType.FLOAT32) / 4);
                }
            }
            NDArray b = Ops.create(embeddings.getManager(), bias).toType(sim.getDataType(), false)
                    .toDevice(sim.getDevice(), false).reshape(1, k, numClasses);
            z = z.add(b);
        }
        NDArray prob = z.softmax(1);
        return prob.mul(sim).sum(new int[] {1});
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray w = weights.forUse(embeddings);
        long n = embeddings.getShape().get(0);
        NDArray simToClasses = computeLogits(embeddings, w);
        NDArray oneHot = Ops.oneHot(labels, numClasses, simToClasses.getDataType());
        NDArray logits = Ops.mul(simToClasses, la).sub(Ops.mul(oneHot, la * margin));
        NDArray losses = crossEntropy(logits, labelColumn(labels));
        NDArray mw = minerWeights(tuple, n, embeddings);
        if (mw != null) {
            losses = losses.mul(mw);
        }
        NDArray idx = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    private boolean allActive() {
        for (boolean a : active) {
            if (!a) {
                return false;
            }
        }
        return true;
    }

    /** Whether each center (row {@code c·K + k}) is still in use. */
    public boolean[] activeCenters() {
        return active.clone();
    }

    /** The number of centers in use per class (K for every class until {@link #mergeCenters} merged some). */
    public int[] effectiveCenters() {
        int[] out = new int[numClasses];
        for (int i = 0; i < active.length; i++) {
            if (active[i]) {
                out[i / centersPerClass]++;
            }
        }
        return out;
    }

    /**
     * The paper's adaptive number of centers, applied after training: within each class, centers whose normalised
     * vectors are closer than {@code threshold} (Euclidean distance between unit vectors, √(2 − 2cos), in [0, 2];
     * linked transitively) are merged into one: the lowest-numbered center of each group takes the group's mean and
     * the others are switched off (left out of the class's softmax from now on; the weight matrix keeps its shape).
     *
     * @param threshold merge distance between normalised centers (e.g. 0.1; ≥ 0)
     * @return the number of centers left per class
     */
    public int[] mergeCenters(double threshold) {
        Checks.atLeast(threshold, 0, "SoftTripleLoss.mergeCenters threshold");
        double[][] w = weights.toArray();
        double[][] unit = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            double s = 0;
            for (double v : w[i]) {
                s += v * v;
            }
            double norm = Math.max(Math.sqrt(s), 1e-12);
            unit[i] = new double[w[i].length];
            for (int j = 0; j < w[i].length; j++) {
                unit[i][j] = w[i][j] / norm;
            }
        }
        int k = centersPerClass;
        for (int c = 0; c < numClasses; c++) {
            int[] parent = new int[k];
            for (int a = 0; a < k; a++) {
                parent[a] = a;
            }
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    int ia = c * k + a;
                    int ib = c * k + b;
                    if (!active[ia] || !active[ib]) {
                        continue;
                    }
                    double d2 = 0;
                    for (int j = 0; j < unit[ia].length; j++) {
                        double diff = unit[ia][j] - unit[ib][j];
                        d2 += diff * diff;
                    }
                    if (Math.sqrt(d2) < threshold) {
                        int ra = root(parent, a);
                        int rb = root(parent, b);
                        parent[Math.max(ra, rb)] = Math.min(ra, rb);
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                int ia = c * k + a;
                if (!active[ia] || root(parent, a) != a) {
                    continue;
                }
                double[] mean = new double[w[ia].length];
                int members = 0;
                for (int b = 0; b < k; b++) {
                    int ib = c * k + b;
                    if (active[ib] && root(parent, b) == a) {
                        for (int j = 0; j < mean.length; j++) {
                            mean[j] += w[ib][j];
                        }
                        members++;
                        if (b != a) {
                            active[ib] = false;
                        }
                    }
                }
                for (int j = 0; j < mean.length; j++) {
                    w[ia][j] = mean[j] / members;
                }
            }
        }
        DataType type = weights.get().getDataType();
        try (ai.djl.ndarray.NDManager m = weights.get().getManager().newSubManager();
             NDArray x = Ops.create(m, w).toType(type, false)) {
            weights.set(x);
        }
        return effectiveCenters();
    }

    private static int root(int[] parent, int a) {
        while (parent[a] != a) {
            a = parent[a];
        }
        return a;
    }

    @Override
    public String toString() {
        return "SoftTripleLoss(numClasses=" + numClasses + ", centersPerClass=" + centersPerClass + ", la=" + la
                + ", gamma=" + gamma + ", margin=" + margin + ")";
    }
}
