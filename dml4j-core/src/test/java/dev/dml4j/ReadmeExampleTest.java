package dev.dml4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.loss.TripletMarginLoss;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.mining.TripletMarginMiner;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The README's usage snippet, verbatim between the markers, so the front page stays true. */
class ReadmeExampleTest {

    @Test
    void readmeSnippetRunsAndGivesAGradient() {
        try (NDManager outer = NDManager.newBaseManager()) {
            NDArray images = outer.create(GradCheck.gaussian(16, 8, 3)).toType(DataType.FLOAT32, false);
            images.setRequiresGradient(true);
            Function<NDArray, NDArray> identity = x -> x;
            var model = new Object() {
                NDArray forward(NDArray x) {
                    return identity.apply(x);
                }
            };
            long[] batchLabels = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
            // README snippet begins
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray embeddings = model.forward(images);                   // [N, D] float32, with gradient
                NDArray labels = manager.create(batchLabels);                 // [N] int64 class ids
                MetricLoss loss = new TripletMarginLoss(0.2);                 // margin 0.2, all mined triplets
                Miner miner = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, null);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    IndicesTuple triplets = miner.mine(embeddings, labels);   // no gradient through mining
                    NDArray value = loss.forward(embeddings, labels, triplets);
                    Ops.backward(gc, value);                                  // backward + frees DJL's gradient seed
                }
            }
            // README snippet ends
            try (NDArray g = images.getGradient()) {
                double sum = g.abs().sum().toType(DataType.FLOAT64, false).getDouble();
                assertTrue(sum > 0, "the snippet's loss must give the embeddings a gradient");
            }
        }
    }

    @Test
    void readmeSnippetIsTheOneInTheReadme() throws Exception {
        Path root = Path.of(System.getProperty("dml4j.root", ".."));
        String readme = Files.readString(root.resolve("README.md"));
        String test = Files.readString(root.resolve(
                "dml4j-core/src/test/java/dev/dml4j/ReadmeExampleTest.java"));
        String snippet = test.substring(test.indexOf("// README snippet begins") + "// README snippet begins".length(),
                test.indexOf("            // README snippet ends"));
        for (String line : snippet.strip().split("\n")) {
            assertTrue(readme.contains(line.strip()), "README.md lacks the snippet line: " + line.strip());
        }
    }

    @Test
    void componentsByReferenceName() {
        try (MetricLoss loss = Components.create(MetricLoss.class, "MultiSimilarityLoss",
                Map.of("alpha", 2, "beta", 50, "base", 0.5))) {
            assertNotNull(loss);
            assertEquals("MultiSimilarityLoss", loss.getClass().getSimpleName());
        }
    }
}
