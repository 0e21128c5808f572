package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a match threshold from labelled validation pairs: genuine pairs (same label) and impostor pairs
 * (different labels) with their distances. A pair matches when its distance is ≤ the threshold, so
 * FMR(t) = #{impostor ≤ t} / #impostor and FNMR(t) = #{genuine &gt; t} / #genuine. All counts are exact (sorted
 * distances and binary search; no binning).
 *
 * <p>{@link #thresholdAtFmr} gives the largest threshold whose FMR does not exceed the target (so the lowest FNMR
 * at that FMR): just below the (⌊target·I⌋+1)-th smallest impostor distance. {@link #thresholdForPrecision} gives
 * the largest threshold whose precision reaches the target. {@link #fnmrAtFmr} and {@link #report} give the usual
 * "FNMR @ FMR" figures; {@link #roc} the ROC curve.
 */
public final class ThresholdCalibrator {
    /** Most pairs {@link #fromEmbeddings} builds (all pairs of about 10,000 embeddings). */
    public static final long MAX_PAIRS = 50_000_000L;

    private final double[] genuine;
    private final double[] impostor;

    private ThresholdCalibrator(double[] genuine, double[] impostor) {
        this.genuine = genuine;
        this.impostor = impostor;
        Arrays.sort(this.genuine);
        Arrays.sort(this.impostor);
    }

    /**
     * From the distances of genuine pairs and of impostor pairs (copied; neither may contain NaN).
     *
     * @throws IllegalArgumentException if either list is empty or holds NaN
     */
    public static ThresholdCalibrator fromScores(double[] genuineDistances, double[] impostorDistances) {
        check(genuineDistances, "genuineDistances", "same-label");
        check(impostorDistances, "impostorDistances", "different-label");
        return new ThresholdCalibrator(genuineDistances.clone(), impostorDistances.clone());
    }

    /** From pair distances with a flag per pair: true for genuine (same label), false for impostor. */
    public static ThresholdCalibrator fromPairs(double[] distances, boolean[] genuinePair) {
        if (distances == null || genuinePair == null || distances.length != genuinePair.length) {
            throw new IllegalArgumentException("distances and genuinePair must be non-null and of equal length, got "
                    + (distances == null ? "null" : distances.length) + " and "
                    + (genuinePair == null ? "null" : genuinePair.length));
        }
        int g = 0;
        for (boolean b : genuinePair) {
            g += b ? 1 : 0;
        }
        double[] gen = new double[g];
        double[] imp = new double[distances.length - g];
        int gi = 0;
        int ii = 0;
        for (int i = 0; i < distances.length; i++) {
            if (genuinePair[i]) {
                gen[gi++] = distances[i];
            } else {
                imp[ii++] = distances[i];
            }
        }
        check(gen, "genuine pairs", "same-label");
        check(imp, "impostor pairs", "different-label");
        return new ThresholdCalibrator(gen, imp);
    }

    /**
     * From every pair i &lt; j of labelled validation embeddings, with distances in the index convention of
     * {@code metric} (see {@link EmbeddingIndex}).
     *
     * @throws IllegalArgumentException on NaN, ragged rows, a label count mismatch, more than {@link #MAX_PAIRS}
     *     pairs, or labels that give no genuine or no impostor pair
     */
    public static ThresholdCalibrator fromEmbeddings(float[][] embeddings, long[] labels, KnnMetric metric) {
        if (embeddings == null || labels == null || embeddings.length != labels.length) {
            throw new IllegalArgumentException("need one label per embedding, got "
                    + (embeddings == null ? "null" : embeddings.length) + " embeddings and "
                    + (labels == null ? "null" : labels.length) + " labels");
        }
        int n = embeddings.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 validation embeddings, got " + n);
        }
        int dim = embeddings[0] == null ? 0 : embeddings[0].length;
        for (int i = 0; i < n; i++) {
            VectorStore.checkVector(embeddings[i], "embeddings[" + i + "]", dim, metric);
        }
        long pairs = (long) n * (n - 1) / 2;
        if (pairs > MAX_PAIRS) {
            throw new IllegalArgumentException(n + " embeddings give " + pairs + " pairs, more than " + MAX_PAIRS
                    + "; subsample the validation set (e.g. 10,000 embeddings) or pass pair distances to fromPairs");
        }
        long g = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                g += labels[i] == labels[j] ? 1 : 0;
            }
        }
        double[] gen = new double[(int) g];
        double[] imp = new double[(int) (pairs - g)];
        int gi = 0;
        int ii = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double d = Metrics.distance(metric, embeddings[i], embeddings[j]);
                if (labels[i] == labels[j]) {
                    gen[gi++] = d;
                } else {
                    imp[ii++] = d;
                }
            }
        }
        check(gen, "genuine pairs", "same-label");
        check(imp, "impostor pairs", "different-label");
        return new ThresholdCalibrator(gen, imp);
    }

    private static void check(double[] d, String name, String kind) {
        if (d == null || d.length == 0) {
            throw new IllegalArgumentException("no " + name + ": calibration needs at least one " + kind
                    + " pair (validation labels must contain both repeated and distinct classes)");
        }
        for (int i = 0; i < d.length; i++) {
            if (Double.isNaN(d[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is NaN; distances must be numbers");
            }
        }
    }

    /** Number of genuine (same-label) pairs. */
    public int genuineCount() {
        return genuine.length;
    }

    /** Number of impostor (different-label) pairs. */
    public int impostorCount() {
        return impostor.length;
    }

    /** Number of entries of the sorted array that are ≤ t. */
    private static int atOrBelow(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The operating point of a given threshold (matches: distance ≤ threshold). */
    public OperatingPoint at(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        long tp = atOrBelow(genuine, threshold);
        long fp = atOrBelow(impostor, threshold);
        return point(threshold, tp, fp);
    }

    private OperatingPoint point(double threshold, long tp, long fp) {
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        return new OperatingPoint(threshold, (double) fp / impostor.length,
                (double) (genuine.length - tp) / genuine.length, precision, tp, fp);
    }

    /**
     * The largest threshold whose false match rate is ≤ {@code targetFmr}, i.e. the lowest FNMR at that FMR.
     *
     * @param targetFmr in [0, 1], e.g. 1e-3
     */
    public OperatingPoint thresholdAtFmr(double targetFmr) {
        if (!(targetFmr >= 0 && targetFmr <= 1)) {
            throw new IllegalArgumentException("targetFmr must be in [0, 1], got " + targetFmr);
        }
        int n = impostor.length;
        // the most false matches allowed: the largest m with m / n <= target (computed as the FMR is reported)
        long m = (long) Math.floor(targetFmr * n);
        while (m + 1 <= n && (double) (m + 1) / n <= targetFmr) {
            m++;
        }
        while (m > 0 && (double) m / n > targetFmr) {
            m--;
        }
        if (m >= n) {
            double t = Math.max(genuine[genuine.length - 1], impostor[n - 1]);
            return at(t);
        }
        // every threshold below the (m+1)-th smallest impostor distance admits at most m false matches
        return at(Math.nextDown(impostor[(int) m]));
    }

    /** FNMR at the threshold {@link #thresholdAtFmr} picks for {@code targetFmr}. */
    public double fnmrAtFmr(double targetFmr) {
        return thresholdAtFmr(targetFmr).fnmr();
    }

    /**
     * The largest threshold (most genuine matches) whose precision is ≥ {@code targetPrecision}, over every
     * observed distance as candidate threshold.
     *
     * @param targetPrecision in (0, 1], e.g. 0.99
     * @throws IllegalArgumentException if no threshold reaches it (the message gives the best precision)
     */
    public OperatingPoint thresholdForPrecision(double targetPrecision) {
        if (!(targetPrecision > 0 && targetPrecision <= 1)) {
            throw new IllegalArgumentException("targetPrecision must be in (0, 1], got " + targetPrecision);
        }
        OperatingPoint best = null;
        double bestPrecision = -1;
        int gi = 0;
        int ii = 0;
        while (gi < genuine.length || ii < impostor.length) {
            double t = Math.min(gi < genuine.length ? genuine[gi] : Double.POSITIVE_INFINITY,
                    ii < impostor.length ? impostor[ii] : Double.POSITIVE_INFINITY);
            while (gi < genuine.length && genuine[gi] <= t) {
                gi++;
            }
            while (ii < impostor.length && impostor[ii] <= t) {
                ii++;
            }
            double p = (double) gi / (gi + ii);
            bestPrecision = Math.max(bestPrecision, p);
            if (p >= targetPrecision) {
                best = point(t, gi, ii);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "no threshold reaches precision %.6g: the best is %.6g; lower the target or improve the "
                            + "embedding", targetPrecision, bestPrecision));
        }
        return best;
    }

    /**
     * The ROC curve: one point per distinct observed distance (ascending threshold, so FMR and TMR rise), after a
     * first point just below the smallest distance where nothing matches.
     */
    public List<OperatingPoint> roc() {
        return roc(Integer.MAX_VALUE);
    }

    /**
     * The ROC curve thinned to at most {@code maxPoints} (≥ 2) points evenly spread over the distinct thresholds;
     * the first (nothing matches) and last (everything matches) points are always kept.
     */
    public List<OperatingPoint> roc(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
        }
        double[] all = new double[genuine.length + impostor.length];
        System.arraycopy(genuine, 0, all, 0, genuine.length);
        System.arraycopy(impostor, 0, all, genuine.length, impostor.length);
        Arrays.sort(all);
        int distinct = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[i - 1]) {
                all[distinct++] = all[i];
            }
        }
        int total = distinct + 1;
        List<OperatingPoint> out = new ArrayList<>(Math.min(total, maxPoints));
        int points = Math.min(total, maxPoints);
        for (int p = 0; p < points; p++) {
            int idx = (int) Math.round((double) p * (total - 1) / (points - 1));
            double t = idx == 0 ? Math.nextDown(all[0]) : all[idx - 1];
            out.add(at(t));
        }
        return out;
    }

    /** A small table: counts, then threshold and FNMR at each target FMR (1e-4, 1e-3, 1e-2, 1e-1 if none given). */
    public String report(double... targetFmrs) {
        double[] targets = targetFmrs.length == 0 ? new double[] {1e-4, 1e-3, 1e-2, 1e-1} : targetFmrs;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "genuine pairs %d, impostor pairs %d%n", genuine.length,
                impostor.length));
        sb.append(String.format(Locale.ROOT, "%-10s %-14s %-10s %-10s%n", "FMR", "threshold", "FNMR", "actual FMR"));
        for (double f : targets) {
            OperatingPoint p = thresholdAtFmr(f);
            String note = f * impostor.length < 1 ? "  (fewer than 1/FMR impostor pairs: not resolvable)" : "";
            sb.append(String.format(Locale.ROOT, "%-10.0e %-14.6g %-10.6f %-10.3g%s%n", f, p.threshold(), p.fnmr(),
                    p.fmr(), note));
        }
        return sb.toString();
    }
}
