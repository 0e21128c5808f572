package dev.dml4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reads the copy shipped in data/fashion-mnist (located through -Ddml4j.root, which surefire sets). */
class FashionMnistTest {

    private static void check(IdxDataset ds, int n, String name) {
        assertEquals(n, ds.size());
        assertEquals(name, ds.name());
        assertEquals(28, ds.height());
        assertEquals(28, ds.width());
        int[] counts = new int[10];
        for (long l : ds.labels()) {
            assertTrue(l >= 0 && l <= 9, "label " + l);
            counts[(int) l]++;
        }
        for (int c : counts) {
            assertEquals(n / 10, c, "Fashion-MNIST is balanced: " + n / 10 + " items per class");
        }
    }

    @Test
    void builtInTrainAndTest() throws IOException {
        IdxDataset train = FashionMnist.builtIn(true);
        IdxDataset test = FashionMnist.builtIn(false);
        check(train, 60000, "fashion-mnist/train");
        check(test, 10000, "fashion-mnist/test");
        assertSame(train, FashionMnist.builtIn(true), "loaded once per JVM");
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = train.image(0, m);
            assertEquals(new Shape(1, 28, 28), x.getShape());
            assertTrue(x.max().getFloat() <= 1f && x.min().getFloat() >= 0f && x.max().getFloat() > 0.5f);
        }
    }

    @Test
    void missingRootPropertyIsExplained() {
        String old = System.getProperty(FashionMnist.ROOT_PROPERTY);
        try {
            System.clearProperty(FashionMnist.ROOT_PROPERTY);
            IOException e = assertThrows(IOException.class, FashionMnist::directory);
            assertTrue(e.getMessage().contains("dml4j.root"), e.getMessage());
            System.setProperty(FashionMnist.ROOT_PROPERTY, "/nonexistent/place");
            e = assertThrows(IOException.class, FashionMnist::directory);
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        } finally {
            if (old != null) {
                System.setProperty(FashionMnist.ROOT_PROPERTY, old);
            }
        }
    }
}
