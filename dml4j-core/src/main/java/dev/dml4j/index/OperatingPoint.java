package dev.dml4j.index;

/**
 * A verification operating point: pairs with distance ≤ {@code threshold} are declared matches.
 *
 * @param threshold the distance threshold (in the metric's distance; smaller = closer)
 * @param fmr false match rate: impostor pairs (different labels) at or below the threshold / all impostor pairs
 * @param fnmr false non-match rate: genuine pairs (same label) above the threshold / all genuine pairs
 * @param precision genuine matches / all matches (NaN when nothing matches); depends on the share of genuine
 *     pairs in the validation set
 * @param genuineMatches number of genuine pairs at or below the threshold (true matches)
 * @param falseMatches number of impostor pairs at or below the threshold
 */
public record OperatingPoint(double threshold, double fmr, double fnmr, double precision, long genuineMatches,
        long falseMatches) {

    /** True match rate 1 − FNMR (the ROC's y axis; FMR is its x axis). */
    public double tmr() {
        return 1 - fnmr;
    }
}
