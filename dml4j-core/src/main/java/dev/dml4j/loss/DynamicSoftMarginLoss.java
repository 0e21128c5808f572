package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Dynamic soft margin loss (Zhang &amp; Rusinkiewicz 2019, "Learning Local Descriptors with a CDF-Based Dynamic Soft
 * Margin"): for every triplet, x = d(a,p) − d(a,n); a running histogram of x over [minVal, −minVal] with
 * {@code numBins} bins (linear interpolation between bins, updated with {@code momentum}; the first batch replaces
 * it) gives the CDF, and the loss is mean(CDF(x)·x) (already reduced). The histogram is state that persists across
 * calls on one instance; its gradient flows within the call that updates it, and the stored copy is detached.
 * Values outside the histogram's range are clamped to its first/last bin (the reference fails on them).
 */
public class DynamicSoftMarginLoss extends MetricLoss {
    private final double minVal;
    private final int numBins;
    private final double delta;
    private final double momentum;
    private NDManager stateManager;
    private NDArray hist;

    /** The reference default: minVal −2, 10 bins, momentum 0.01. */
    public DynamicSoftMarginLoss() {
        this(-2.0, 10, 0.01, null, null);
    }

    /**
     * @param minVal the smallest value of d(a,p) − d(a,n) the histogram covers (default −2; &lt; 0)
     * @param numBins the number of bins over [minVal, −minVal] (default 10; ≥ 1)
     * @param momentum the weight of the current batch's histogram (default 0.01; in (0, 1])
     * @param distance must be L2 on normalised embeddings (null: normalised Euclidean)
     * @param reducer the reducer (the loss is already reduced)
     */
    public DynamicSoftMarginLoss(double minVal, int numBins, double momentum, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(this.distance instanceof LpDistance && this.distance.normalizesEmbeddings()
                && this.distance.p() == 2, "DynamicSoftMarginLoss needs LpDistance(p=2, normalize_embeddings=true), got "
                + this.distance);
        Checks.require(minVal < 0 && Double.isFinite(minVal), "DynamicSoftMarginLoss min_val must be < 0, got " + minVal);
        Checks.require(numBins >= 1, "DynamicSoftMarginLoss num_bins must be >= 1, got " + numBins);
        Checks.require(momentum > 0 && momentum <= 1, "DynamicSoftMarginLoss momentum must be in (0, 1], got " + momentum);
        this.minVal = minVal;
        this.numBins = numBins;
        this.delta = 2 * Math.abs(minVal) / numBins;
        this.momentum = momentum;
    }

    /** Builds from reference parameters {@code min_val, num_bins, momentum, distance, reducer}. */
    public static DynamicSoftMarginLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new DynamicSoftMarginLoss(params.getDouble("min_val", -2.0), params.getInt("num_bins", 10),
                params.getDouble("momentum", 0.01), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    /** A copy of the running histogram [numBins] (sums to 1), or null before the first non-empty batch. */
    public double[] histogram() {
        return hist == null ? null : hist.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        IndicesTuple.Triplets t = tuple != null ? tuple.toTriplets() : Tuples.allTriplets(labels, refLabels);
        if (t.count() == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray data = Ops.pick(mat, t.a(), t.p()).sub(Ops.pick(mat, t.a(), t.n()));
        NDArray pos = Ops.div(data.sub(minVal), delta);
        NDArray floor = pos.floor().stopGradient();
        NDArray frac = pos.sub(floor);
        NDArray idx = floor.clip(0, numBins - 1).toType(DataType.INT64, false);
        NDArray next = floor.add(1).clip(0, numBins - 1).toType(DataType.INT64, false);
        double mom = hist == null ? 1.0 : momentum;
        NDArray lower = Ops.scatterAddRows(Ops.mul(frac.neg().add(1), mom).expandDims(1), idx, numBins).reshape(-1);
        NDArray upper = Ops.scatterAddRows(Ops.mul(frac, mom).expandDims(1), next, numBins).reshape(-1);
        NDArray h = lower.add(upper);
        if (hist != null && mom < 1) {
            h = h.add(Ops.mul(hist.toDevice(embeddings.getDevice(), false).toType(embeddings.getDataType(), false), 1 - mom));
        }
        h = h.div(h.sum());
        NDArray cdf = h.cumSum(0);
        NDArray loss = cdf.get(idx).mul(data).mean();
        keep(h);
        return LossTerms.of(LossTerm.alreadyReduced(loss));
    }

    private void keep(NDArray h) {
        if (stateManager == null) {
            stateManager = NDManager.newBaseManager(h.getDevice());
        }
        NDArray copy = h.stopGradient().duplicate();
        copy.attach(stateManager);
        NDScope.unregister(copy);
        if (hist != null) {
            hist.close();
        }
        hist = copy;
    }

    @Override
    public void close() {
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
            hist = null;
        }
    }
}
