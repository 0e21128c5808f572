package dev.dml4j.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int n, int rows, int cols) {
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 37 + 11);
        }
        return px;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void roundTripGzipAndRaw(boolean gzip) throws IOException {
        byte[] px = pixels(3, 4, 5);
        long[] labels = {7, 0, 255};
        Path img = dir.resolve("x-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        Path lab = dir.resolve("x-labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        IdxDataset.write(img, lab, px, labels, 4, 5, gzip);
        IdxDataset ds = IdxDataset.read(img, lab);
        assertEquals("x", ds.name());
        assertEquals(3, ds.size());
        assertEquals(1, ds.channels());
        assertArrayEquals(labels, ds.labels());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = ds.image(2, m);
            assertEquals(new Shape(1, 4, 5), x.getShape());
            float[] f = x.toFloatArray();
            for (int k = 0; k < 20; k++) {
                assertEquals((px[40 + k] & 0xff) / 255f, f[k], 0f);
            }
        }
    }

    @Test
    void gzipIsDetectedFromContentNotName() throws IOException {
        Path img = dir.resolve("a.idx3");
        Path lab = dir.resolve("a.idx1");
        IdxDataset.write(img, lab, pixels(2, 2, 2), new long[] {1, 2}, 2, 2, true);
        assertArrayEquals(new long[] {1, 2}, IdxDataset.read(img, lab).labels());
    }

    private IOException corrupt(byte[] imageBytes, byte[] labelBytes) throws IOException {
        Path img = dir.resolve("c-images");
        Path lab = dir.resolve("c-labels");
        Files.write(img, imageBytes);
        Files.write(lab, labelBytes);
        return assertThrows(IOException.class, () -> IdxDataset.read(img, lab));
    }

    private byte[][] good() throws IOException {
        Path img = dir.resolve("g-images");
        Path lab = dir.resolve("g-labels");
        IdxDataset.write(img, lab, pixels(2, 3, 3), new long[] {1, 2}, 3, 3, false);
        return new byte[][] {Files.readAllBytes(img), Files.readAllBytes(lab)};
    }

    @Test
    void corruptHeadersGiveClearIoExceptions() throws IOException {
        byte[][] g = good();
        byte[] badMagic = g[0].clone();
        badMagic[0] = 0x50;
        assertTrue(corrupt(badMagic, g[1]).getMessage().contains("not an IDX file"));
        byte[] badType = g[0].clone();
        badType[2] = 0x0D;
        assertTrue(corrupt(badType, g[1]).getMessage().contains("element type"));
        assertTrue(corrupt(g[1], g[0]).getMessage().contains("swapped"), "labels given as images");
        byte[] truncated = Arrays.copyOf(g[0], g[0].length - 1);
        assertTrue(corrupt(truncated, g[1]).getMessage().contains("truncated"));
        byte[] trailing = Arrays.copyOf(g[0], g[0].length + 1);
        assertTrue(corrupt(trailing, g[1]).getMessage().contains("trailing"));
        byte[] fewerLabels = g[1].clone();
        fewerLabels[7] = 1; // count 1 instead of 2
        assertTrue(corrupt(g[0], Arrays.copyOf(fewerLabels, fewerLabels.length - 1)).getMessage()
                .contains("do not belong together"));
        assertTrue(corrupt(new byte[] {0, 0}, g[1]).getMessage().contains("truncated"));
        IOException missing = assertThrows(IOException.class,
                () -> IdxDataset.read(dir.resolve("nope"), dir.resolve("nope2")));
        assertTrue(missing.getMessage().contains("does not exist"));
    }

    @Test
    void inMemoryFactoryChecksSizes() {
        assertThrows(IllegalArgumentException.class, () -> IdxDataset.of(new byte[5], new long[] {1}, 2, 2, "x"));
        assertThrows(IllegalArgumentException.class, () -> IdxDataset.of(new byte[4], new long[] {-1}, 2, 2, "x"));
        assertEquals(1, IdxDataset.of(new byte[4], new long[] {3}, 2, 2, "x").size());
    }
}
