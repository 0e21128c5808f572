package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Histogram loss (Ustinova &amp; Lempitsky 2016): the similarities of positive and of negative pairs are soft-binned
 * into histograms over [−1, 1] with bin width δ = 2 / nBins (linear interpolation between the two nearest nodes); the
 * loss is the probability that a random negative pair is more similar than a random positive pair,
 * Σ<sub>r</sub> p<sub>neg</sub>(r) · Φ<sub>pos</sub>(r). Each unordered pair {i, j} taking part in some triplet counts
 * once. The loss is already reduced.
 */
public class HistogramLoss extends MetricLoss {
    private final double delta;
    private final int numNodes;

    /** The reference default: 100 bins, cosine similarity. */
    public HistogramLoss() {
        this(100, null, null);
    }

    /**
     * @param nBins the number of bins over [−1, 1] (reference default 100; ≥ 1)
     * @param distance the similarity (null: cosine similarity)
     * @param reducer the reducer (the loss is already reduced; kept for the common contract)
     */
    public HistogramLoss(int nBins, Distance distance, Reducer reducer) {
        super(distance, reducer);
        Checks.require(nBins >= 1, "HistogramLoss n_bins must be >= 1, got " + nBins);
        this.delta = 2.0 / nBins;
        this.numNodes = (int) Math.round(1 + 2 / delta);
    }

    /** Builds from reference parameters {@code n_bins, delta} (δ must equal 2 / n_bins when both are given). */
    public static HistogramLoss fromParams(Params params) {
        Common c = common(params);
        Integer nBins = params.has("n_bins") ? params.getInt("n_bins", 100) : null;
        Double delta = params.has("delta") ? params.getDouble("delta", 0.02) : null;
        params.raw("n_bins");
        params.raw("delta");
        if (nBins != null && delta != null && delta != 2.0 / nBins) {
            throw new IllegalArgumentException("HistogramLoss: delta and n_bins must satisfy delta = 2/n_bins, got delta="
                    + delta + ", n_bins=" + nBins + "; give only one of them");
        }
        if (nBins == null && delta != null) {
            Checks.positive(delta, "HistogramLoss delta");
            double b = 2 / delta;
            Checks.require(Math.abs(b - Math.rint(b)) < 1e-9, "HistogramLoss delta must divide 2 evenly, got " + delta);
            nBins = (int) Math.rint(b);
        }
        return apply(new HistogramLoss(nBins == null ? 100 : nBins, c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        Checks.require(refEmbeddings == null, "HistogramLoss does not support refEmbeddings: pass the batch only");
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        int n = (int) labels.getShape().get(0);
        NDArray upper = upperTriangle(embeddings, n);
        NDArray apMask;
        NDArray anMask;
        if (tuple == null) {
            NDArray[] md = Tuples.matchesAndDiffs(labels, null);
            NDArray anchor = Ops.any(md[0], 1).logicalAnd(Ops.any(md[1], 1));
            if (Ops.count(anchor) == 0) {
                return LossTerms.of(LossTerm.zero());
            }
            // an unordered pair takes part in a triplet when either end is an anchor with a positive and a negative
            NDArray either = anchor.expandDims(1).logicalOr(anchor.expandDims(0));
            apMask = md[0].logicalAnd(either).logicalAnd(upper);
            anMask = md[1].logicalAnd(either).logicalAnd(upper);
        } else {
            IndicesTuple.Triplets t = tuple.toTriplets();
            if (t.count() == 0) {
                return LossTerms.of(LossTerm.zero());
            }
            apMask = unorderedPairs(t.a(), t.p(), n, embeddings);
            anMask = unorderedPairs(t.a(), t.n(), n, embeddings);
        }
        NDArray mat = distance.pairwise(embeddings);
        NDArray pPos = density(mat.get(apMask));
        NDArray pNeg = density(mat.get(anMask));
        NDArray loss = pNeg.mul(pPos.cumSum(0)).sum();
        return LossTerms.of(LossTerm.alreadyReduced(loss));
    }

    /** Boolean mask [n, n] of the pairs {min(r, c), max(r, c)} stored at (min, max). */
    private static NDArray unorderedPairs(NDArray r, NDArray c, int n, NDArray like) {
        NDArray lo = r.minimum(c);
        NDArray hi = r.maximum(c);
        NDArray counts = Ops.oneHot(lo, n, DataType.FLOAT32).transpose().matMul(Ops.oneHot(hi, n, DataType.FLOAT32));
        return counts.gt(0);
    }

    private static NDArray upperTriangle(NDArray like, int n) {
        NDManager m = like.getManager();
        NDArray i = m.arange(n).toDevice(like.getDevice(), false);
        return i.expandDims(1).lt(i.expandDims(0));
    }

    /** The soft histogram [numNodes] of values in [−1, 1]: triangular weights on nodes −1 + kδ, divided by the count. */
    private NDArray density(NDArray values) {
        long k = values.getShape().get(0);
        NDManager m = values.getManager();
        if (k == 0) {
            return m.zeros(new Shape(numNodes), values.getDataType(), values.getDevice());
        }
        NDArray nodes = m.arange(numNodes).toType(values.getDataType(), false).toDevice(values.getDevice(), false);
        NDArray pos = Ops.div(values.add(1), delta).expandDims(1);
        NDArray w = Ops.relu(pos.sub(nodes.expandDims(0)).abs().neg().add(1));
        return Ops.div(w.sum(new int[] {0}), k);
    }
}
