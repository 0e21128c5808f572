package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.testing.GradCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A saved queue restores the same memory: the next batch gives the same loss; wrong sizes are refused clearly. */
class CrossBatchMemoryStateTest {
    static final long[] LABELS = {0, 0, 1, 1, 2, 2, 3};

    private static byte[] save(CrossBatchMemory c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        c.writeState(new DataOutputStream(b));
        return b.toByteArray();
    }

    private static void load(CrossBatchMemory c, byte[] state) throws IOException {
        c.readState(new DataInputStream(new ByteArrayInputStream(state)));
    }

    @Test
    void restoredQueueGivesTheSameNextLoss() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             CrossBatchMemory a = new CrossBatchMemory(new ContrastiveLoss(), 4, 10, null);
             CrossBatchMemory b = new CrossBatchMemory(new ContrastiveLoss(), 4, 10, null)) {
            NDArray labels = m.create(LABELS);
            for (int step = 0; step < 2; step++) { // 14 rows into 10 slots: the queue wraps
                try (NDArray l = a.forward(m.create(GradCheck.gaussian(LABELS.length, 4, step)), labels)) {
                    assertTrue(Double.isFinite(l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble()));
                }
            }
            load(b, save(a));
            assertEquals(a.filled(), b.filled());
            NDArray next = m.create(GradCheck.gaussian(LABELS.length, 4, 7));
            try (NDArray la = a.forward(next, labels); NDArray lb = b.forward(next, labels)) {
                assertEquals(la.getDouble(), lb.getDouble(), 0);
            }
            load(b, save(new CrossBatchMemory(new ContrastiveLoss(), 4, 10, null))); // an empty queue
            assertEquals(0, b.filled());
        }
    }

    @Test
    void otherSizesAreRefusedWithTheReason() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             CrossBatchMemory a = new CrossBatchMemory(new ContrastiveLoss(), 4, 10, null);
             CrossBatchMemory other = new CrossBatchMemory(new ContrastiveLoss(), 4, 12, null)) {
            a.forward(m.create(GradCheck.gaussian(LABELS.length, 4, 1)), m.create(LABELS)).close();
            byte[] state = save(a);
            IOException e = assertThrows(IOException.class, () -> load(other, state));
            assertTrue(e.getMessage().contains("memory_size"), e.getMessage());
            byte[] truncated = java.util.Arrays.copyOf(state, state.length - 9);
            assertThrows(IOException.class, () -> load(a, truncated));
        }
    }
}
