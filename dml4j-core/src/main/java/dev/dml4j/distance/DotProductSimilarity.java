package dev.dml4j.distance;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/** The dot product q·r (a similarity: inverted); with normalisation it equals cosine similarity. */
public class DotProductSimilarity extends Distance {

    /** Dot product of raw embeddings (reference default: no normalisation). */
    public DotProductSimilarity() {
        this(false, 1);
    }

    /**
     * @param normalizeEmbeddings L2-normalise rows first (default false)
     * @param power exponent of the result (default 1)
     */
    public DotProductSimilarity(boolean normalizeEmbeddings, double power) {
        super(normalizeEmbeddings, 2, power);
    }

    /** Builds from reference parameters {@code normalize_embeddings, power}. */
    public static DotProductSimilarity fromParams(Params params) {
        return new DotProductSimilarity(params.getBoolean("normalize_embeddings", false), params.getDouble("power", 1));
    }

    @Override
    public boolean isInverted() {
        return true;
    }

    /** 1 for normalised rows (|cos| ≤ 1, so |cos|<sup>power</sup> ≤ 1 for power &gt; 0), else unbounded. */
    @Override
    public double bound() {
        return normalizeEmbeddings && power > 0 ? 1 : Double.POSITIVE_INFINITY;
    }

    @Override
    protected NDArray computeMatrix(NDArray q, NDArray r) {
        return r == q ? Ops.selfProduct(q, q) : Ops.product(q, r);
    }

    @Override
    protected NDArray computeRowwise(NDArray q, NDArray r) {
        try (NDArray prod = q.mul(r)) {
            return prod.sum(new int[] {1});
        }
    }
}
