package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.testing.ClassScan;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every miner in {@code dev.dml4j.mining} (found by scanning the package, built with its reference defaults) rejects
 * bad input with an IllegalArgumentException that names the problem, before any engine call can fail obscurely.
 */
class AllMinersBadInputTest {

    @TestFactory
    List<DynamicTest> badInputIsRejectedClearly() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        List<Class<?>> classes = ClassScan.publicConcreteSubclasses(Miner.class);
        assertTrue(classes.size() >= 10, "expected the package's miners, found " + classes);
        for (Class<?> c : classes) {
            tests.add(DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                Miner miner = Components.create(Miner.class, c.getSimpleName(), Map.of());
                try (NDManager m = NDManager.newBaseManager()) {
                    double[][] x = GradCheck.gaussian(9, 4, 3);
                    NDArray emb = m.create(x);
                    NDArray lab = m.create(new long[] {0, 0, 0, 1, 1, 1, 2, 2, 2});
                    double[][] nan = GradCheck.gaussian(9, 4, 3);
                    nan[4][2] = Double.NaN;
                    expect(() -> miner.mine(m.create(nan), lab), "NaN");
                    double[][] inf = GradCheck.gaussian(9, 4, 3);
                    inf[0][0] = Double.NEGATIVE_INFINITY;
                    expect(() -> miner.mine(m.create(inf), lab), "infinite");
                    expect(() -> miner.mine(emb, m.create(new long[] {0, 1, 2})), "labels");
                    expect(() -> miner.mine(m.create(new double[] {1, 2, 3}), m.create(new long[] {0, 1, 2})),
                            "2-D");
                    expect(() -> miner.mine(emb, m.create(new double[] {0, 0, 0, 1, 1, 1, 2, 2, 2})), "integer");
                    expect(() -> miner.mine(emb, lab, emb, null), "refLabels");
                    expect(() -> miner.mine(emb, lab, emb, m.create(new long[] {0, 1})), "refLabels");
                    expect(() -> miner.mine(emb, lab, m.create(nan), lab), "refEmbeddings");
                }
            }));
        }
        return tests;
    }

    static void expect(Executable call, String mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mustMention), "message should mention '" + mustMention + "': "
                + e.getMessage());
    }
}
