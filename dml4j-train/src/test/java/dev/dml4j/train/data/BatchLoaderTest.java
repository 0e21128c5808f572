package dev.dml4j.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.sampling.BatchSampler;
import dev.dml4j.sampling.MPerClassSampler;
import dev.dml4j.train.transform.Compose;
import dev.dml4j.train.transform.HorizontalFlip;
import dev.dml4j.train.transform.Normalize;
import dev.dml4j.train.transform.RandomResizedCrop;
import dev.dml4j.train.transform.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    /** 12 grey 3×4 images; image i has pixel value (i + k) / 255 at flat position k; label i % 3. */
    static IdxDataset tiny() {
        byte[] px = new byte[12 * 12];
        long[] labels = new long[12];
        for (int i = 0; i < 12; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 12; k++) {
                px[i * 12 + k] = (byte) (i * 10 + k);
            }
        }
        return IdxDataset.of(px, labels, 3, 4, "tiny");
    }

    @Test
    void loadStacksImagesAndLabelsInOrder() {
        IdxDataset ds = tiny();
        try (NDManager m = NDManager.newBaseManager(); Batch b = BatchLoader.load(ds, new int[] {5, 1, 5}, null,
                new Random(0), m)) {
            assertEquals(new Shape(3, 1, 3, 4), b.images().getShape());
            assertEquals(DataType.FLOAT32, b.images().getDataType());
            assertEquals(DataType.INT64, b.labels().getDataType());
            assertArrayEquals(new long[] {2, 1, 2}, b.labels().toLongArray());
            assertEquals(3, b.size());
            float[] f = b.images().toFloatArray();
            assertEquals((1 * 10 + 7) / 255f, f[12 + 7], 0f);
            assertEquals(f[3], f[24 + 3], 0f);
        }
    }

    @Test
    void loadLeavesNothingBehindButTheBatch() {
        IdxDataset ds = tiny();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int rep = 0; rep < 3; rep++) {
                try (Batch b = BatchLoader.load(ds, new int[] {0, 1, 2, 3}, new HorizontalFlip(0.5), new Random(rep),
                        m)) {
                    assertEquals(4, b.size());
                }
            }
            // only the per-batch scratch managers may remain registered, and they are closed
            assertTrue(m.getManagedArrays().isEmpty(), "arrays left: " + m.getManagedArrays().size());
        }
    }

    @Test
    void streamWithAndWithoutPrefetchGivesTheSameBatches() {
        IdxDataset ds = tiny();
        List<int[]> batches = new MPerClassSampler(ds.labels(), 2, 6, 30, 4L).epochBatches(0);
        try (NDManager m = NDManager.newBaseManager()) {
            List<float[]> sync = collect(ds, batches, m, 0);
            List<float[]> ahead = collect(ds, batches, m, 2);
            assertEquals(5, sync.size());
            for (int k = 0; k < sync.size(); k++) {
                assertArrayEquals(sync.get(k), ahead.get(k));
            }
        }
    }

    private static List<float[]> collect(IdxDataset ds, List<int[]> batches, NDManager m, int prefetch) {
        List<float[]> out = new ArrayList<>();
        try (BatchLoader.Stream s = BatchLoader.stream(ds, batches, new HorizontalFlip(), 11L, m, prefetch)) {
            while (s.hasNext()) {
                try (Batch b = s.next()) {
                    out.add(b.images().toFloatArray());
                }
            }
        }
        return out;
    }

    @Test
    void engineAndHostPathsGiveTheSameBatch() {
        IdxDataset ds = tiny();
        Transform t = Compose.of(new RandomResizedCrop(2, 3, 0.3, 1, 0.5, 2), new HorizontalFlip(),
                new Normalize(new float[] {0.1f}, new float[] {0.7f}));
        Transform engineOnly = (x, rng) -> t.apply(x, rng);
        int[] idx = {0, 3, 5, 7, 11, 3};
        try (NDManager m = NDManager.newBaseManager();
             Batch a = BatchLoader.load(ds, idx, t, new Random(3), m);
             Batch b = BatchLoader.load(ds, idx, engineOnly, new Random(3), m)) {
            assertEquals(new Shape(6, 1, 2, 3), a.images().getShape());
            assertArrayEquals(a.images().toFloatArray(), b.images().toFloatArray(), 1e-6f);
            assertArrayEquals(a.labels().toLongArray(), b.labels().toLongArray());
        }
    }

    @Test
    void errorsInThePrefetchThreadReachTheCaller() {
        IdxDataset ds = tiny();
        List<int[]> batches = List.of(new int[] {0}, new int[] {99});
        try (NDManager m = NDManager.newBaseManager();
             BatchLoader.Stream s = BatchLoader.stream(ds, batches, null, 0L, m, 1)) {
            s.next().close();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::next);
            assertTrue(e.getMessage().contains("outside"), e.getMessage());
            assertFalse(s.hasNext());
        }
    }

    @Test
    void closingEarlyStopsTheWorker() {
        IdxDataset ds = tiny();
        try (NDManager m = NDManager.newBaseManager()) {
            BatchLoader.Stream s = BatchLoader.stream(ds, BatchSampler.inOrder(12, 1), null, 0L, m, 1);
            s.next().close();
            s.close();
            assertFalse(s.hasNext());
        }
    }

    @Test
    void mixedSizesAreRejected() {
        IdxDataset ds = tiny();
        ImageDataset odd = new ImageDataset() {
            public int size() {
                return 2;
            }

            public long label(int i) {
                return 0;
            }

            public NDArray image(int i, NDManager m) {
                return m.zeros(new Shape(1, 2 + i, 2));
            }

            public int channels() {
                return 1;
            }

            public String name() {
                return "odd";
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BatchLoader.load(odd, new int[] {0, 1}, null, new Random(0), m));
            assertTrue(e.getMessage().contains("differ in size"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> BatchLoader.load(ds, new int[0], null, null, m));
        }
    }
}
