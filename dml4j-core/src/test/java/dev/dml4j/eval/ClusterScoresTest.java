package dev.dml4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** NMI and AMI on contingency tables worked out by hand, their invariances, and the exact log-factorial. */
class ClusterScoresTest {
    private static final double EPS = 1e-12;

    @Test
    void handComputedTwoByThree() {
        // contingency [[2, 1, 0], [0, 1, 2]]: a = (3, 3), b = (2, 2, 2), N = 6
        long[] labels = {0, 0, 0, 1, 1, 1};
        long[] clusters = {0, 0, 1, 1, 2, 2};
        double ln2 = Math.log(2);
        // MI: two cells (2/6)·ln((2/6)/((3/6)(2/6))) = (1/3) ln 2 each; the two cells of 1 give ln 1 = 0
        double mi = 2.0 / 3 * ln2;
        double meanH = (Math.log(2) + Math.log(3)) / 2;
        assertEquals(mi / meanH, ClusterScores.nmi(labels, clusters), EPS);
        // E[MI]: each of the 6 cells has nij ∈ {1, 2} with P(2) = C(2,2)C(4,1)/C(6,3) = 0.2 and only nij = 2
        // contributes (2/6) ln(6·2/(3·2)) = (1/3) ln 2, so E[MI] = 6 · 0.2 · (1/3) ln 2 = 0.4 ln 2
        double emi = 0.4 * ln2;
        assertEquals(emi, ClusterScores.expectedMutualInfo(new int[] {3, 3}, new int[] {2, 2, 2}, 6), EPS);
        assertEquals((mi - emi) / (meanH - emi), ClusterScores.ami(labels, clusters), EPS);
    }

    @Test
    void handComputedTwoByTwoIndependent() {
        // [[1, 1], [1, 1]]: MI = 0, so NMI = 0; E[MI] with a = b = (2, 2), N = 4: nij ∈ {0, 1, 2},
        // P(1) = C(2,1)C(2,1)/C(4,2) = 4/6 (term 0: ln(4·1/4) = 0), P(2) = 1/6 (term (2/4) ln 2), so per cell
        // (1/6)(1/2) ln 2 and E[MI] = 4/12 ln 2; AMI = (0 − E) / (ln 2 − E)
        long[] labels = {0, 0, 1, 1};
        long[] clusters = {0, 1, 0, 1};
        assertEquals(0.0, ClusterScores.nmi(labels, clusters), EPS);
        double emi = Math.log(2) / 3;
        assertEquals((0 - emi) / (Math.log(2) - emi), ClusterScores.ami(labels, clusters), EPS);
    }

    @Test
    void perfectAndTrivialMatches() {
        long[] a = {3, 3, 9, 9, 1};
        long[] renamed = {0, 0, 5, 5, 7};
        assertEquals(1.0, ClusterScores.nmi(a, renamed), EPS);
        assertEquals(1.0, ClusterScores.ami(a, renamed), EPS);
        long[] one = {4, 4, 4, 4};
        assertEquals(1.0, ClusterScores.nmi(one, new long[] {1, 1, 1, 1}));
        assertEquals(1.0, ClusterScores.ami(one, new long[] {1, 1, 1, 1}));
        // one class against singletons: no information
        assertEquals(0.0, ClusterScores.nmi(one, new long[] {0, 1, 2, 3}), EPS);
        assertEquals(0.0, ClusterScores.ami(one, new long[] {0, 1, 2, 3}), EPS);
        assertEquals(1.0, ClusterScores.nmi(new long[0], new long[0]));
    }

    @Test
    void symmetricAndPermutationInvariant() {
        Random rnd = new Random(11);
        long[] u = new long[200];
        long[] v = new long[200];
        for (int i = 0; i < u.length; i++) {
            u[i] = rnd.nextInt(6);
            v[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(8) : u[i];
        }
        assertEquals(ClusterScores.nmi(u, v), ClusterScores.nmi(v, u), EPS);
        assertEquals(ClusterScores.ami(u, v), ClusterScores.ami(v, u), EPS);
        long[] shifted = v.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = 1000 - 3 * shifted[i];
        }
        assertEquals(ClusterScores.ami(u, v), ClusterScores.ami(u, shifted), EPS);
    }

    @Test
    void logFactorialMatchesProducts() {
        double f = 1;
        for (int n = 0; n <= 170; n++) {
            if (n > 0) {
                f *= n;
            }
            assertEquals(Math.log(f), LogFactorial.of(n), 1e-13 * Math.max(1, Math.log(f)), "ln " + n + "!");
        }
        // ln(n!) − ln((n−1)!) = ln n far beyond the product range, to a few ulps of ln(n!)
        for (int n : new int[] {1000, 60_000, 1_000_000}) {
            assertEquals(Math.log(n), LogFactorial.of(n) - LogFactorial.of(n - 1), 4 * Math.ulp(LogFactorial.of(n)));
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> ClusterScores.nmi(new long[] {1, 2}, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ClusterScores.ami(null, new long[] {1}));
    }
}
