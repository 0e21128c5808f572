package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.regularize.Regularizer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.TreeMap;

/**
 * Range loss (Zhang et al., ICCV 2017, "Range Loss for Deep Face Recognition with Long-Tailed Training Data"), as
 * the authors' Caffe layer computes it, on squared Euclidean distances d = ‖x<sub>i</sub> − x<sub>j</sub>‖²:
 * <ul>
 * <li>intra = Σ over the classes present in the batch of the harmonic mean of the k largest intra-class distances
 * (the class's "range"), k / Σ<sub>j</sub> 1/d<sub>j</sub>; a class with fewer than k pairs uses all its pairs;
 * <b>a class with a single sample in the batch has no pair and contributes no intra term</b>;</li>
 * <li>inter = max(m − the smallest distance between two class means of the batch, 0); with fewer than two classes in
 * the batch there is no pair of means and inter is 0;</li>
 * <li>L = α·intra + β·inter (α = {@code intraWeight}, β = {@code interWeight}); usually added to a softmax loss.</li>
 * </ul>
 * Sub-losses {@code intra_loss} (α·intra) and {@code inter_loss} (β·inter) are already reduced: no reducer applies.
 * Distances of zero (identical embeddings) are clamped at 1e-12 inside the harmonic mean, so it stays finite.
 */
public class RangeLoss extends MetricLoss {
    private static final double MIN_DIST = 1e-12;

    private final int k;
    private final double margin;
    private final double intraWeight;
    private final double interWeight;

    /** The authors' defaults: k = 2, margin 20, α = β = 1. */
    public RangeLoss() {
        this(2, 20, 1, 1);
    }

    /**
     * @param k how many of the largest intra-class distances enter each class's harmonic mean (default 2; ≥ 1)
     * @param margin m, the smallest squared distance wanted between class means (default 20; ≥ 0)
     * @param intraWeight α, the weight of the intra-class term (default 1)
     * @param interWeight β, the weight of the inter-class term (default 1)
     */
    public RangeLoss(int k, double margin, double intraWeight, double interWeight) {
        super(new LpDistance(false, 2, 2), null);
        Checks.require(k >= 1, "RangeLoss k must be >= 1, got " + k);
        this.k = k;
        this.margin = Checks.atLeast(margin, 0, "RangeLoss margin");
        this.intraWeight = Checks.atLeast(intraWeight, 0, "RangeLoss intra_weight");
        this.interWeight = Checks.atLeast(interWeight, 0, "RangeLoss inter_weight");
    }

    /**
     * Builds from parameters {@code k} (2), {@code margin} (20), {@code intra_weight} (1), {@code inter_weight} (1),
     * {@code distance} (only {@code "squared_euclidean"}), {@code embedding_regularizer}, {@code embedding_reg_weight}.
     */
    public static RangeLoss fromParams(Params params) {
        String d = params.has("distance") && params.raw("distance") instanceof String s ? s : null;
        Checks.require(!params.has("distance") || "squared_euclidean".equals(d), "RangeLoss uses squared Euclidean "
                + "distances as the authors' layer does: 'distance' may only be \"squared_euclidean\", got "
                + params.raw("distance"));
        Regularizer er = Components.optional(Regularizer.class, params, "embedding_regularizer");
        RangeLoss loss = new RangeLoss(params.getInt("k", 2), params.getDouble("margin", 20),
                params.getDouble("intra_weight", 1), params.getDouble("inter_weight", 1));
        if (er != null) {
            loss.withEmbeddingRegularizer(er, params.getDouble("embedding_reg_weight", 1));
        }
        return loss;
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance(false, 2, 2);
    }

    /** Takes no reference set; negative labels are rejected when the labels are read. */
    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        Checks.require(refEmbeddings == null && refLabels == null,
                "RangeLoss takes no reference set (refEmbeddings/refLabels): it compares the batch with itself");
        super.validate(embeddings, labels, null, null);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray[] parts = intraInter(embeddings, labels);
        return new LossTerms()
                .put("intra_loss", LossTerm.alreadyReduced(parts[0].mul(Ops.scalar(parts[0], intraWeight))))
                .put("inter_loss", LossTerm.alreadyReduced(parts[1].mul(Ops.scalar(parts[1], interWeight))));
    }

    /**
     * The two unweighted terms of a batch, with gradient: {@code intra} (Σ of per-class harmonic means) and
     * {@code inter} (hinge on the closest pair of class means). The caller closes them.
     *
     * @param embeddings [N, D]
     * @param labels [N] class ids ≥ 0
     */
    public Terms terms(NDArray embeddings, NDArray labels) {
        validate(embeddings, labels, null, null);
        try (NDScope scope = new NDScope()) {
            NDArray[] parts = intraInter(embeddings, labels);
            NDScope.unregister(parts[0]);
            NDScope.unregister(parts[1]);
            return new Terms(parts[0], parts[1]);
        }
    }

    /** The unweighted terms of one batch: intra (Σ per-class harmonic means) and inter (hinge on closest means). */
    public record Terms(NDArray intra, NDArray inter) implements AutoCloseable {
        /** Frees both. */
        @Override
        public void close() {
            intra.close();
            inter.close();
        }
    }

    /** intra and inter as scalars; every temporary is created in the caller's NDScope. */
    private NDArray[] intraInter(NDArray x, NDArray labels) {
        NDManager m = x.getManager();
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        int n = lab.length;
        for (long l : lab) {
            Checks.require(l >= 0, "labels contains label " + l + " < 0; class ids must be >= 0");
        }
        // classes present in the batch, numbered 0..C'-1 in label order
        TreeMap<Long, Integer> classes = new TreeMap<>();
        for (long l : lab) {
            classes.putIfAbsent(l, 0);
        }
        int c = 0;
        for (var e : classes.entrySet()) {
            e.setValue(c++);
        }
        long[] cls = new long[n];
        for (int i = 0; i < n; i++) {
            cls[i] = classes.get(lab[i]);
        }
        NDArray clsIdx = Ops.create(m, cls).toDevice(x.getDevice(), false);
        NDArray oneHot = Ops.oneHot(clsIdx, c, x.getDataType()); // [N, C']
        NDArray intra = n < 2 ? Ops.zeroLoss(x) : intra(x, clsIdx, oneHot, n, c);
        NDArray inter = c < 2 ? Ops.zeroLoss(x) : inter(x, oneHot, c);
        return new NDArray[] {intra, inter};
    }

    private NDArray intra(NDArray x, NDArray clsIdx, NDArray oneHot, int n, int c) {
        NDArray d = Ops.squaredEuclidean(x, x);
        // pairs i < j of the same class; others get the sentinel -1 (distances are >= 0)
        NDArray same = Ops.sameLabel(clsIdx, clsIdx);
        NDArray pos = x.getManager().arange(0, n, 1, DataType.INT64).toDevice(x.getDevice(), false);
        NDArray upper = pos.expandDims(1).lt(pos.expandDims(0));
        NDArray valid = same.logicalAnd(upper);
        NDArray masked = Ops.maskedFill(d, valid.logicalNot(), -1.0);
        // each row's k largest, then each class's k largest among its rows' candidates
        int kRow = Math.min(k, n);
        NDList rowTop = masked.topK(kRow, 1, true, true);
        NDArray perRow = rowTop.get(0); // [N, kRow]
        NDArray member = oneHot.transpose().expandDims(2).gt(0); // [C', N, 1]
        NDArray cand = Ops.maskedFill(perRow.expandDims(0).broadcast(new Shape(c, n, kRow)),
                member.logicalNot().broadcast(new Shape(c, n, kRow)), -1.0).reshape(c, (long) n * kRow);
        int kCls = Math.min(k, n * kRow);
        NDList clsTop = cand.topK(kCls, 1, true, true);
        NDArray top = clsTop.get(0); // [C', kCls]
        NDArray present = top.gte(0);
        NDArray presentF = Ops.asFloat(present, top);
        NDArray inv = presentF.div(Ops.maximum(top, MIN_DIST));
        NDArray count = presentF.sum(new int[] {1});
        NDArray empty = Ops.asFloat(count.eq(0), count);
        // harmonic mean = count / Σ 1/d; a class without pairs gives 0 / (0 + 1) = 0
        NDArray harmonic = count.div(inv.sum(new int[] {1}).add(empty));
        return harmonic.sum();
    }

    private NDArray inter(NDArray x, NDArray oneHot, int c) {
        NDArray counts = oneHot.sum(new int[] {0}).expandDims(1); // [C', 1]
        NDArray means = oneHot.transpose().matMul(x).div(counts); // [C', D]
        NDArray d = Ops.squaredEuclidean(means, means);
        NDArray off = Ops.maskedFill(d, Ops.eyeMask(d, c), Ops.posInf(d.getDataType()));
        NDArray closest = off.min();
        // 0-d op with a Number would promote float32 to float64: use a scalar of the input's type
        return Ops.relu(Ops.scalar(closest, margin).sub(closest));
    }

    /** k, the number of largest intra-class distances per class. */
    public int k() {
        return k;
    }

    /** The margin m between class means (squared distance). */
    public double margin() {
        return margin;
    }

    @Override
    public String toString() {
        return "RangeLoss(k=" + k + ", margin=" + margin + ", intraWeight=" + intraWeight + ", interWeight="
                + interWeight + ")";
    }
}
