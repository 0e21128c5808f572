package dev.dml4j.golden;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reproduces every reference case in the golden folder, in float64 and float32. A case passes when it matches in
 * both; it is skipped when a class it names is not implemented (listed by name). Prints
 * {@code golden: N passed, M failed, K skipped} once per run.
 */
class GoldenTest {
    /** The runner of each case kind. */
    static final Map<String, CaseRunner> RUNNERS = new LinkedHashMap<>();

    static {
        RUNNERS.put("loss", new LossCaseRunner());
        RUNNERS.put("miner", new MinerCaseRunner());
        RUNNERS.put("cross_batch_memory", new CrossBatchMemoryRunner());
        RUNNERS.put("multiple_losses", new MultipleLossesRunner());
        RUNNERS.put("center_loss", new CenterLossRunner());
        RUNNERS.put("range_loss", new RangeLossRunner());
        RUNNERS.put("group_loss", new GroupLossRunner());
        RUNNERS.put("accuracy", new AccuracyRunner());
    }

    private static int passed;
    private static int failed;
    private static final Set<String> SKIPPED = new TreeSet<>();
    private static int skipped;
    private static final List<String> FAILURES = new ArrayList<>();

    @TestFactory
    List<DynamicTest> golden() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        // -Ddml4j.golden.only=REGEX runs only the cases whose id matches (for debugging one case)
        java.util.regex.Pattern only = System.getProperty("dml4j.golden.only", "").isEmpty() ? null
                : java.util.regex.Pattern.compile(System.getProperty("dml4j.golden.only"));
        for (JsonNode c : Golden.cases()) {
            String id = c.get("id").asText();
            if (only != null && !only.matcher(id).find()) {
                continue;
            }
            String kind = c.get("kind").asText();
            tests.add(DynamicTest.dynamicTest(id, () -> runCase(c, id, kind)));
        }
        return tests;
    }

    private static void runCase(JsonNode c, String id, String kind) throws Exception {
        CaseRunner runner = RUNNERS.get(kind);
        Set<String> missing = Golden.missingClasses(c);
        String cls = c.has("class") && !c.get("class").isNull() ? c.get("class").asText() : kind;
        if (runner == null || !missing.isEmpty()) {
            synchronized (GoldenTest.class) {
                skipped++;
                if (runner == null) {
                    SKIPPED.add(cls + " (kind " + kind + ")");
                } else {
                    SKIPPED.addAll(missing);
                }
            }
            Assumptions.abort(runner == null ? "no runner for kind " + kind : "not implemented: " + missing);
        }
        try {
            runner.run(c, DataType.FLOAT64);
            try {
                runner.run(c, DataType.FLOAT32);
            } catch (AssertionError e) {
                throw new AssertionError("float32: " + e.getMessage(), e);
            }
            synchronized (GoldenTest.class) {
                passed++;
            }
        } catch (Throwable t) {
            synchronized (GoldenTest.class) {
                failed++;
                FAILURES.add(id + ": " + t);
            }
            throw t;
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("golden: " + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        System.out.println("golden skipped classes: " + (SKIPPED.isEmpty() ? "none" : String.join(", ", SKIPPED)));
        for (String f : FAILURES) {
            System.out.println("golden FAILED " + f);
        }
    }
}
