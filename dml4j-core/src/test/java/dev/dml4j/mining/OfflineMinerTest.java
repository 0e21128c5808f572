package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.testing.GradCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * OfflineMiner against a brute-force semi-hard definition on a small data set: for every anchor-positive pair
 * (a, p), the semi-hard negatives are S(a, p) = {n : label(n) ≠ label(a), d(a,p) &lt; d(a,n) ≤ d(a,p) + margin}
 * (for similarities: s(a,n) &lt; s(a,p) and s(a,p) − s(a,n) ≤ margin). Each pair with a non-empty S yields exactly one
 * triplet whose negative lies in S (the closest one for HARDEST_SEMIHARD, a uniform one for RANDOM_SEMIHARD); pairs
 * with an empty S yield none.
 */
class OfflineMinerTest {
    static final int D = 3;
    static final double MARGIN = 0.3;
    static final long[] LABELS = IntStream.range(0, 24).mapToLong(i -> i % 4).toArray();

    static double[][] data() {
        return GradCheck.gaussian(LABELS.length, D, 51);
    }

    /** d(i, j) for the distance: normalised Euclidean, or cosine similarity. */
    static double[][] matrix(double[][] x, boolean cosine) {
        int n = x.length;
        double[][] u = new double[n][];
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(java.util.Arrays.stream(x[i]).map(t -> t * t).sum());
            u[i] = java.util.Arrays.stream(x[i]).map(t -> t / norm).toArray();
        }
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < D; k++) {
                    s += cosine ? u[i][k] * u[j][k] : (u[i][k] - u[j][k]) * (u[i][k] - u[j][k]);
                }
                d[i][j] = cosine ? s : Math.sqrt(s);
            }
        }
        return d;
    }

    /** S(a, p) for every anchor-positive pair "a,p" (ordered as the semi-hard negatives' hardness, hardest first). */
    static Map<String, List<Integer>> semiHard(double[][] d, boolean similarity) {
        Map<String, List<Integer>> out = new HashMap<>();
        int n = d.length;
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) {
                if (p == a || LABELS[p] != LABELS[a]) {
                    continue;
                }
                List<Integer> s = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    double gap = similarity ? d[a][p] - d[a][k] : d[a][k] - d[a][p];
                    if (LABELS[k] != LABELS[a] && gap > 0 && gap <= MARGIN) {
                        s.add(k);
                    }
                }
                final int fa = a;
                final int fp = p;
                s.sort((i, j) -> Double.compare(similarity ? d[fa][fp] - d[fa][i] : d[fa][i] - d[fa][fp],
                        similarity ? d[fa][fp] - d[fa][j] : d[fa][j] - d[fa][fp]));
                out.put(a + "," + p, s);
            }
        }
        return out;
    }

    static List<long[]> rows(IndicesTuple.Triplets t) {
        long[] a = t.a().toType(DataType.INT64, false).toLongArray();
        long[] p = t.p().toType(DataType.INT64, false).toLongArray();
        long[] n = t.n().toType(DataType.INT64, false).toLongArray();
        List<long[]> out = new ArrayList<>();
        for (int k = 0; k < a.length; k++) {
            out.add(new long[] {a[k], p[k], n[k]});
        }
        return out;
    }

    static TreeSet<String> hardestExpected(Map<String, List<Integer>> s) {
        TreeSet<String> out = new TreeSet<>();
        s.forEach((ap, negs) -> {
            if (!negs.isEmpty()) {
                out.add(ap + "," + negs.get(0));
            }
        });
        return out;
    }

    static TreeSet<String> asSet(IndicesTuple.Triplets t) {
        TreeSet<String> out = new TreeSet<>();
        for (long[] r : rows(t)) {
            out.add(r[0] + "," + r[1] + "," + r[2]);
        }
        return out;
    }

    @Test
    void hardestSemiHardMatchesBruteForceForDistancesAndSimilarities() {
        double[][] x = data();
        for (boolean cosine : new boolean[] {false, true}) {
            Distance dist = cosine ? new CosineSimilarity() : new LpDistance();
            Map<String, List<Integer>> s = semiHard(matrix(x, cosine), cosine);
            TreeSet<String> expected = hardestExpected(s);
            long withNone = s.values().stream().filter(List::isEmpty).count();
            assertTrue(expected.size() > 20 && withNone > 0, "the data should give pairs with and without "
                    + "semi-hard negatives: " + expected.size() + " with, " + withNone + " without");
            try (NDManager m = NDManager.newBaseManager()) {
                // a tiny block size processes the anchors a few rows at a time: same result
                for (long block : new long[] {1L << 24, 50}) {
                    OfflineMiner miner = new OfflineMiner(MARGIN, OfflineMiner.Selection.HARDEST_SEMIHARD, dist, 0,
                            block);
                    try (IndicesTuple.Triplets t = miner.mine(m.create(x), m.create(LABELS))) {
                        assertEquals(expected, asSet(t), (cosine ? "cosine" : "euclidean") + ", block " + block);
                        assertEquals(expected.size(), t.count(), "each pair at most once");
                    }
                }
            }
        }
    }

    @Test
    void randomSemiHardGivesOneUniformSemiHardNegativePerPair() {
        double[][] x = data();
        Map<String, List<Integer>> s = semiHard(matrix(x, false), false);
        Map<String, Map<Integer, Integer>> counts = new HashMap<>();
        int runs = 40;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            OfflineMiner miner = new OfflineMiner(MARGIN, OfflineMiner.Selection.RANDOM_SEMIHARD, null, 3, 1L << 24);
            for (int r = 0; r < runs; r++) {
                try (IndicesTuple.Triplets t = miner.mine(emb, labels)) {
                    TreeSet<String> pairsSeen = new TreeSet<>();
                    for (long[] row : rows(t)) {
                        String ap = row[0] + "," + row[1];
                        assertTrue(pairsSeen.add(ap), "pair " + ap + " got two triplets");
                        List<Integer> allowed = s.get(ap);
                        assertTrue(allowed != null && allowed.contains((int) row[2]), "triplet " + ap + "," + row[2]
                                + " is not semi-hard");
                        counts.computeIfAbsent(ap, k -> new HashMap<>()).merge((int) row[2], 1, Integer::sum);
                    }
                    long expectedPairs = s.values().stream().filter(l -> !l.isEmpty()).count();
                    assertEquals(expectedPairs, pairsSeen.size(), "every pair with a semi-hard negative gets one");
                }
            }
        }
        double chi2 = 0;
        int df = 0;
        for (var e : s.entrySet()) {
            int k = e.getValue().size();
            if (k < 2) {
                continue;
            }
            double expected = (double) runs / k;
            Map<Integer, Integer> c = counts.getOrDefault(e.getKey(), Map.of());
            for (int neg : e.getValue()) {
                int o = c.getOrDefault(neg, 0);
                chi2 += (o - expected) * (o - expected) / expected;
            }
            df += k - 1;
        }
        assertTrue(df > 10, "too few pairs with several semi-hard negatives: " + df);
        double h = 2.0 / (9 * df);
        double bound = df * Math.pow(1 - h + 3.719 * Math.sqrt(h), 3); // upper 1e-4 tail (Wilson–Hilferty)
        assertTrue(chi2 < bound, "negatives are not uniform among the semi-hard ones: chi-square " + chi2 + ", df "
                + df + ", bound " + bound);
    }

    @Test
    void miningADataSetThroughTheNetworkEqualsMiningItsEmbeddings() {
        double[][] x = data();
        List<Integer> items = IntStream.range(0, x.length).boxed().toList();
        try (NDManager m = NDManager.newBaseManager()) {
            OfflineMiner miner = new OfflineMiner(MARGIN, OfflineMiner.Selection.HARDEST_SEMIHARD, null, 0, 1L << 24);
            // a "network" that looks the items up; batches of 7 leave a short last batch
            try (IndicesTuple.Triplets viaNet = miner.mine(items, LABELS, 7, batch -> {
                double[][] rows = batch.stream().map(i -> x[i]).toArray(double[][]::new);
                return m.create(rows);
            }, m); IndicesTuple.Triplets direct = miner.mine(m.create(x), m.create(LABELS))) {
                assertEquals(asSet(direct), asSet(viaNet));
            }
        }
    }

    @Test
    void tripletBatchesLayOutEveryTripletOnceAsAnchorPositiveNegative() {
        try (NDManager m = NDManager.newBaseManager()) {
            OfflineMiner miner = new OfflineMiner(MARGIN, OfflineMiner.Selection.HARDEST_SEMIHARD, null, 0, 1L << 24);
            try (IndicesTuple.Triplets t = miner.mine(m.create(data()), m.create(LABELS))) {
                TreeSet<String> expected = asSet(t);
                List<long[]> batches = OfflineMiner.tripletBatches(t, 5, new Random(1));
                List<String> seen = new ArrayList<>();
                for (int b = 0; b < batches.size(); b++) {
                    long[] items = batches.get(b);
                    assertEquals(0, items.length % 3);
                    assertTrue(items.length <= 15 && (b == batches.size() - 1 || items.length == 15));
                    // what EmbeddingsAlreadyPackagedAsTriplets then reads from the batch
                    for (int k = 0; k < items.length; k += 3) {
                        seen.add(items[k] + "," + items[k + 1] + "," + items[k + 2]);
                    }
                }
                assertEquals(expected.size(), seen.size());
                assertEquals(expected, new TreeSet<>(seen));
            }
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        try (NDManager m = NDManager.newBaseManager()) {
            OfflineMiner miner = new OfflineMiner();
            double[][] nan = data();
            nan[3][1] = Double.NaN;
            expect(() -> miner.mine(m.create(nan), m.create(LABELS)), "NaN");
            expect(() -> miner.mine(m.create(data()), m.create(new long[] {0, 1})), "labels");
            List<Integer> items = List.of(0, 1, 2);
            expect(() -> miner.mine(items, new long[] {0, 1}, 2, b -> m.create(new double[b.size()][D]), m), "labels");
            expect(() -> miner.mine(items, new long[] {0, 1, 0}, 2, b -> m.create(new double[1][D]), m), "embed");
            expect(() -> new OfflineMiner(0, OfflineMiner.Selection.RANDOM_SEMIHARD, null, 0, 10), "margin");
        }
    }

    static void expect(org.junit.jupiter.api.function.Executable call, String mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mustMention), "message should mention '" + mustMention + "': "
                + e.getMessage());
    }
}
