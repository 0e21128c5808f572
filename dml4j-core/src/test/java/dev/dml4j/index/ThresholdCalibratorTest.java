package dev.dml4j.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.eval.KnnMetric;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdCalibratorTest {
    // genuine pairs (same label) are close, impostors far, with an overlap at 0.35 .. 0.6
    static final double[] GEN = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.35, 0.9};
    static final double[] IMP = {0.35, 0.45, 0.7, 0.8, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5};

    final ThresholdCalibrator cal = ThresholdCalibrator.fromScores(GEN, IMP);

    @Test
    void operatingPointCountsByHand() {
        OperatingPoint p = cal.at(0.45);
        // genuine ≤ 0.45: 0.1 0.2 0.3 0.35 0.4 → 5 of 8; impostor ≤ 0.45: 0.35 0.45 → 2 of 10
        assertEquals(5, p.genuineMatches());
        assertEquals(2, p.falseMatches());
        assertEquals(0.2, p.fmr(), 0);
        assertEquals(3.0 / 8, p.fnmr(), 0);
        assertEquals(5.0 / 7, p.precision(), 1e-15);
        assertEquals(5.0 / 8, p.tmr(), 0);
        assertEquals(Double.NaN, cal.at(0.0).precision(), "nothing matches: precision undefined");
    }

    @Test
    void thresholdAtFmrIsTheLargestWithinTheTarget() {
        // FMR 0: must stay below the smallest impostor 0.35 → genuine 0.1 0.2 0.3 match, FNMR 5/8
        OperatingPoint zero = cal.thresholdAtFmr(0);
        assertEquals(Math.nextDown(0.35), zero.threshold(), 0);
        assertEquals(0, zero.fmr(), 0);
        assertEquals(5.0 / 8, zero.fnmr(), 0);
        // FMR 0.1 allows 1 of 10: stay below the 2nd impostor 0.45 → genuine ≤ 0.4 (five), FNMR 3/8
        OperatingPoint one = cal.thresholdAtFmr(0.1);
        assertEquals(Math.nextDown(0.45), one.threshold(), 0);
        assertEquals(0.1, one.fmr(), 0);
        assertEquals(3.0 / 8, one.fnmr(), 0);
        // 0.15 still allows only 1; 0.3 allows 3 (below 0.8): genuine ≤ 0.7 → seven, FNMR 1/8
        assertEquals(one, cal.thresholdAtFmr(0.15));
        assertEquals(1.0 / 8, cal.fnmrAtFmr(0.3), 0);
        assertEquals(Math.nextDown(0.8), cal.thresholdAtFmr(0.3).threshold(), 0);
        // FMR 1: everything matches
        OperatingPoint all = cal.thresholdAtFmr(1);
        assertEquals(1, all.fmr(), 0);
        assertEquals(0, all.fnmr(), 0);
        // the target is never exceeded, on a grid of targets
        for (double f = 0; f <= 1; f += 0.01) {
            OperatingPoint p = cal.thresholdAtFmr(f);
            assertTrue(p.fmr() <= f + 1e-15, "target " + f + " got FMR " + p.fmr());
            // and no larger threshold with the same FMR bound exists: the next impostor would exceed it
            assertTrue(cal.at(Math.nextUp(p.threshold())).fmr() > f || p.fmr() == 1, "target " + f);
        }
    }

    @Test
    void fmrTargetsThatAreProductsInFloatingPointAreHandledExactly() {
        // 0.29 · 100 = 28.999999999999996 in double: 29 false matches of 100 are still allowed
        double[] imp = new double[100];
        for (int i = 0; i < imp.length; i++) {
            imp[i] = i + 1;
        }
        ThresholdCalibrator c = ThresholdCalibrator.fromScores(new double[] {0.5}, imp);
        assertEquals(29, c.thresholdAtFmr(0.29).falseMatches());
        assertEquals(Math.nextDown(30.0), c.thresholdAtFmr(0.29).threshold(), 0);
    }

    @Test
    void thresholdForPrecision() {
        // candidates ascending: at 0.3 precision 3/3; 0.35 → 4/5 (tie genuine+impostor); 0.4 → 5/6; 0.45 → 5/7;
        // 0.5 → 6/8; 0.6 → 7/9; 0.7 → 7/10
        OperatingPoint p80 = cal.thresholdForPrecision(0.8);
        assertEquals(0.4, p80.threshold(), 0);
        assertEquals(5.0 / 6, p80.precision(), 1e-15);
        OperatingPoint p75 = cal.thresholdForPrecision(0.75);
        assertEquals(0.6, p75.threshold(), 0);
        assertEquals(7.0 / 9, p75.precision(), 1e-15);
        assertEquals(0.3, cal.thresholdForPrecision(1.0).threshold(), 0);
        ThresholdCalibrator hopeless = ThresholdCalibrator.fromScores(new double[] {2}, new double[] {1});
        ExactIndexTest.assertMessage(() -> hopeless.thresholdForPrecision(0.9), "best is 0.5");
    }

    @Test
    void rocIsMonotoneAndSpansBothEnds() {
        List<OperatingPoint> roc = cal.roc();
        // 17 distinct distances (0.35 appears in both lists) + the "nothing matches" point
        assertEquals(18, roc.size());
        assertEquals(0, roc.get(0).fmr(), 0);
        assertEquals(1, roc.get(0).fnmr(), 0);
        assertEquals(1, roc.get(roc.size() - 1).fmr(), 0);
        assertEquals(0, roc.get(roc.size() - 1).fnmr(), 0);
        for (int i = 1; i < roc.size(); i++) {
            assertTrue(roc.get(i).fmr() >= roc.get(i - 1).fmr());
            assertTrue(roc.get(i).tmr() >= roc.get(i - 1).tmr());
            assertTrue(roc.get(i).threshold() > roc.get(i - 1).threshold());
        }
        List<OperatingPoint> thin = cal.roc(5);
        assertEquals(5, thin.size());
        assertEquals(roc.get(0), thin.get(0));
        // evenly spread: positions round(p · 17 / 4) = 0, 4, 9, 13, 17
        assertEquals(roc.get(4), thin.get(1));
        assertEquals(roc.get(9), thin.get(2));
        assertEquals(roc.get(17), thin.get(4));
    }

    @Test
    void fromPairsAndFromEmbeddingsAgreeWithHandCounts() {
        ThresholdCalibrator viaPairs = ThresholdCalibrator.fromPairs(new double[] {0.1, 0.35, 0.35, 0.9},
                new boolean[] {true, false, true, true});
        assertEquals(3, viaPairs.genuineCount());
        assertEquals(1, viaPairs.impostorCount());
        assertEquals(1, viaPairs.at(0.35).falseMatches());
        // points on a line: labels 0 0 1; pairs (0,1) genuine d=1, (0,2) impostor d=3, (1,2) impostor d=2
        float[][] x = {{0, 0}, {1, 0}, {3, 0}};
        ThresholdCalibrator e = ThresholdCalibrator.fromEmbeddings(x, new long[] {0, 0, 1}, KnnMetric.EUCLIDEAN);
        assertEquals(1, e.genuineCount());
        assertEquals(2, e.impostorCount());
        assertEquals(Math.nextDown(2.0), e.thresholdAtFmr(0.4).threshold(), 0);
        assertEquals(0, e.fnmrAtFmr(0.4), 0);
        String report = e.report(0.5, 1e-3);
        assertTrue(report.contains("genuine pairs 1, impostor pairs 2"), report);
        assertTrue(report.contains("not resolvable"), report);
    }

    @Test
    void badInput() {
        ExactIndexTest.assertMessage(() -> ThresholdCalibrator.fromScores(new double[0], IMP), "no genuine");
        ExactIndexTest.assertMessage(() -> ThresholdCalibrator.fromScores(GEN, new double[] {Double.NaN}), "NaN");
        ExactIndexTest.assertMessage(() -> ThresholdCalibrator.fromEmbeddings(new float[][] {{0}, {1}},
                new long[] {1, 1}, KnnMetric.EUCLIDEAN), "no impostor");
        ExactIndexTest.assertMessage(() -> ThresholdCalibrator.fromEmbeddings(new float[][] {{0}, {1, 2}},
                new long[] {1, 2}, KnnMetric.EUCLIDEAN), "embeddings[1] has 2 entries");
        ExactIndexTest.assertMessage(() -> cal.thresholdAtFmr(1.5), "targetFmr");
        ExactIndexTest.assertMessage(() -> cal.thresholdForPrecision(0), "targetPrecision");
        ExactIndexTest.assertMessage(() -> cal.roc(1), "maxPoints");
    }
}
