package dev.dml4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.testing.GraphTensorScan;
import dev.dml4j.train.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Architecture test: the training code (model, optimizers, trainer, batch loading) makes no tensor over Java memory
 * that autograd could save ({@code NDManager.create}, {@code NDArray.mul(Number)} …); it uses {@code Ops} instead
 * (docs/djl-memory.md).
 */
class NoJavaBackedTensorsInGraphTest {
    @Test
    void trainingCodeUsesOpsForJavaData() throws Exception {
        Path classes = Path.of(EmbeddingModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> bad = GraphTensorScan.violations(classes, List.of("dev/dml4j/train"), Set.of());
        assertTrue(bad.isEmpty(), bad.size() + " Java-backed tensor(s) in training code; use Ops.mul/div/pow/"
                + "maximum/minimum/scalar/create instead (docs/djl-memory.md):\n" + String.join("\n", bad));
    }
}
