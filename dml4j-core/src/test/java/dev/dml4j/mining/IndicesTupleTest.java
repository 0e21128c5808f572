package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * Tuples of a batch on a hand-checked example, and conversions between pairs and triplets. Batch: labels
 * [0, 1, 0, 1, 1] (class 0 = {0, 2}, class 1 = {1, 3, 4}).
 */
class IndicesTupleTest {
    static final long[] LABELS = {0, 1, 0, 1, 1};

    @Test
    void allPairsOfTheBatch() {
        try (NDManager m = NDManager.newBaseManager();
             IndicesTuple.Pairs p = Tuples.allPairs(m.create(LABELS), null)) {
            // positives: same label, not the item itself, row-major
            assertArrayEquals(new long[] {0, 1, 1, 2, 3, 3, 4, 4}, p.a1().toLongArray());
            assertArrayEquals(new long[] {2, 3, 4, 0, 1, 4, 1, 3}, p.p().toLongArray());
            // negatives: different labels, row-major
            assertArrayEquals(new long[] {0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4}, p.a2().toLongArray());
            assertArrayEquals(new long[] {1, 3, 4, 0, 2, 1, 3, 4, 0, 2, 0, 2}, p.n().toLongArray());
            assertEquals(8, p.numPos());
            assertEquals(12, p.numNeg());
            assertEquals(20, p.size());
        }
    }

    @Test
    void allTripletsOfTheBatch() {
        try (NDManager m = NDManager.newBaseManager();
             IndicesTuple.Triplets t = Tuples.allTriplets(m.create(LABELS), null)) {
            // Σ over anchors of #positives × #negatives = 1·3 + 2·2 + 1·3 + 2·2 + 2·2 = 18, row-major in (a, p, n)
            assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4}, t.a().toLongArray());
            assertArrayEquals(new long[] {2, 2, 2, 3, 3, 4, 4, 0, 0, 0, 1, 1, 4, 4, 1, 1, 3, 3}, t.p().toLongArray());
            assertArrayEquals(new long[] {1, 3, 4, 0, 2, 0, 2, 1, 3, 4, 0, 2, 0, 2, 0, 2, 0, 2}, t.n().toLongArray());
            assertEquals(18, t.count());
            assertEquals(18, t.size());
        }
    }

    @Test
    void pairsAgainstAReferenceSetKeepTheDiagonal() {
        try (NDManager m = NDManager.newBaseManager();
             IndicesTuple.Pairs p = Tuples.allPairs(m.create(new long[] {0, 1}), m.create(new long[] {1, 0, 0}))) {
            assertArrayEquals(new long[] {0, 0, 1}, p.a1().toLongArray());
            assertArrayEquals(new long[] {1, 2, 0}, p.p().toLongArray());
            assertArrayEquals(new long[] {0, 1, 1}, p.a2().toLongArray());
            assertArrayEquals(new long[] {0, 1, 2}, p.n().toLongArray());
        }
    }

    @Test
    void allPairsJoinedOnAnchorsAreAllTripletsInTheSameOrder() {
        try (NDManager m = NDManager.newBaseManager();
             IndicesTuple.Pairs p = Tuples.allPairs(m.create(LABELS), null);
             IndicesTuple.Triplets fromPairs = p.toTriplets();
             IndicesTuple.Triplets all = Tuples.allTriplets(m.create(LABELS), null)) {
            assertArrayEquals(all.a().toLongArray(), fromPairs.a().toLongArray());
            assertArrayEquals(all.p().toLongArray(), fromPairs.p().toLongArray());
            assertArrayEquals(all.n().toLongArray(), fromPairs.n().toLongArray());
        }
    }

    @Test
    void pairsToTripletsJoinsEveryPositiveWithEveryNegativeOfItsAnchor() {
        try (NDManager m = NDManager.newBaseManager()) {
            // positives (0,2), (1,3), (0,4); negatives (0,1), (2,3), (0,3)
            IndicesTuple.Pairs p = new IndicesTuple.Pairs(m.create(new long[] {0, 1, 0}), m.create(new long[] {2, 3, 4}),
                    m.create(new long[] {0, 2, 0}), m.create(new long[] {1, 3, 3}));
            IndicesTuple.Triplets t = p.toTriplets();
            // anchor 0: 2 positives × 2 negatives; anchor 1 has no negative pair; anchor 2 no positive pair
            assertArrayEquals(new long[] {0, 0, 0, 0}, t.a().toLongArray());
            assertArrayEquals(new long[] {2, 2, 4, 4}, t.p().toLongArray());
            assertArrayEquals(new long[] {1, 3, 1, 3}, t.n().toLongArray());
            assertEquals(p, p.toPairs(), "pairs convert to themselves");
        }
    }

    @Test
    void tripletsToPairsSplitEachTripletIntoItsPositiveAndNegativePair() {
        try (NDManager m = NDManager.newBaseManager()) {
            IndicesTuple.Triplets t = new IndicesTuple.Triplets(m.create(new long[] {0, 3, 3}),
                    m.create(new long[] {2, 1, 4}), m.create(new long[] {1, 0, 2}));
            IndicesTuple.Pairs p = t.toPairs();
            assertArrayEquals(new long[] {0, 3, 3}, p.a1().toLongArray());
            assertArrayEquals(new long[] {2, 1, 4}, p.p().toLongArray());
            assertArrayEquals(new long[] {0, 3, 3}, p.a2().toLongArray());
            assertArrayEquals(new long[] {1, 0, 2}, p.n().toLongArray());
            // and back: every positive of an anchor with every negative of that anchor
            IndicesTuple.Triplets back = p.toTriplets();
            assertArrayEquals(new long[] {0, 3, 3, 3, 3}, back.a().toLongArray());
            assertArrayEquals(new long[] {2, 1, 1, 4, 4}, back.p().toLongArray());
            assertArrayEquals(new long[] {1, 0, 2, 0, 2}, back.n().toLongArray());
            assertEquals(t, t.toTriplets(), "triplets convert to themselves");
        }
    }

    @Test
    void emptyAndMismatchedTuples() {
        try (NDManager m = NDManager.newBaseManager()) {
            try (IndicesTuple.Pairs p = Tuples.allPairs(m.create(new long[] {0, 1, 2}), null);
                 IndicesTuple.Triplets t = p.toTriplets()) {
                assertEquals(0, p.numPos());
                assertEquals(6, p.numNeg());
                assertEquals(0, t.count());
            }
            NDArray two = m.create(new long[] {0, 1});
            NDArray three = m.create(new long[] {0, 1, 2});
            assertThrows(IllegalArgumentException.class, () -> new IndicesTuple.Pairs(two, three, two, two));
            assertThrows(IllegalArgumentException.class, () -> new IndicesTuple.Pairs(two, two, three, two));
            assertThrows(IllegalArgumentException.class, () -> new IndicesTuple.Triplets(two, two, three));
        }
    }
}
