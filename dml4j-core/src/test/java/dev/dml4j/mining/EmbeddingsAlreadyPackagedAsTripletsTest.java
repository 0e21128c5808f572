package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** EmbeddingsAlreadyPackagedAsTriplets: rows (3i, 3i+1, 3i+2) are triplet i, whatever the labels say. */
class EmbeddingsAlreadyPackagedAsTripletsTest {

    @Test
    void consecutiveRowsAreTriplets() {
        try (NDManager m = NDManager.newBaseManager();
             IndicesTuple t = new EmbeddingsAlreadyPackagedAsTriplets().mine(m.create(GradCheck.gaussian(12, 3, 1)),
                     m.create(new long[] {5, 5, 1, 2, 2, 7, 0, 0, 0, 3, 3, 4}))) {
            IndicesTuple.Triplets tr = (IndicesTuple.Triplets) t;
            assertEquals(DataType.INT64, tr.a().getDataType());
            assertArrayEquals(new long[] {0, 3, 6, 9}, tr.a().toLongArray());
            assertArrayEquals(new long[] {1, 4, 7, 10}, tr.p().toLongArray());
            assertArrayEquals(new long[] {2, 5, 8, 11}, tr.n().toLongArray());
        }
    }

    @Test
    void aBatchThatIsNotAMultipleOfThreeIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new EmbeddingsAlreadyPackagedAsTriplets().mine(m.create(GradCheck.gaussian(10, 3, 1)),
                            m.create(new long[10])));
            assertTrue(e.getMessage().contains("multiple of 3"), e.getMessage());
        }
    }
}
