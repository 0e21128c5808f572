package dev.dml4j.distance;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;

/**
 * A pairwise distance or similarity between embeddings. {@link #isInverted()} is true for similarities (larger =
 * closer). Embeddings are L<sub>p</sub>-normalised first when {@code normalizeEmbeddings} is set; the result is
 * raised to {@code power}. Same semantics as the reference's distances, so losses give the same numbers.
 */
public abstract class Distance {
    /** L<sub>p</sub> normalisation's epsilon, as the reference's {@code F.normalize}. */
    public static final double NORMALIZE_EPS = 1e-12;

    protected final boolean normalizeEmbeddings;
    protected final double p;
    protected final double power;

    /**
     * @param normalizeEmbeddings L<sub>p</sub>-normalise rows before comparing (reference default true)
     * @param p the norm's order for normalisation and L<sub>p</sub> distances (default 2)
     * @param power exponent applied to every entry of the result (default 1)
     */
    protected Distance(boolean normalizeEmbeddings, double p, double power) {
        if (!(p > 0)) {
            throw new IllegalArgumentException("p must be > 0, got " + p);
        }
        this.normalizeEmbeddings = normalizeEmbeddings;
        this.p = p;
        this.power = power;
    }

    /** Whether larger values mean more similar (cosine, dot product). */
    public abstract boolean isInverted();

    /**
     * An upper bound on |value| of every entry this distance can return, whatever the inputs, or +∞ when there is
     * none (the default). Losses use it to skip overflow guards: e.g. cosine similarity is bounded by 1.
     */
    public double bound() {
        return Double.POSITIVE_INFINITY;
    }

    /** Whether rows are normalised before comparing. */
    public boolean normalizesEmbeddings() {
        return normalizeEmbeddings;
    }

    /** The norm's order used for normalisation. */
    public double p() {
        return p;
    }

    /** The exponent applied to the result. */
    public double power() {
        return power;
    }

    /** The [M, N] matrix between query rows [M, D] and reference rows [N, D] (ref null: the query itself). */
    public NDArray pairwise(NDArray query, NDArray ref) {
        // r is q itself for a batch against itself: computeMatrix recognises that (one product, shared norms)
        return onNormalized(query, ref, (q, r) -> applyPower(computeMatrix(q, r)));
    }

    /** The [N, N] matrix of a set of embeddings with itself. */
    public NDArray pairwise(NDArray embeddings) {
        return pairwise(embeddings, null);
    }

    /** Row-wise values between q[i] and r[i] (both [K, D]) → [K], normalised and powered like the matrix. */
    public NDArray rowwise(NDArray query, NDArray ref) {
        return onNormalized(query, ref, (q, r) -> applyPower(computeRowwise(q, r)));
    }

    /**
     * The matrix's entries (rows[i], cols[i]) → [K] between query rows [M, D] and reference rows [N, D] (ref null: the
     * query itself), computed pair by pair: the same values as picking them from {@link #pairwise} (to rounding), for
     * O(K·D) work instead of the M × N matrix — the cheaper way when K is well below M·N (e.g. mined triplets).
     */
    public NDArray pairs(NDArray query, NDArray ref, NDArray rows, NDArray cols) {
        return onNormalized(query, ref, (q, r) -> {
            try (NDArray qr = Ops.rows(q, rows); NDArray rr = Ops.rows(r, cols)) {
                return applyPower(computeRowwise(qr, rr));
            }
        });
    }

    /**
     * {@code f(q, r)} on the normalised query and reference (r is q when ref is null or the query itself), closing
     * the normalised copies afterwards (the inputs themselves are never closed).
     */
    private NDArray onNormalized(NDArray query, NDArray ref, java.util.function.BinaryOperator<NDArray> f) {
        NDArray q = maybeNormalize(query);
        NDArray r = ref == null || ref == query ? q : maybeNormalize(ref);
        try {
            return f.apply(q, r);
        } finally {
            if (r != q && r != ref) {
                r.close();
            }
            if (q != query) {
                q.close();
            }
        }
    }

    /** The matrix for already-normalised inputs, before the power. */
    protected abstract NDArray computeMatrix(NDArray query, NDArray ref);

    /** Row-wise values for already-normalised inputs, before the power. */
    protected abstract NDArray computeRowwise(NDArray query, NDArray ref);

    /** Rows scaled to unit L<sub>p</sub> norm when this distance normalises, else {@code x} itself (same object). */
    public NDArray maybeNormalize(NDArray x) {
        return normalizeEmbeddings ? normalize(x) : x;
    }

    /** Rows scaled to unit L<sub>p</sub> norm: x / max(‖x‖<sub>p</sub>, 1e-12), with a finite gradient at 0. */
    public NDArray normalize(NDArray x) {
        // one fused engine op (the reference's F.normalize): same values, and a zero (not NaN) gradient at 0
        return x.normalize(p, 1, NORMALIZE_EPS);
    }

    /** The L<sub>p</sub> norm of every row, kept as [N, 1], with a zero (not NaN) gradient at the zero vector. */
    public NDArray norm(NDArray x) {
        if (p == 2) {
            try (NDArray sq = x.square(); NDArray s = sq.sum(new int[] {1}, true)) {
                return Ops.safeSqrt(s);
            }
        }
        try (NDArray a = x.abs(); NDArray ap = Ops.pow(a, p); NDArray s = ap.sum(new int[] {1}, true)) {
            return Ops.pow(s, 1.0 / p);
        }
    }

    /** x − y for distances, y − x for similarities: positive when x is "farther" than y. */
    public NDArray margin(NDArray x, NDArray y) {
        return isInverted() ? y.sub(x) : x.sub(y);
    }

    /** Whether {@link #computeMatrix}/{@link #computeRowwise} already return the powered value (e.g. squared L2). */
    protected boolean computesPower() {
        return false;
    }

    private NDArray applyPower(NDArray mat) {
        if (power == 1 || computesPower()) {
            return mat;
        }
        try (mat) {
            return Ops.pow(mat, power);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(normalize=" + normalizeEmbeddings + ", p=" + p + ", power=" + power + ")";
    }
}
