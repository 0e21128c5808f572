package dev.dml4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomSamplerTest {

    @Test
    void anEpochIsAPermutationCutIntoBatches() {
        RandomSampler s = new RandomSampler(10, 4, false, 5L);
        List<int[]> b = s.epochBatches(0);
        assertEquals(List.of(4, 4, 2), b.stream().map(x -> x.length).toList());
        int[] all = b.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        assertEquals(2, new RandomSampler(10, 4, true, 5L).epochBatches(0).size());
    }

    @Test
    void deterministicPerSeedAndEpoch() {
        RandomSampler s = new RandomSampler(50, 50, false, 5L);
        assertArrayEquals(s.epochBatches(2).get(0), new RandomSampler(50, 50, false, 5L).epochBatches(2).get(0));
        assertFalse(Arrays.equals(s.epochBatches(2).get(0), s.epochBatches(3).get(0)));
    }

    @Test
    void inOrderCoversEveryItemOnceInOrder() {
        List<int[]> b = BatchSampler.inOrder(7, 3);
        assertArrayEquals(new int[] {0, 1, 2}, b.get(0));
        assertArrayEquals(new int[] {6}, b.get(2));
        assertEquals(0, BatchSampler.inOrder(0, 3).size());
    }

    @Test
    void badParameters() {
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(0, 4, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(3, 0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(3, 4, true, 0));
    }
}
