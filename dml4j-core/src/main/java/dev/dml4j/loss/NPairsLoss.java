package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.DotProductSimilarity;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.TreeMap;

/**
 * Multi-class N-pair loss (Sohn 2016): one positive pair per class (the first in pair order, as the reference picks
 * them), then cross entropy of each anchor's similarities to all chosen positives with its own positive as the
 * target. One loss per chosen anchor, mean by default. It depends on which pairs come first, so it is not invariant
 * to the batch order. No reference set.
 */
public class NPairsLoss extends MetricLoss {

    /** The reference default: dot product of normalised embeddings, mean. */
    public NPairsLoss() {
        this(null, null);
    }

    /**
     * @param distance the similarity (null: dot product of normalised embeddings)
     * @param reducer the reducer (null: mean)
     */
    public NPairsLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    /** Builds from reference parameters {@code distance, reducer}. */
    public static NPairsLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new NPairsLoss(c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new DotProductSimilarity(true, 1);
    }

    @Override
    protected void validate(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        super.validate(embeddings, labels, refEmbeddings, refLabels);
        if (refEmbeddings != null) {
            throw new IllegalArgumentException("NPairsLoss does not support a reference set (refEmbeddings/refLabels)");
        }
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        IndicesTuple.Pairs pairs = tuple == null ? Tuples.allPairs(labels, null) : tuple.toPairs();
        long[] a;
        long[] p;
        long[] lab;
        try (NDArray ai = pairs.a1().toType(DataType.INT64, true); NDArray pi = pairs.p().toType(DataType.INT64, true);
             NDArray li = labels.toType(DataType.INT64, true)) {
            a = ai.toLongArray();
            p = pi.toLongArray();
            lab = li.toLongArray();
        }
        // the first positive pair of each anchor label, ordered by label
        TreeMap<Long, Integer> first = new TreeMap<>();
        for (int i = 0; i < a.length; i++) {
            first.putIfAbsent(lab[(int) a[i]], i);
        }
        int k = first.size();
        if (k == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        long[] anchorIdx = new long[k];
        long[] positiveIdx = new long[k];
        int j = 0;
        for (int i : first.values()) {
            anchorIdx[j] = a[i];
            positiveIdx[j++] = p[i];
        }
        var m = embeddings.getManager();
        NDArray anchorsIdx = Ops.create(m, anchorIdx).toDevice(embeddings.getDevice(), false);
        NDArray positivesIdx = Ops.create(m, positiveIdx).toDevice(embeddings.getDevice(), false);
        NDArray sim = distance.pairwise(Ops.rows(embeddings, anchorsIdx), Ops.rows(embeddings, positivesIdx));
        NDArray logits = distance.isInverted() ? sim : sim.neg();
        // cross entropy with target i in row i: log Σ_j exp(logit_ij) − logit_ii
        NDArray lse = Ops.logSumExp(logits, null, false, 1).reshape(-1);
        NDArray target = logits.mul(Ops.eyeMask(logits, k).toType(logits.getDataType(), false)).sum(new int[] {1});
        return LossTerms.of(LossTerm.element(lse.sub(target), anchorsIdx));
    }
}
