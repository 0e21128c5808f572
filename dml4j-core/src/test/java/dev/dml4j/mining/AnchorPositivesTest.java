package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link AnchorPositives} (the padded [M, P, N] triplet block) lists exactly the triplets of the brute-force
 * definition (same label, not the same row; different label), in the reference's row-major (a, p, n) order, for
 * unbalanced classes, singletons and a separate reference set.
 */
class AnchorPositivesTest {

    @Test
    void allTripletsMatchTheBruteForceListInOrder() {
        Random r = new Random(11);
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            for (int trial = 0; trial < 20; trial++) {
                long[] lab = randomLabels(r, 1 + r.nextInt(24), 1 + r.nextInt(6));
                boolean withRef = trial % 3 == 2;
                long[] ref = withRef ? randomLabels(r, 1 + r.nextInt(20), 1 + r.nextInt(6)) : lab;
                IndicesTuple.Triplets t = Tuples.allTriplets(m.create(lab), withRef ? m.create(ref) : null);
                List<long[]> expected = bruteForce(lab, ref, !withRef);
                assertEquals(expected.size(), t.count(), "number of triplets, trial " + trial);
                assertArrayEquals(column(expected, 0), t.a().toLongArray(), "anchors, trial " + trial);
                assertArrayEquals(column(expected, 1), t.p().toLongArray(), "positives, trial " + trial);
                assertArrayEquals(column(expected, 2), t.n().toLongArray(), "negatives, trial " + trial);
                try (AnchorPositives ap = AnchorPositives.of(m.create(lab), withRef ? m.create(ref) : null)) {
                    assertEquals(expected.size(), ap.numTriplets(), "numTriplets, trial " + trial);
                }
            }
        }
    }

    private static long[] randomLabels(Random r, int n, int classes) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(classes);
        }
        return l;
    }

    private static List<long[]> bruteForce(long[] lab, long[] ref, boolean self) {
        List<long[]> out = new ArrayList<>();
        for (int a = 0; a < lab.length; a++) {
            for (int p = 0; p < ref.length; p++) {
                if (ref[p] != lab[a] || (self && p == a)) {
                    continue;
                }
                for (int n = 0; n < ref.length; n++) {
                    if (ref[n] != lab[a]) {
                        out.add(new long[] {a, p, n});
                    }
                }
            }
        }
        return out;
    }

    private static long[] column(List<long[]> rows, int c) {
        long[] out = new long[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }
}
