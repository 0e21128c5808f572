package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.TreeMap;

/**
 * Instance loss (Zheng et al. 2020) in the reference's form: cross entropy of γ·cos(x<sub>i</sub>, x<sub>j</sub>) over
 * the batch columns j, with target column = the rank of x<sub>i</sub>'s label among the sorted distinct labels
 * (each item its own class, target i, when labels are null). Because the target is a column position, the loss
 * depends on batch order. Needs cosine similarity; no tuple, no reference set; mean by default.
 */
public class InstanceLoss extends MetricLoss {
    private final double gamma;

    /** The reference default: γ 64. */
    public InstanceLoss() {
        this(64, null, null);
    }

    /**
     * @param gamma the scale γ of the cosine similarities (default 64)
     * @param distance must be cosine similarity (null: cosine similarity)
     * @param reducer the reducer (null: mean)
     */
    public InstanceLoss(double gamma, Distance distance, Reducer reducer) {
        super(distance, reducer);
        if (!(this.distance instanceof CosineSimilarity)) {
            throw new IllegalArgumentException("InstanceLoss needs CosineSimilarity, got " + this.distance);
        }
        this.gamma = gamma;
    }

    /** Builds from reference parameters {@code gamma, distance, reducer}. */
    public static InstanceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new InstanceLoss(params.getDouble("gamma", 64), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    public boolean requiresLabels() {
        return false;
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        if (refEmbeddings != null || refLabels != null) {
            throw new IllegalArgumentException("InstanceLoss does not support a reference set "
                    + "(refEmbeddings/refLabels)");
        }
        super.validate(embeddings, labels, refEmbeddings, refLabels);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        if (tuple != null) {
            throw new IllegalArgumentException("InstanceLoss does not use mined tuples: call it without a miner");
        }
        long n = embeddings.getShape().get(0);
        long[] target = new long[(int) n];
        if (labels == null) {
            for (int i = 0; i < n; i++) {
                target[i] = i;
            }
        } else {
            long[] lab;
            try (NDArray l = labels.toType(DataType.INT64, true)) {
                lab = l.toLongArray();
            }
            TreeMap<Long, Long> rank = new TreeMap<>();
            for (long v : lab) {
                rank.put(v, 0L);
            }
            long r = 0;
            for (var e : rank.entrySet()) {
                e.setValue(r++);
            }
            for (int i = 0; i < n; i++) {
                target[i] = rank.get(lab[i]);
            }
        }
        NDArray logits = Ops.mul(distance.pairwise(embeddings), gamma);
        NDArray targets = Ops.create(embeddings.getManager(), target).toDevice(embeddings.getDevice(), false);
        NDArray lse = Ops.logSumExp(logits, null, false, 1).reshape(-1);
        NDArray picked = Ops.pick(logits, Ops.arange(embeddings, n), targets);
        return LossTerms.of(LossTerm.element(lse.sub(picked), Ops.arange(embeddings, n)));
    }
}
