package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * VICReg (Bardes et al. 2022), a self-supervised loss on two views Z = {@code embeddings} and Z' =
 * {@code refEmbeddings} of the same N inputs (no labels): invariance λ·mean<sub>d</sub>(z − z')² per row
 * ({@code invariance_loss}), variance μ·[1 − √(Var(z<sub>d</sub>) + ε)]<sub>+</sub> / 2 per dimension for each view
 * ({@code variance_loss1}, {@code variance_loss2}), and covariance ν·Σ<sub>off-diagonal</sub> C² / D summed over both
 * views ({@code covariance_loss}, already reduced). Each sub-loss is reduced on its own (mean by default).
 */
public class VicRegLoss extends MetricLoss {
    private final double invarianceLambda;
    private final double varianceMu;
    private final double covarianceV;
    private final double eps;

    /** The reference default: λ 25, μ 25, ν 1, ε 1e-4. */
    public VicRegLoss() {
        this(25, 25, 1, 1e-4, null);
    }

    /**
     * @param invarianceLambda weight λ of the invariance term (default 25)
     * @param varianceMu weight μ of the variance terms (default 25)
     * @param covarianceV weight ν of the covariance term (default 1)
     * @param eps added to the variance before the square root (default 1e-4; ≥ 0)
     * @param reducer the reducer of each sub-loss (null: mean)
     */
    public VicRegLoss(double invarianceLambda, double varianceMu, double covarianceV, double eps, Reducer reducer) {
        super(null, reducer);
        this.invarianceLambda = invarianceLambda;
        this.varianceMu = varianceMu;
        this.covarianceV = covarianceV;
        this.eps = Checks.atLeast(eps, 0, "VICRegLoss eps");
    }

    /** Builds from reference parameters {@code invariance_lambda, variance_mu, covariance_v, eps, reducer}. */
    public static VicRegLoss fromParams(Params params) {
        if (params.has("distance")) {
            throw new IllegalArgumentException("VICRegLoss cannot use a distance function: remove 'distance'");
        }
        if (params.has("embedding_regularizer") || params.has("weight_regularizer")) {
            throw new IllegalArgumentException("VICRegLoss cannot use a regularizer: remove it");
        }
        Common c = common(params);
        return new VicRegLoss(params.getDouble("invariance_lambda", 25), params.getDouble("variance_mu", 25),
                params.getDouble("covariance_v", 1), params.getDouble("eps", 1e-4), c.reducer());
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    public boolean requiresLabels() {
        return false;
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        Checks.require(labels == null && refLabels == null,
                "VICRegLoss is self-supervised and takes no labels: pass null labels and the second view as refEmbeddings");
        Checks.require(refEmbeddings != null,
                "VICRegLoss needs two views: pass the second view's embeddings as refEmbeddings");
        super.validate(embeddings, null, refEmbeddings, null);
        Checks.require(refEmbeddings.getShape().equals(embeddings.getShape()), "VICRegLoss: refEmbeddings "
                + refEmbeddings.getShape() + " must have the shape of embeddings " + embeddings.getShape());
        Checks.require(embeddings.getShape().get(0) >= 2,
                "VICRegLoss needs at least 2 rows per view (it uses the unbiased variance), got "
                        + embeddings.getShape().get(0));
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        Checks.require(tuple == null, "VICRegLoss does not use a miner's tuple: call it without one");
        long n = embeddings.getShape().get(0);
        long d = embeddings.getShape().get(1);
        NDArray invariance = Ops.mul(embeddings.sub(refEmbeddings).square().mean(new int[] {1}), invarianceLambda);
        NDArray rows = embeddings.getManager().arange(0, (int) n, 1, DataType.INT64, embeddings.getDevice());
        NDArray dims = embeddings.getManager().arange(0, (int) d, 1, DataType.INT64, embeddings.getDevice());
        NDArray[] c1 = centered(embeddings);
        NDArray[] c2 = centered(refEmbeddings);
        LossTerms t = new LossTerms();
        t.put("invariance_loss", LossTerm.element(invariance, rows));
        t.put("variance_loss1", LossTerm.element(Ops.mul(variance(c1[0], n), varianceMu), dims));
        t.put("variance_loss2", LossTerm.element(Ops.mul(variance(c2[0], n), varianceMu), dims));
        NDArray cov = Ops.mul(offDiagonal(c1[0], n, d).add(offDiagonal(c2[0], n, d)), covarianceV);
        t.put("covariance_loss", LossTerm.alreadyReduced(cov));
        return t;
    }

    private static NDArray[] centered(NDArray x) {
        return new NDArray[] {x.sub(x.mean(new int[] {0}, true))};
    }

    /** [1 − √(unbiased variance + ε)]₊ / 2 per dimension, from centred rows. */
    private NDArray variance(NDArray centered, long n) {
        NDArray var = Ops.div(centered.square().sum(new int[] {0}), n - 1);
        return Ops.div(Ops.relu(var.add(eps).sqrt().neg().add(1)), 2);
    }

    /** Σ of the squared off-diagonal entries of the covariance matrix, divided by D. */
    private static NDArray offDiagonal(NDArray centered, long n, long d) {
        NDArray cov = Ops.div(centered.transpose().matMul(centered), n - 1);
        NDArray off = Ops.asFloat(Ops.eyeMask(centered, (int) d).logicalNot(), cov);
        return Ops.div(cov.square().mul(off).sum(), d);
    }
}
