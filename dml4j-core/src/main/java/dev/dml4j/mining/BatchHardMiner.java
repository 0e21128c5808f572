package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;

/**
 * Batch-hard mining (Hermans et al. 2017, "In Defense of the Triplet Loss"): for every anchor with a positive and
 * a negative, one triplet of its farthest positive and its closest negative (for similarities: least similar
 * positive, most similar negative). Returns triplets; anchors index the batch, positives and negatives the reference
 * set.
 */
public class BatchHardMiner extends Miner {

    /** The reference default: normalised Euclidean distance. */
    public BatchHardMiner() {
        this(null);
    }

    /** @param distance the distance (null: normalised Euclidean) */
    public BatchHardMiner(Distance distance) {
        super(distance);
    }

    /** Builds from reference parameters {@code distance}. */
    public static BatchHardMiner fromParams(Params params) {
        return new BatchHardMiner(Components.optional(Distance.class, params, "distance"));
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        boolean inv = distance.isInverted();
        RowPick pos = inv ? RowPick.min(mat, md[0]) : RowPick.max(mat, md[0]);
        RowPick neg = inv ? RowPick.max(mat, md[1]) : RowPick.min(mat, md[1]);
        NDArray keep = pos.keep().logicalAnd(neg.keep());
        NDArray a = RowPick.rowIds(mat, mat.getShape().get(0)).get(keep);
        return new IndicesTuple.Triplets(a, pos.indices().get(keep), neg.indices().get(keep));
    }
}
