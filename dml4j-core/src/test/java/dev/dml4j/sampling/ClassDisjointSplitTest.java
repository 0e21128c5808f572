package dev.dml4j.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClassDisjointSplitTest {

    private static long[] labels(int classes, int perClass) {
        long[] l = new long[classes * perClass];
        for (int i = 0; i < l.length; i++) {
            l[i] = (i * 13L) % classes + 100; // non-zero-based, interleaved
        }
        return l;
    }

    @Test
    void firstHalfTrainsOnTheLowerHalfOfTheClasses() {
        long[] l = labels(10, 7);
        ClassDisjointSplit s = ClassDisjointSplit.firstHalf(l);
        assertEquals(new TreeSet<>(List.of(100L, 101L, 102L, 103L, 104L)), s.trainClasses());
        assertEquals(new TreeSet<>(List.of(105L, 106L, 107L, 108L, 109L)), s.testClasses());
        assertEquals(35, s.trainIndices().length);
        assertEquals(35, s.testIndices().length);
        for (int i : s.trainIndices()) {
            assertTrue(l[i] <= 104);
        }
        for (int i : s.testIndices()) {
            assertTrue(l[i] >= 105);
        }
        int[] all = IntStream.concat(Arrays.stream(s.trainIndices()), Arrays.stream(s.testIndices())).sorted()
                .toArray();
        assertTrue(Arrays.equals(IntStream.range(0, l.length).toArray(), all), "every item in exactly one part");
    }

    @Test
    void oddClassCountGivesTrainingTheExtraClass() {
        ClassDisjointSplit s = ClassDisjointSplit.firstHalf(new long[] {0, 1, 2, 2, 1, 0, 0});
        assertEquals(Set.of(0L, 1L), s.trainClasses());
        assertEquals(Set.of(2L), s.testClasses());
    }

    @Test
    void explicitTrainClasses() {
        long[] l = labels(6, 3);
        ClassDisjointSplit s = ClassDisjointSplit.withTrainClasses(l, Set.of(101L, 103L, 105L));
        assertEquals(Set.of(100L, 102L, 104L), s.testClasses());
        for (int i : s.testIndices()) {
            assertTrue(l[i] % 2 == 0);
        }
        assertThrows(IllegalArgumentException.class, () -> ClassDisjointSplit.withTrainClasses(l, Set.of(7L)));
        Set<Long> all = new HashSet<>();
        Arrays.stream(l).forEach(all::add);
        assertThrows(IllegalArgumentException.class, () -> ClassDisjointSplit.withTrainClasses(l, all));
        assertThrows(IllegalArgumentException.class, () -> ClassDisjointSplit.firstHalf(new long[] {4, 4}));
    }

    @Test
    void kFoldPutsEveryClassInExactlyOneValidationFold() {
        long[] l = labels(10, 4);
        ClassDisjointKFold kf = new ClassDisjointKFold(l, 4, 7L);
        assertEquals(4, kf.k());
        SortedSet<Long> seen = new TreeSet<>();
        int valItems = 0;
        for (ClassDisjointKFold.Fold f : kf.folds()) {
            int n = f.valClasses().size();
            assertTrue(n == 2 || n == 3, "near-equal folds, got " + n);
            for (Long c : f.valClasses()) {
                assertTrue(seen.add(c), "class " + c + " validated twice");
            }
            Set<Long> trainClasses = new HashSet<>();
            for (int i : f.trainIndices()) {
                trainClasses.add(l[i]);
            }
            for (int i : f.valIndices()) {
                assertTrue(f.valClasses().contains(l[i]));
                assertTrue(!trainClasses.contains(l[i]), "fold must be class-disjoint");
            }
            assertEquals(l.length, f.trainIndices().length + f.valIndices().length);
            valItems += f.valIndices().length;
        }
        assertEquals(10, seen.size());
        assertEquals(l.length, valItems);
    }

    @Test
    void kFoldDependsOnTheSeedOnly() {
        long[] l = labels(12, 2);
        assertEquals(new ClassDisjointKFold(l, 3, 1L).fold(0).valClasses(),
                new ClassDisjointKFold(l, 3, 1L).fold(0).valClasses());
        boolean anyDiffers = false;
        for (long seed = 2; seed < 6; seed++) {
            anyDiffers |= !new ClassDisjointKFold(l, 3, seed).fold(0).valClasses()
                    .equals(new ClassDisjointKFold(l, 3, 1L).fold(0).valClasses());
        }
        assertTrue(anyDiffers);
    }

    @Test
    void contiguousFoldsCutTheSortedClassList() {
        long[] l = labels(10, 2); // classes 100..109
        ClassDisjointKFold kf = ClassDisjointKFold.contiguous(l, 4);
        assertEquals(Set.of(100L, 101L), kf.fold(0).valClasses());
        assertEquals(Set.of(102L, 103L, 104L), kf.fold(1).valClasses());
        assertEquals(Set.of(105L, 106L), kf.fold(2).valClasses());
        assertEquals(Set.of(107L, 108L, 109L), kf.fold(3).valClasses());
    }

    @Test
    void kFoldBadParameters() {
        long[] l = labels(3, 2);
        assertThrows(IllegalArgumentException.class, () -> new ClassDisjointKFold(l, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassDisjointKFold(l, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassDisjointKFold(l, 3, 0).fold(3));
    }
}
