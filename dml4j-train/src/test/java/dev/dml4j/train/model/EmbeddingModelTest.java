package dev.dml4j.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dml4j.util.Ops;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingModelTest {
    @TempDir
    Path tmp;

    private static NDArray images(NDManager m, int b, int c, int h, int w) {
        m.getEngine().setRandomSeed(7);
        return m.randomUniform(0, 1, new Shape(b, c, h, w));
    }

    @Test
    void smallCnnOnGrey28AndColour32GivesTheEmbeddingSizeIncludingTwo() throws IOException {
        try (EmbeddingModel g = EmbeddingModel.create(ModelSpec.smallCnn(1, 28, 28, 2), 0);
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(3, 2), g.forward(images(m, 3, 1, 28, 28), false).getShape());
            assertEquals(128, g.featureSize());
        }
        ModelSpec colour = new ModelSpec("small-cnn", null, 3, 32, 32, 16, "max", true, true, new int[] {8, 16});
        try (EmbeddingModel c = EmbeddingModel.create(colour, 0); NDManager m = NDManager.newBaseManager()) {
            NDArray e = c.forward(images(m, 4, 3, 32, 32), true);
            assertEquals(new Shape(4, 16), e.getShape());
            float[] norms = e.norm(new int[] {1}).toFloatArray();
            for (float n : norms) {
                assertEquals(1, n, 1e-5, "L2-normalised rows");
            }
            assertEquals(16, c.featureSize());
            assertTrue(c.embedderParameters().stream().anyMatch(p -> p.id().contains("BatchNorm")),
                    "batch norm in the head");
        }
    }

    @Test
    void oddSizesAndManyChannelsWork() throws IOException {
        try (EmbeddingModel g = EmbeddingModel.create(ModelSpec.smallCnn(5, 7, 3, 4), 0);
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 4), g.forward(images(m, 2, 5, 7, 3), true).getShape());
        }
    }

    @Test
    void sameSeedSameWeightsAndSaveLoadRoundTrips() throws IOException {
        Path file = tmp.resolve("m.dml4j");
        ModelSpec spec = new ModelSpec("small-cnn", null, 1, 12, 12, 6, "avg", true, false, new int[] {4, 8});
        try (EmbeddingModel a = EmbeddingModel.create(spec, 3); EmbeddingModel b = EmbeddingModel.create(spec, 3);
             EmbeddingModel c = EmbeddingModel.create(spec, 4); NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, 5, 1, 12, 12);
            float[] ea = a.forward(x, false).toFloatArray();
            assertArrayEquals(ea, b.forward(x, false).toFloatArray(), "same seed, same initial weights");
            assertFalse(Arrays.equals(ea, c.forward(x, false).toFloatArray()), "another seed, other weights");
            a.forward(x, true); // moves the batch-norm running statistics, which must be saved too
            float[] trainedStats = a.forward(x, false).toFloatArray();
            a.save(file);
            try (EmbeddingModel loaded = EmbeddingModel.load(file)) {
                assertEquals(spec.embeddingSize(), loaded.spec().embeddingSize());
                assertArrayEquals(trainedStats, loaded.forward(x, false).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void gradientsReachEveryParameter() throws IOException {
        try (EmbeddingModel a = EmbeddingModel.create(ModelSpec.smallCnn(1, 8, 8, 3), 0);
             NDManager m = a.manager().newSubManager()) {
            NDArray x = images(m, 4, 1, 8, 8);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Ops.backward(gc, a.forward(x, true).square().sum());
            }
            for (EmbeddingModel.NamedParameter p : a.parameters()) {
                try (NDArray g = p.array().getGradient()) {
                    assertTrue(g.abs().sum().getFloat() > 0, "no gradient on " + p.id());
                }
            }
        }
    }

    @Test
    void resnet18TrunkWithoutItsClassifier() throws IOException {
        ModelSpec spec = new ModelSpec("resnet18", null, 3, 32, 32, 8, "max", false, true, null);
        try (EmbeddingModel r = EmbeddingModel.create(spec, 0); NDManager m = NDManager.newBaseManager()) {
            assertEquals(512, r.featureSize());
            assertEquals(new Shape(2, 8), r.forward(images(m, 2, 3, 32, 32), false).getShape());
        }
    }

    @Test
    @Tag("slow")
    void resnet50Trunk() throws IOException {
        ModelSpec spec = new ModelSpec("resnet50", null, 3, 32, 32, 8, "avg", false, false, null);
        try (EmbeddingModel r = EmbeddingModel.create(spec, 0); NDManager m = NDManager.newBaseManager()) {
            assertEquals(2048, r.featureSize());
            assertEquals(new Shape(2, 8), r.forward(images(m, 2, 3, 32, 32), false).getShape());
        }
    }

    static Path fixture() {
        try {
            return Path.of(EmbeddingModelTest.class.getResource("/torchscript/tiny_trunk.pt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void torchScriptTrunkLoadsTrainsAndSaves() throws IOException {
        ModelSpec spec = new ModelSpec("torchscript", fixture().toString(), 1, 8, 8, 3, "avg", false, false, null);
        Path file = tmp.resolve("ts.dml4j");
        try (EmbeddingModel t = EmbeddingModel.create(spec, 0); NDManager m = t.manager().newSubManager()) {
            assertEquals(4, t.featureSize());
            assertFalse(t.trunkParameters().isEmpty(), "TorchScript parameters are trainable");
            NDArray x = images(m, 4, 1, 8, 8);
            assertEquals(new Shape(4, 3), t.forward(x, false).getShape());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Ops.backward(gc, t.forward(x, true).square().sum());
            }
            EmbeddingModel.NamedParameter p = t.trunkParameters().get(0);
            try (NDArray g = p.array().getGradient()) {
                assertTrue(g.abs().sum().getFloat() > 0, "gradient reaches the TorchScript weights");
            }
            float[] before = t.forward(x, false).toFloatArray();
            t.save(file);
            try (EmbeddingModel loaded = EmbeddingModel.load(file)) {
                assertArrayEquals(before, loaded.forward(x, false).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void savedTorchScriptModelLoadsWithoutItsPtFile() throws IOException {
        Path pt = tmp.resolve("copy.pt");
        java.nio.file.Files.copy(fixture(), pt);
        ModelSpec spec = new ModelSpec("torchscript", pt.toString(), 1, 8, 8, 3, "avg", false, false, null);
        Path file = tmp.resolve("ts.dml4j");
        float[] before;
        try (EmbeddingModel t = EmbeddingModel.create(spec, 0); NDManager m = t.manager().newSubManager()) {
            before = t.forward(images(m, 4, 1, 8, 8), false).toFloatArray();
            t.save(file);
        }
        java.nio.file.Files.delete(pt);
        try (EmbeddingModel loaded = EmbeddingModel.load(file); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(before, loaded.forward(images(m, 4, 1, 8, 8), false).toFloatArray(), 1e-6f);
            Path again = tmp.resolve("again.dml4j");
            loaded.save(again); // a loaded model saves its trunk again
            try (EmbeddingModel twice = EmbeddingModel.load(again)) {
                assertArrayEquals(before, twice.forward(images(m, 4, 1, 8, 8), false).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void badInputGivesClearErrors() throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.smallCnn(1, 28, 28, 0)).getMessage()
                .contains("embedding size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelSpec("vgg", null, 1, 8, 8, 2, "avg",
                false, false, null)).getMessage().contains("small-cnn, resnet18"));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("small-cnn", null, 1, 8, 8, 2, "median",
                false, false, null));
        ModelSpec missing = new ModelSpec("torchscript", tmp.resolve("nope.pt").toString(), 1, 8, 8, 2, "avg", false,
                false, null);
        assertTrue(assertThrows(IOException.class, () -> EmbeddingModel.create(missing, 0)).getMessage()
                .contains("not found"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EmbeddingModel.create(new ModelSpec("resnet18",
                null, 1, 28, 28, 8, "avg", false, false, null), 0)).getMessage().contains("at least 32x32"));
        java.nio.file.Files.writeString(tmp.resolve("junk.dml4j"), "junk");
        assertThrows(IOException.class, () -> EmbeddingModel.load(tmp.resolve("junk.dml4j")));
        try (EmbeddingModel g = EmbeddingModel.create(ModelSpec.smallCnn(1, 8, 8, 2), 0);
             NDManager m = NDManager.newBaseManager()) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.forward(images(m, 2, 3, 8, 8), false))
                    .getMessage().contains("[B, 1, 8, 8]"));
        }
    }
}
