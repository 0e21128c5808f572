package dev.dml4j.distance;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/** The L<sub>p</sub> distance ‖q − r‖<sub>p</sub> (raised to {@code power}); Euclidean for p = 2. */
public class LpDistance extends Distance {

    /** The reference default: Euclidean distance of L2-normalised embeddings. */
    public LpDistance() {
        this(true, 2, 1);
    }

    /**
     * @param normalizeEmbeddings L<sub>p</sub>-normalise rows first (default true)
     * @param p the norm's order (default 2)
     * @param power exponent of the result (default 1; 2 gives squared Euclidean)
     */
    public LpDistance(boolean normalizeEmbeddings, double p, double power) {
        super(normalizeEmbeddings, p, power);
    }

    /** Builds from reference parameters {@code normalize_embeddings, p, power}. */
    public static LpDistance fromParams(Params params) {
        return new LpDistance(params.getBoolean("normalize_embeddings", true), params.getDouble("p", 2),
                params.getDouble("power", 1));
    }

    @Override
    public boolean isInverted() {
        return false;
    }

    /**
     * 2<sup>power</sup> for normalised rows and a true norm (p ≥ 1: ‖q − r‖ ≤ ‖q‖ + ‖r‖ = 2), else unbounded.
     */
    @Override
    public double bound() {
        return normalizeEmbeddings && p >= 1 && power > 0 ? Math.pow(2, power) : Double.POSITIVE_INFINITY;
    }

    @Override
    protected boolean computesPower() {
        return p == 2 && power == 2;
    }

    @Override
    protected NDArray computeMatrix(NDArray q, NDArray r) {
        if (p == 2) {
            // normalised rows have constant norms: their gradient is 0 and need not be computed
            boolean unitRows = normalizeEmbeddings;
            return power == 2 ? Ops.squaredEuclidean(q, r, unitRows) : Ops.euclidean(q, r, unitRows);
        }
        try (NDArray qe = q.expandDims(1); NDArray re = r.expandDims(0); NDArray diff = qe.sub(re);
             NDArray a = diff.abs(); NDArray ap = Ops.pow(a, p)) {
            NDArray s = ap.sum(new int[] {2});
            return p == 1 ? s : rootOf(s);
        }
    }

    @Override
    protected NDArray computeRowwise(NDArray q, NDArray r) {
        try (NDArray diff = q.sub(r)) {
            if (p == 2) {
                try (NDArray sq = diff.square()) {
                    NDArray s = sq.sum(new int[] {1});
                    return power == 2 ? s : rootOf(s);
                }
            }
            try (NDArray a = diff.abs(); NDArray ap = Ops.pow(a, p)) {
                NDArray s = ap.sum(new int[] {1});
                return p == 1 ? s : rootOf(s);
            }
        }
    }

    /** s^(1/p), closing s; for p = 2 a square root with a finite gradient at 0. */
    private NDArray rootOf(NDArray s) {
        try (s) {
            return p == 2 ? Ops.safeSqrt(s) : Ops.pow(s, 1.0 / p);
        }
    }
}
