package dev.dml4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.testing.GraphTensorScan;
import dev.dml4j.util.Ops;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Architecture test: no autograd-relevant production class of dml4j-core makes a tensor over Java memory
 * ({@code NDManager.create}, {@code NDArray.mul(Number)} and the like) — DJL's PyTorch engine does not copy such
 * data, so a closed tensor that autograd saved would be read after its buffer is freed (docs/djl-memory.md).
 * Only {@link Ops} may do it, copying into engine-owned memory.
 */
class NoJavaBackedTensorsInGraphTest {
    private static final List<String> PACKAGES = List.of("dev/dml4j/loss", "dev/dml4j/mining",
            "dev/dml4j/reduce", "dev/dml4j/regularize", "dev/dml4j/distance", "dev/dml4j/util");

    @Test
    void autogradPackagesUseOpsForJavaData() throws Exception {
        Path classes = Path.of(Ops.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> bad = GraphTensorScan.violations(classes, PACKAGES, Set.of("dev/dml4j/util/Ops"));
        assertTrue(bad.isEmpty(), bad.size() + " Java-backed tensor(s) in autograd code; use Ops.mul/div/pow/"
                + "maximum/minimum/scalar/create instead (docs/djl-memory.md):\n" + String.join("\n", bad));
    }

    @Test
    void scannerFindsAForbiddenCall() throws Exception {
        // the scanner itself must see a Number multiplication and a create (this class's own bytecode has both)
        Path classes = Path.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> bad = GraphTensorScan.violations(classes, List.of("dev/dml4j"), Set.of());
        List<String> probe = bad.stream().filter(s -> s.startsWith(Probe.class.getName() + ":")).toList();
        assertEquals(2, probe.size(), String.join("\n", probe));
    }

    /** Bytecode fixture for the scanner: one forbidden call of each kind (never run). */
    static final class Probe {
        static ai.djl.ndarray.NDArray probe(ai.djl.ndarray.NDManager m, ai.djl.ndarray.NDArray x) {
            return x.mul(2).add(m.create(1f));
        }
    }
}
