package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;

/**
 * Keeps the pairs that violate a margin: positive pairs farther than {@code posMargin} and negative pairs closer
 * than {@code negMargin} (for similarities: positives less similar than posMargin, negatives more similar than
 * negMargin). Returns pairs.
 */
public class PairMarginMiner extends Miner {
    private final double posMargin;
    private final double negMargin;

    /** The reference default: pos margin 0.2, neg margin 0.8, normalised Euclidean distance. */
    public PairMarginMiner() {
        this(0.2, 0.8, null);
    }

    /**
     * @param posMargin positive pairs beyond this are kept (default 0.2, in the distance's units)
     * @param negMargin negative pairs within this are kept (default 0.8)
     * @param distance the distance (null: normalised Euclidean)
     */
    public PairMarginMiner(double posMargin, double negMargin, Distance distance) {
        super(distance);
        this.posMargin = posMargin;
        this.negMargin = negMargin;
    }

    /** Builds from reference parameters {@code pos_margin, neg_margin, distance}. */
    public static PairMarginMiner fromParams(Params params) {
        return new PairMarginMiner(params.getDouble("pos_margin", 0.2), params.getDouble("neg_margin", 0.8),
                Components.optional(Distance.class, params, "distance"));
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        boolean inv = distance.isInverted();
        NDArray hardPos = inv ? mat.lt(posMargin) : mat.gt(posMargin);
        NDArray hardNeg = inv ? mat.gt(negMargin) : mat.lt(negMargin);
        return MinedPairs.fromMasks(md[0].logicalAnd(hardPos), md[1].logicalAnd(hardNeg));
    }

    @Override
    public String toString() {
        return "PairMarginMiner(pos_margin=" + posMargin + ", neg_margin=" + negMargin + ", distance=" + distance + ")";
    }
}
