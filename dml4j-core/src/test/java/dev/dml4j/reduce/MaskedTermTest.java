package dev.dml4j.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A masked term (dense values + mask + index grids) is the list of its masked entries: every reducer gives the same
 * value on both forms, and {@link LossTerm#listed()} yields the entries and indices in row-major order.
 */
class MaskedTermTest {
    static final int M = 5;
    static final int N = 7;

    /** Reducers with a masked path and reducers that list the term first, on the same random pair matrix. */
    static List<Reducer> reducers() {
        return List.of(new MeanReducer(), new SumReducer(), new AvgNonZeroReducer(),
                new ThresholdReducer(0.1, 0.8), new ThresholdReducer(null, 0.5), new DivisorReducer(),
                new PerAnchorReducer(), new ClassWeightedReducer(new double[] {1, 2, 3, 4, 5}), new DoNothingReducer());
    }

    @Test
    void everyReducerGivesTheSameValueOnTheMaskedAndTheListedForm() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            for (int trial = 0; trial < 5; trial++) {
                double[] values = new double[M * N];
                boolean[] keep = new boolean[M * N];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextDouble() * 2 - 0.5; // some ≤ 0, some above the threshold bounds
                    keep[i] = r.nextDouble() < (trial == 0 ? 0.0 : 0.4); // trial 0: nothing masked
                }
                NDArray dense = m.create(values, new Shape(M, N));
                NDArray mask = m.create(keep, new Shape(M, N));
                NDArray[] grids = {m.arange(0, M, 1, DataType.INT64).reshape(M, 1),
                        m.arange(0, N, 1, DataType.INT64).reshape(1, N)};
                LossTerm masked = LossTerm.masked(dense, mask, grids, ReductionType.NEG_PAIR).withDivisor(3);
                LossTerm listed = masked.listed();
                NDArray embeddings = m.zeros(new Shape(M, 2), DataType.FLOAT64);
                NDArray labels = m.arange(0, M, 1, DataType.INT64);
                for (Reducer red : reducers()) {
                    double[] a = red.reduce(masked, embeddings, labels).toDoubleArray();
                    double[] b = red.reduce(listed, embeddings, labels).toDoubleArray();
                    assertArrayEquals(b, a, 1e-12, red + " on trial " + trial);
                }
            }
        }
    }

    @Test
    void listedTermHoldsTheMaskedEntriesAndTheirIndicesInRowMajorOrder() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            // a 2 × 2 × 3 triplet block whose middle axis maps to positives through a grid, as AnchorPositives does
            NDArray dense = m.arange(0f, 12f).reshape(2, 2, 3);
            boolean[] keep = {false, true, false, true, false, false, false, false, true, true, true, false};
            NDArray mask = m.create(keep, new Shape(2, 2, 3));
            NDArray[] grids = {m.create(new long[] {0, 1}).reshape(2, 1, 1),
                    m.create(new long[] {4, 6, 5, 9}).reshape(2, 2, 1), m.create(new long[] {7, 8, 9}).reshape(1, 1, 3)};
            LossTerm listed = LossTerm.masked(dense, mask, grids, ReductionType.TRIPLET).listed();
            assertArrayEquals(new float[] {1, 3, 8, 9, 10}, listed.losses().toFloatArray());
            assertArrayEquals(new long[] {0, 0, 1, 1, 1}, listed.indices()[0].toLongArray());
            assertArrayEquals(new long[] {4, 6, 5, 9, 9}, listed.indices()[1].toLongArray());
            assertArrayEquals(new long[] {8, 7, 9, 7, 8}, listed.indices()[2].toLongArray());
            assertEquals(ReductionType.TRIPLET, listed.type());
        }
    }
}
