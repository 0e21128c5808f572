package dev.dml4j.distance;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Params;
import dev.dml4j.util.Ops;

/**
 * Signal-to-noise-ratio distance (Yuan et al. 2019): Var(q − r) / Var(q), with unbiased variances over the embedding
 * dimensions. Not symmetric. Embeddings are L2-normalised first by default, as in the reference.
 */
public class SnrDistance extends Distance {

    /** The reference default (normalised embeddings, power 1). */
    public SnrDistance() {
        this(true, 1);
    }

    /**
     * @param normalizeEmbeddings L2-normalise rows first (default true)
     * @param power exponent of the result (default 1)
     */
    public SnrDistance(boolean normalizeEmbeddings, double power) {
        super(normalizeEmbeddings, 2, power);
    }

    /** Builds from reference parameters {@code normalize_embeddings, power}. */
    public static SnrDistance fromParams(Params params) {
        return new SnrDistance(params.getBoolean("normalize_embeddings", true), params.getDouble("power", 1));
    }

    @Override
    public boolean isInverted() {
        return false;
    }

    @Override
    protected NDArray computeMatrix(NDArray q, NDArray r) {
        long d = q.getShape().get(1);
        // Var(q_i − r_j) = (‖q̃_i‖² + ‖r̃_j‖² − 2 q̃_i·r̃_j) / (D − 1) with row-centred q̃, r̃: no [M, N, D] tensor.
        try (NDArray qm = q.mean(new int[] {1}, true); NDArray qc = q.sub(qm);
             NDArray rm = r.mean(new int[] {1}, true); NDArray rc = r.sub(rm);
             NDArray qq = qc.square().sum(new int[] {1}, true);
             NDArray rr = rc.square().sum(new int[] {1}, true).transpose();
             NDArray qr = qc.matMul(rc.transpose());
             NDArray num = qq.add(rr).sub(Ops.mul(qr, 2))) {
            // ratio of variances: the (D − 1) factors cancel; a constant query row (zero variance) would give 0/0:
            // its variance is floored at the smallest normal value, so identical rows are at distance 0, not NaN
            try (NDArray safeQq = Ops.maximum(qq, dev.dml4j.util.Ops.smallVal(qq.getDataType()))) {
                return num.div(safeQq);
            }
        }
    }

    @Override
    protected NDArray computeRowwise(NDArray q, NDArray r) {
        try (NDArray diff = q.sub(r); NDArray vd = variance(diff); NDArray vq = variance(q)) {
            return vd.div(vq);
        }
    }

    private static NDArray variance(NDArray x) {
        long d = x.getShape().get(1);
        try (NDArray m = x.mean(new int[] {1}, true); NDArray c = x.sub(m); NDArray sq = c.square();
             NDArray s = sq.sum(new int[] {1})) {
            return Ops.div(s, d - 1);
        }
    }
}
