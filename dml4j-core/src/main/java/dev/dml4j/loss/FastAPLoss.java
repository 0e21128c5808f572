package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * FastAP (Cakir et al. 2019, "Deep Metric Learning to Rank"): average precision of each anchor's ranking, with the
 * distances soft-binned into a histogram of {@code numBins} triangular bins over [0, 2<sup>power</sup>]; the loss of an
 * anchor is 1 − AP (element reduction over anchors that have a positive, mean by default). A miner's tuple only sets
 * per-anchor weights (how often each index appears, relative to the most frequent), as in the reference.
 */
public class FastAPLoss extends MetricLoss {
    private final int numBins;

    /** The reference default: 10 bins, squared normalised Euclidean distance. */
    public FastAPLoss() {
        this(10, null, null);
    }

    /**
     * @param numBins the number of histogram bins (default 10; ≥ 1)
     * @param distance the distance; must be L2 on normalised embeddings (null: squared normalised Euclidean)
     * @param reducer the reducer (null: mean over anchors)
     */
    public FastAPLoss(int numBins, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(numBins >= 1, "FastAPLoss num_bins must be >= 1, got " + numBins);
        Checks.require(this.distance instanceof LpDistance && this.distance.normalizesEmbeddings()
                && this.distance.p() == 2, "FastAPLoss needs LpDistance(p=2, normalize_embeddings=true), got "
                + this.distance);
        this.numBins = numBins;
    }

    /** Builds from reference parameters {@code num_bins, distance, reducer}. */
    public static FastAPLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new FastAPLoss(params.getInt("num_bins", 10), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance(true, 2, 2);
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        Checks.require(refEmbeddings == null, "FastAPLoss does not support refEmbeddings: pass the batch only");
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        DataType type = embeddings.getDataType();
        NDManager m = embeddings.getManager();
        int n = (int) labels.getShape().get(0);
        NDArray[] md = Tuples.matchesAndDiffs(labels, null);
        NDArray posMask = md[0].toType(type, false);
        NDArray notEye = Ops.eyeMask(labels, n).logicalNot().toType(type, false);
        NDArray numPos = posMask.sum(new int[] {1});
        NDArray safeN = numPos.gt(0);
        if (Ops.count(safeN) == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray dist = distance.pairwise(embeddings);
        double histMax = Math.pow(2, distance.power());
        double delta = histMax / numBins;
        double[] nodes = new double[numBins + 1];
        for (int k = 0; k <= numBins; k++) {
            nodes[k] = k;
        }
        // pulse[i, k, j] = [1 − |d_ij/δ − k|]₊, the triangular bin weights; layout [N, E, N] so that one batched
        // matrix product gives each anchor's positive histogram and full histogram at once
        NDArray mids = Ops.create(m, nodes, new Shape(1, numBins + 1, 1)).toType(type, false)
                .toDevice(embeddings.getDevice(), false);
        NDArray scaled = Ops.div(dist, delta).reshape(n, 1, n);
        NDArray pulse = Ops.relu(Ops.scalar(scaled, 1).sub(scaled.sub(mids).abs()));
        NDArray masks = NDArrays.stack(new NDList(posMask, notEye), 2);
        NDArray hist = pulse.matMul(masks);
        NDArray posHist = hist.get(":, :, 0");
        NDArray allHist = hist.get(":, :, 1");
        NDArray totalPos = posHist.cumSum(1);
        NDArray total = allHist.cumSum(1);
        NDArray h = posHist.mul(totalPos);
        NDArray safeH = h.gt(0).logicalAnd(total.gt(0));
        if (Ops.count(safeH) == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray safeTotal = NDArrays.where(safeH, total, total.onesLike());
        NDArray ap = NDArrays.where(safeH, h.div(safeTotal), h.zerosLike()).sum(new int[] {1});
        NDArray apSafe = ap.get(safeN).div(numPos.get(safeN));
        NDArray weights = minerWeights(tuple, n, embeddings).get(safeN);
        NDArray losses = apSafe.neg().add(1).mul(weights);
        NDArray idx = safeN.nonzero().reshape(-1);
        return LossTerms.of(LossTerm.element(losses, idx));
    }

    /**
     * The reference's per-anchor weights from a mined tuple: each index's share of all tuple entries divided by the
     * largest share (1 for every row without a tuple or with an empty one; 0 for rows the tuple never names).
     */
    static NDArray minerWeights(IndicesTuple tuple, int n, NDArray like) {
        NDManager m = like.getManager();
        if (tuple == null || tuple.size() == 0) {
            return m.ones(new Shape(n), like.getDataType(), like.getDevice());
        }
        NDList parts = switch (tuple) {
            case IndicesTuple.Pairs p -> new NDList(p.a1(), p.p(), p.a2(), p.n());
            case IndicesTuple.Triplets t -> new NDList(t.a(), t.p(), t.n());
        };
        NDArray all = NDArrays.concat(parts);
        NDArray counts = Ops.oneHot(all, n, like.getDataType()).sum(new int[] {0});
        return counts.div(counts.max());
    }
}
