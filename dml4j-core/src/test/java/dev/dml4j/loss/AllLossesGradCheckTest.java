package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference gradient checks (float64, central differences) for every loss in {@code dev.dml4j.loss}, found
 * the way {@link AllLossesPropertyTest} finds them, so a new loss is checked without being listed: the gradient with
 * respect to the embeddings, with respect to the second view or reference set where the contract has one, and with
 * respect to every trainable parameter a loss owns (the weight rows of a {@link WeightedLoss}, MarginLoss's learnt β).
 *
 * <p>Every function evaluation uses a freshly built loss (same configuration, same weights), so losses with state
 * that a forward pass changes (DynamicSoftMargin's running histogram, CrossBatchMemory's queue) are checked as the
 * function of one step. Hinge-type losses are differentiable almost everywhere: the random points used here put no
 * hinge, histogram-bin edge or hard selection within the finite-difference step of its boundary (a failure that
 * moves with the seed would say otherwise, and the checks assert that the gradient is not identically zero, so a
 * loss that is flat at the point cannot pass vacuously). No loss is excluded. GroupLoss is not a {@link MetricLoss}
 * (it needs classifier logits and anchors), so it is not found here: GroupLossTest checks its gradients.
 */
class AllLossesGradCheckTest {
    static final int N = 8;
    static final int D = 4;
    static final int C = 3;
    static final long[] LABELS = {0, 0, 0, 1, 1, 1, 2, 2};
    static final double EPS = 1e-6;
    static final double REL = 1e-5;
    static final double ABS = 1e-7;

    /** Parameters for this check beyond AllLossesPropertyTest's (smaller weight matrices keep it fast). */
    static final Map<String, Map<String, Object>> OVERRIDES = Map.ofEntries(
            Map.entry("P2SGradLoss", Map.of("descriptors_dim", D, "num_classes", C)),
            Map.entry("SoftTripleLoss", Map.of("centers_per_class", 2)),
            Map.entry("SubCenterArcFaceLoss", Map.of("sub_centers", 2)),
            Map.entry("CrossBatchMemory", Map.of("loss", Map.of("class", "ContrastiveLoss"), "embedding_size", D,
                    "memory_size", 32)));

    /**
     * Losses whose autograd gradient is, by the reference's definition, not the gradient of their value, so finite
     * differences cannot check it; the golden cases pin the reference's gradient instead.
     */
    static final Map<String, String> NOT_THE_VALUES_GRADIENT = Map.of(
            "CircleLoss", "the weights α_p = [1 + m − s_p]_+ and α_n = [s_n + m]_+ are constants for the gradient "
                    + "(detached, as in the paper and the reference), so autograd differs from the value's derivative "
                    + "by design; its 4 golden cases check grad_embeddings against the reference");

    /** Extra configurations checked besides each loss's defaults (name → class, params). */
    static final Map<String, Map.Entry<String, Map<String, Object>>> VARIANTS = Map.of(
            "MarginLoss[learn_beta, per class, nu=0.1]", Map.entry("MarginLoss",
                    Map.of("learn_beta", true, "num_classes", C, "nu", 0.1)),
            "MarginLoss[learn_beta, global, nu=0.2]", Map.entry("MarginLoss",
                    Map.of("learn_beta", true, "nu", 0.2)),
            "CenterLoss[center_update=gradient, reduction=half_sum]", Map.entry("CenterLoss",
                    Map.of("num_classes", C, "embedding_size", D, "center_update", "gradient",
                            "reduction", "half_sum")),
            "TripletMarginLoss[smooth_loss, swap]", Map.entry("TripletMarginLoss",
                    Map.of("smooth_loss", true, "swap", true, "margin", 0.2)),
            "ContrastiveLoss[raw LpDistance, PerAnchorReducer]", Map.entry("ContrastiveLoss",
                    Map.of("distance", Map.of("class", "LpDistance", "params", Map.of("normalize_embeddings", false)),
                            "neg_margin", 3.0, "reducer", Map.of("class", "PerAnchorReducer"))));

    /** The parameters a loss is built with here. */
    static Map<String, Object> params(String name, Class<?> c) {
        Map<String, Object> p = new HashMap<>(AllLossesPropertyTest.REQUIRED.getOrDefault(name, Map.of()));
        if (WeightedLoss.class.isAssignableFrom(c) && !name.equals("P2SGradLoss")) {
            p.put("num_classes", C);
            p.put("embedding_size", D);
        }
        p.putAll(OVERRIDES.getOrDefault(name, Map.of()));
        return p;
    }

    @TestFactory
    List<DynamicTest> gradientsMatchFiniteDifferences() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> c : AllLossesPropertyTest.lossClasses()) {
            String name = c.getSimpleName();
            if (NOT_THE_VALUES_GRADIENT.containsKey(name)) {
                continue;
            }
            Map<String, Object> p = params(name, c);
            tests.add(DynamicTest.dynamicTest(name, () -> checkLoss(name, p)));
        }
        VARIANTS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(v -> tests.add(DynamicTest.dynamicTest(
                v.getKey(), () -> checkLoss(v.getValue().getKey(), v.getValue().getValue()))));
        return tests;
    }

    /**
     * Losses on the tuples of a miner that runs inside the checked function (on detached embeddings, as in training):
     * away from ties a small step does not change the selection, so the loss stays differentiable there.
     */
    static final Map<String, List<String>> MINED = Map.of(
            "TripletMarginLoss(margin=0.2) on BatchHardMiner", List.of("TripletMarginLoss", "BatchHardMiner"),
            "TripletMarginLoss(margin=0.2) on TripletMarginMiner(semihard)", List.of("TripletMarginLoss",
                    "TripletMarginMiner"),
            "ContrastiveLoss on PairMarginMiner", List.of("ContrastiveLoss", "PairMarginMiner"),
            "MultiSimilarityLoss on MultiSimilarityMiner", List.of("MultiSimilarityLoss", "MultiSimilarityMiner"));

    /** Parameters of the mined configurations, by class. */
    static final Map<String, Map<String, Object>> MINED_PARAMS = Map.of(
            "TripletMarginLoss", Map.of("margin", 0.2),
            "TripletMarginMiner", Map.of("margin", 0.2, "type_of_triplets", "semihard"));

    @TestFactory
    List<DynamicTest> gradientsOnMinedTuplesMatchFiniteDifferences() {
        List<DynamicTest> tests = new ArrayList<>();
        MINED.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> tests.add(DynamicTest.dynamicTest(
                e.getKey(), () -> {
                    String lossName = e.getValue().get(0);
                    String minerName = e.getValue().get(1);
                    try (NDManager m = NDManager.newBaseManager();
                         MetricLoss loss = Components.create(MetricLoss.class, lossName,
                                 MINED_PARAMS.getOrDefault(lossName, Map.of()))) {
                        NDArray labels = m.create(LABELS);
                        Miner miner = Components.create(Miner.class, minerName,
                                MINED_PARAMS.getOrDefault(minerName, Map.of()));
                        try (IndicesTuple t = miner.mine(m.create(GradCheck.gaussian(N, D, 101)), labels)) {
                            assertTrue(t.size() > 0, minerName + " mined nothing: the check would prove nothing");
                        }
                        nonZero(e.getKey(), GradCheck.check(x -> loss.forward(x, labels, miner.mine(x, labels)),
                                GradCheck.gaussian(N, D, 101), EPS, REL, ABS));
                    }
                })));
        return tests;
    }

    /** Checks the gradients of one configured loss: embeddings, second view / reference set, parameters. */
    private static void checkLoss(String name, Map<String, Object> params) {
        List<MetricLoss> made = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] x0 = GradCheck.gaussian(N, D, 101);
            double[][] view2 = GradCheck.gaussian(N, D, 102);
            NDArray labels = m.create(LABELS);
            Setup setup = new Setup(name, params, m, made);
            boolean twoViews = name.equals("VicRegLoss") || name.equals("SelfSupervisedLoss");
            if (twoViews) {
                NDArray second = m.create(view2);
                NDArray first = m.create(x0);
                nonZero(name + " d/d(embeddings)", GradCheck.check(
                        x -> setup.fresh().forward(x, null, null, second, null), x0, EPS, REL, ABS));
                nonZero(name + " d/d(refEmbeddings)", GradCheck.check(
                        r -> setup.fresh().forward(first, null, null, r, null), view2, EPS, REL, ABS));
            } else if (name.equals("CrossBatchMemory")) {
                // the memory holds an earlier batch; this batch is not enqueued (enqueueMask all false), so the
                // memory does not move with x: autograd flows only through the anchors, as designed (the memory is
                // detached), and that is exactly what finite differences then see
                NDArray previous = m.create(view2);
                NDArray enqueueNothing = m.zeros(new ai.djl.ndarray.types.Shape(N), DataType.BOOLEAN);
                nonZero(name + " d/d(embeddings)", GradCheck.check(x -> {
                    CrossBatchMemory xbm = (CrossBatchMemory) setup.fresh();
                    xbm.forward(previous, labels).close();
                    return xbm.forward(x, labels, null, enqueueNothing);
                }, x0, EPS, REL, ABS));
            } else {
                nonZero(name + " d/d(embeddings)", GradCheck.check(x -> setup.fresh().forward(x, labels), x0, EPS,
                        REL, ABS));
                checkParameters(setup, m.create(x0), labels);
            }
        } finally {
            made.forEach(MetricLoss::close);
        }
    }

    /** Builds fresh instances of one configuration with the same fixed weights and parameter values. */
    private static final class Setup {
        final String name;
        final Map<String, Object> params;
        final NDManager manager;
        final List<MetricLoss> made;
        double[][] weights;
        double[] parameterValues;

        Setup(String name, Map<String, Object> params, NDManager manager, List<MetricLoss> made) {
            this.name = name;
            this.params = params;
            this.manager = manager;
            this.made = made;
        }

        /** A new loss with this setup's weights (float64) and parameter values. */
        MetricLoss fresh() {
            MetricLoss loss = Components.create(MetricLoss.class, name, params);
            made.add(loss);
            if (loss instanceof WeightedLoss wl) {
                if (weights == null) {
                    var s = wl.getWeights().getShape();
                    weights = GradCheck.gaussian((int) s.get(0), (int) s.get(1), 103);
                }
                try (NDArray w = manager.create(weights)) {
                    wl.setWeights(w);
                }
            } else if (!loss.parameters().isEmpty()) {
                // MarginLoss's β: distinct values per class, well inside the distance range of the batch
                NDArray v = loss.parameters().get(0).value();
                if (parameterValues == null) {
                    parameterValues = new double[(int) v.size()];
                    for (int i = 0; i < parameterValues.length; i++) {
                        parameterValues[i] = 0.9 + 0.1 * i;
                    }
                }
                setInPlace(v, parameterValues);
            }
            return loss;
        }
    }

    /** Overwrites a parameter's values in place (it keeps its type). */
    private static void setInPlace(NDArray v, double[] values) {
        try (NDArray src = v.getManager().create(values).toType(v.getDataType(), false)) {
            if (v.getDataType() == DataType.FLOAT32) {
                v.set(src.toFloatArray());
            } else {
                v.set(src.toDoubleArray());
            }
            v.setRequiresGradient(true); // writing the values drops the flag
        }
    }

    /** Compares the autograd gradient of every parameter the loss owns with central differences. */
    private static void checkParameters(Setup setup, NDArray x, NDArray labels) {
        // a loss without trainable parameters has nothing to check here (CenterLoss updating its centers by rule
        // is a WeightedLoss whose centers are not trained by gradient: its gradient variant is checked instead)
        int count = setup.fresh().parameters().size();
        for (int k = 0; k < count; k++) {
            final int pk = k;
            double[] analytic;
            double[] at;
            boolean float32;
            MetricLoss loss = setup.fresh();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = loss.forward(x, labels);
                gc.backward(out);
                out.close();
            }
            // read the parameter after forward: a weighted loss adopts the embeddings' float type on first use
            LossParameter param = loss.parameters().get(pk);
            float32 = param.value().getDataType() == DataType.FLOAT32;
            try (NDArray g = param.value().getGradient(); NDArray v = param.value().toType(DataType.FLOAT64, true)) {
                analytic = g.toType(DataType.FLOAT64, false).toDoubleArray();
                at = v.toDoubleArray();
            }
            if (setup.name.equals("P2SGradLoss")) {
                // the reference renormalises W's columns in place (outside autograd) before each forward, so the
                // loss as a function of the stored W is f(W / ‖W‖) and its derivative at unit columns is the
                // tangential part of autograd's gradient, (I − w wᵀ) g per column
                analytic = tangential(analytic, at, (int) param.value().getShape().get(1));
            }
            // float32 parameters (MarginLoss's β, stored in float32 as in the reference) take a step of 1e-5 and
            // the quotient uses the step actually stored (the loss is piecewise linear in β, so this is exact)
            double eps = float32 ? 1e-5 : EPS;
            StringBuilder bad = new StringBuilder();
            int nBad = 0;
            for (int i = 0; i < at.length; i++) {
                double[] plus = at.clone();
                double[] minus = at.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double[] vp = new double[1];
                double[] vm = new double[1];
                double fp = valueWith(setup, pk, plus, x, labels, vp, i);
                double fm = valueWith(setup, pk, minus, x, labels, vm, i);
                double numeric = (fp - fm) / (vp[0] - vm[0]);
                if (Math.abs(analytic[i] - numeric) > ABS + REL * Math.abs(numeric)) {
                    if (nBad++ < 5) {
                        bad.append(String.format(" [%d] autograd %.10g numeric %.10g;", i, analytic[i], numeric));
                    }
                }
            }
            if (nBad > 0) {
                throw new AssertionError(setup.name + " d/d(" + param.name() + "): " + nBad + " of " + at.length
                        + " entries differ:" + bad);
            }
            nonZero(setup.name + " d/d(" + param.name() + ")", analytic);
        }
    }

    /**
     * A loss's trainable parameters are created in float32; with float64 embeddings they must still receive a
     * gradient (a cast that drops the autograd history would leave them silently untrained).
     */
    @TestFactory
    List<DynamicTest> float32ParametersGetGradientFromFloat64Embeddings() throws Exception {
        List<Map.Entry<String, Map<String, Object>>> configs = new ArrayList<>();
        for (Class<?> c : AllLossesPropertyTest.lossClasses()) {
            configs.add(Map.entry(c.getSimpleName(), params(c.getSimpleName(), c)));
        }
        configs.addAll(VARIANTS.values());
        List<DynamicTest> tests = new ArrayList<>();
        for (var cfg : configs) {
            String name = cfg.getKey();
            if (AllLossesPropertyTest.OTHER_CONTRACT.containsKey(name)) {
                continue;
            }
            try (MetricLoss probe = Components.create(MetricLoss.class, name, cfg.getValue())) {
                if (probe.parameters().isEmpty()) {
                    continue;
                }
            }
            tests.add(DynamicTest.dynamicTest(name + " " + cfg.getValue(), () -> {
                try (NDManager m = NDManager.newBaseManager();
                     MetricLoss loss = Components.create(MetricLoss.class, name, cfg.getValue())) {
                    for (LossParameter p : loss.parameters()) {
                        assertEquals(DataType.FLOAT32, p.value().getDataType(), name + " " + p.name());
                    }
                    NDArray x = m.create(GradCheck.gaussian(N, D, 104));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = loss.forward(x, m.create(LABELS));
                        gc.backward(out);
                    }
                    // read after forward: a weighted loss adopts the embeddings' type on first use
                    for (LossParameter p : loss.parameters()) {
                        try (NDArray g = p.value().getGradient()) {
                            nonZero(name + " d/d(" + p.name() + ") in float64", g.toType(DataType.FLOAT64, false)
                                    .toDoubleArray());
                        }
                    }
                }
            }));
        }
        return tests;
    }

    /** Per column c of a [rows, cols] matrix w (flattened): g_c − w_c (w_c · g_c), with unit columns w_c. */
    private static double[] tangential(double[] g, double[] w, int cols) {
        double[] out = g.clone();
        int rows = g.length / cols;
        for (int c = 0; c < cols; c++) {
            double dot = 0;
            for (int r = 0; r < rows; r++) {
                dot += w[r * cols + c] * g[r * cols + c];
            }
            for (int r = 0; r < rows; r++) {
                out[r * cols + c] -= w[r * cols + c] * dot;
            }
        }
        return out;
    }

    /** The loss with parameter {@code k} set to {@code values}; {@code stored[0]} receives entry i as stored. */
    private static double valueWith(Setup setup, int k, double[] values, NDArray x, NDArray labels, double[] stored,
            int i) {
        MetricLoss loss = setup.fresh();
        NDArray v = loss.parameters().get(k).value();
        if (loss instanceof WeightedLoss wl) {
            double[][] rows = new double[(int) v.getShape().get(0)][];
            int cols = (int) v.getShape().get(1);
            for (int r = 0; r < rows.length; r++) {
                rows[r] = java.util.Arrays.copyOfRange(values, r * cols, (r + 1) * cols);
            }
            try (NDArray w = v.getManager().create(rows)) {
                wl.setWeights(w);
            }
            v = wl.getWeights();
        } else {
            setInPlace(v, values);
        }
        try (NDArray s = v.toType(DataType.FLOAT64, true)) {
            stored[0] = s.toDoubleArray()[i];
        }
        try (NDArray out = loss.forward(x, labels)) {
            return out.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static void nonZero(String what, double[] grad) {
        double max = 0;
        for (double g : grad) {
            assertTrue(Double.isFinite(g), what + ": non-finite gradient");
            max = Math.max(max, Math.abs(g));
        }
        assertTrue(max > 1e-8, what + ": the gradient is zero at the test point, so the check proves nothing; "
                + "choose a point where the loss is active");
    }
}
