package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * The pair mining of the Multi-Similarity loss (Wang et al. 2019): a positive pair is kept when it is less similar
 * than the anchor's most similar negative plus {@code epsilon}, a negative pair when it is more similar than the
 * anchor's least similar positive minus {@code epsilon} (for distances: the same with "closer"/"farther").
 * Returns pairs; computed with whole-matrix masks (no sorting, no read-back).
 */
public class MultiSimilarityMiner extends Miner {
    private final double epsilon;

    /** The reference default: epsilon 0.1, cosine similarity. */
    public MultiSimilarityMiner() {
        this(0.1, null);
    }

    /**
     * @param epsilon the slack of the comparisons (default 0.1, in the distance's units)
     * @param distance the distance (null: cosine similarity)
     */
    public MultiSimilarityMiner(double epsilon, Distance distance) {
        super(distance);
        this.epsilon = Checks.atLeast(epsilon, 0, "MultiSimilarityMiner epsilon");
    }

    /** Builds from reference parameters {@code epsilon, distance}. */
    public static MultiSimilarityMiner fromParams(Params params) {
        return new MultiSimilarityMiner(params.getDouble("epsilon", 0.1),
                Components.optional(Distance.class, params, "distance"));
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        NDArray matches = md[0];
        NDArray diffs = md[1];
        boolean inv = distance.isInverted();
        double big = Ops.posInf(mat.getDataType());
        // the hardest negative and the hardest positive of every row; rows without one get a bound nothing passes
        NDArray keepPos;
        NDArray keepNeg;
        if (inv) {
            NDArray hardestNeg = Ops.where(diffs, mat, -big).max(new int[] {1}, true);
            NDArray hardestPos = Ops.where(matches, mat, big).min(new int[] {1}, true);
            keepPos = matches.logicalAnd(mat.sub(epsilon).lt(hardestNeg));
            keepNeg = diffs.logicalAnd(mat.add(epsilon).gt(hardestPos));
        } else {
            NDArray hardestNeg = Ops.where(diffs, mat, big).min(new int[] {1}, true);
            NDArray hardestPos = Ops.where(matches, mat, -big).max(new int[] {1}, true);
            keepPos = matches.logicalAnd(mat.add(epsilon).gt(hardestNeg));
            keepNeg = diffs.logicalAnd(mat.sub(epsilon).lt(hardestPos));
        }
        return MinedPairs.fromMasks(keepPos, keepNeg);
    }

    @Override
    public String toString() {
        return "MultiSimilarityMiner(epsilon=" + epsilon + ", distance=" + distance + ")";
    }
}
