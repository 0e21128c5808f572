package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.DivisorReducer;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.List;
import java.util.Random;

/**
 * Margin loss (Wu et al. 2017, "Sampling Matters in Deep Embedding Learning"): per triplet,
 * [d(a,p) − β + margin]<sub>+</sub> + [β − d(a,n) + margin]<sub>+</sub>, summed and divided by the number of
 * non-zero parts (sub-loss {@code margin_loss}). β is a boundary, global or per class, optionally learnt; when learnt,
 * ν·β is the {@code beta_reg_loss} sub-loss and β is exposed through {@link #parameters()} as {@code "beta"}.
 * As in the reference, β is stored in float32 and cast to the embeddings' type.
 */
public class MarginLoss extends MetricLoss {
    /** Use every triplet of the batch. */
    public static final int ALL = -1;

    private final double margin;
    private final double nu;
    private final float betaInit;
    private final int tripletsPerAnchor;
    private final boolean learnBeta;
    private final int numClasses;
    private final Random rng = new Random(0);
    private NDManager betaManager;
    private NDArray beta;

    /** The reference default: margin 0.2, ν 0, β 1.2 fixed and global, all triplets. */
    public MarginLoss() {
        this(0.2, 0, 1.2, ALL, false, 0, null, null);
    }

    /**
     * @param margin the half-width of the band around β that pairs must clear (default 0.2; ≥ 0)
     * @param nu the weight of the β regulariser ν·β, used only when β is learnt (default 0; ≥ 0)
     * @param beta the initial boundary β between positive and negative distances (default 1.2)
     * @param tripletsPerAnchor {@link #ALL} (default) or how many random triplets per anchor
     * @param learnBeta whether β is a trainable parameter (default false)
     * @param numClasses 0 (default) for one global β, else one β per class (labels must lie in [0, numClasses))
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer of each sub-loss (null: {@link DivisorReducer})
     */
    public MarginLoss(double margin, double nu, double beta, int tripletsPerAnchor, boolean learnBeta, int numClasses,
            Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.margin = Checks.atLeast(margin, 0, "MarginLoss margin");
        this.nu = Checks.atLeast(nu, 0, "MarginLoss nu");
        Checks.require(Double.isFinite(beta), "MarginLoss beta must be finite, got " + beta);
        Checks.require(tripletsPerAnchor == ALL || tripletsPerAnchor > 0,
                "tripletsPerAnchor must be ALL or > 0, got " + tripletsPerAnchor);
        Checks.require(numClasses >= 0, "MarginLoss num_classes must be >= 0 (0: one global beta), got " + numClasses);
        this.betaInit = (float) beta;
        this.tripletsPerAnchor = tripletsPerAnchor;
        this.learnBeta = learnBeta;
        this.numClasses = numClasses;
        if (learnBeta) {
            betaManager = NDManager.newBaseManager();
            float[] init = new float[Math.max(numClasses, 1)];
            java.util.Arrays.fill(init, betaInit);
            this.beta = betaManager.create(init, new Shape(init.length));
            this.beta.setRequiresGradient(true);
            ai.djl.ndarray.NDScope.unregister(this.beta);
        }
    }

    /**
     * Builds from reference parameters {@code margin, nu, beta, triplets_per_anchor, learn_beta, num_classes,
     * distance, reducer}.
     */
    public static MarginLoss fromParams(Params params) {
        Common c = common(params);
        Object tpa = params.raw("triplets_per_anchor");
        int perAnchor = tpa == null || "all".equals(tpa) ? ALL : params.getInt("triplets_per_anchor", ALL);
        return apply(new MarginLoss(params.getDouble("margin", 0.2), params.getDouble("nu", 0),
                params.getDouble("beta", 1.2), perAnchor, params.getBoolean("learn_beta", false),
                params.getInt("num_classes", 0), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected Reducer defaultReducer() {
        return new DivisorReducer();
    }

    /** The learnt β ([1] or [numClasses], float32), or null when β is fixed. */
    public NDArray getBeta() {
        return beta;
    }

    @Override
    public List<LossParameter> parameters() {
        return learnBeta ? List.of(new LossParameter("beta", beta, 1)) : List.of();
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        if (learnBeta && numClasses > 0) {
            Checks.labelRange(labels, numClasses, "labels");
        }
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        IndicesTuple.Triplets t;
        if (tuple != null) {
            t = tuple.toTriplets();
        } else if (tripletsPerAnchor == ALL) {
            t = Tuples.allTriplets(labels, refLabels);
        } else {
            t = Tuples.randomTriplets(labels, refLabels, tripletsPerAnchor, rng);
        }
        LossTerms terms = new LossTerms();
        if (t.count() == 0) {
            return terms.put("margin_loss", LossTerm.zero()).put("beta_reg_loss", LossTerm.zero());
        }
        NDArray b;
        if (learnBeta) {
            b = Ops.castKeepingGradient(beta.toDevice(embeddings.getDevice(), false), embeddings.getDataType());
            if (numClasses > 0) {
                b = b.get(labels.get(t.a()).toType(DataType.INT64, false));
            }
        } else {
            b = Ops.scalar(embeddings, betaInit);
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray ap = Ops.pick(mat, t.a(), t.p());
        NDArray an = Ops.pick(mat, t.a(), t.n());
        NDArray posLoss = Ops.relu(distance.margin(ap, b).add(margin));
        NDArray negLoss = Ops.relu(distance.margin(b, an).add(margin));
        long divisor = Ops.count(posLoss.gt(0)) + Ops.count(negLoss.gt(0));
        terms.put("margin_loss", new LossTerm(posLoss.add(negLoss), new NDArray[] {t.a(), t.p(), t.n()},
                ReductionType.TRIPLET, divisor));
        if (!learnBeta) {
            terms.put("beta_reg_loss", LossTerm.zero());
        } else if (numClasses == 0) {
            terms.put("beta_reg_loss", LossTerm.alreadyReduced(b.mul(nu)));
        } else {
            terms.put("beta_reg_loss", new LossTerm(b.mul(nu), new NDArray[] {t.a()}, ReductionType.ELEMENT, divisor));
        }
        return terms;
    }

    @Override
    public void close() {
        if (betaManager != null) {
            betaManager.close();
            betaManager = null;
        }
    }
}
