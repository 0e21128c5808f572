package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import java.util.Locale;

/**
 * Easy-positive / hard-negative batch mining (Xuan et al. 2020, "Improved Embeddings with Easy Positive Triplet
 * Mining"), generalised as in the reference: per anchor, one positive and one negative chosen by a strategy each.
 * Positives: {@code EASY} the closest, {@code HARD} the farthest, {@code SEMIHARD} the farthest one still closer than
 * the chosen negative, {@code ALL} every positive pair. Negatives: {@code HARD} the closest, {@code EASY} the farthest,
 * {@code SEMIHARD} the closest one farther than the chosen positive, {@code ALL} every negative pair. Optional
 * allowed ranges [low, high] restrict the distances a chosen positive or negative may have. Returns pairs
 * (a1, p, a2, n).
 */
public class BatchEasyHardMiner extends Miner {
    /** How the positive or negative of each anchor is chosen. */
    public enum Strategy { EASY, SEMIHARD, HARD, ALL }

    private final Strategy posStrategy;
    private final Strategy negStrategy;
    private final double[] allowedPosRange;
    private final double[] allowedNegRange;

    /** The reference default: easy positives, semi-hard negatives, no range limits, normalised Euclidean. */
    public BatchEasyHardMiner() {
        this(Strategy.EASY, Strategy.SEMIHARD, null, null, null);
    }

    /**
     * @param posStrategy how positives are chosen (default EASY)
     * @param negStrategy how negatives are chosen (default SEMIHARD)
     * @param allowedPosRange [low, high] distances a positive may have, or null for any (default null)
     * @param allowedNegRange [low, high] distances a negative may have, or null for any (default null)
     * @param distance the distance (null: normalised Euclidean)
     */
    public BatchEasyHardMiner(Strategy posStrategy, Strategy negStrategy, double[] allowedPosRange,
            double[] allowedNegRange, Distance distance) {
        super(distance);
        Checks.require(posStrategy != null && negStrategy != null, "BatchEasyHardMiner: strategies must not be null");
        Checks.require(!(posStrategy == Strategy.SEMIHARD && negStrategy == Strategy.SEMIHARD),
                "BatchEasyHardMiner: pos_strategy and neg_strategy cannot both be semihard");
        Checks.require(!((posStrategy == Strategy.ALL && negStrategy == Strategy.SEMIHARD)
                        || (negStrategy == Strategy.ALL && posStrategy == Strategy.SEMIHARD)),
                "BatchEasyHardMiner: semihard cannot be combined with all (semihard needs one chosen partner)");
        this.posStrategy = posStrategy;
        this.negStrategy = negStrategy;
        this.allowedPosRange = range(allowedPosRange, "allowed_pos_range");
        this.allowedNegRange = range(allowedNegRange, "allowed_neg_range");
    }

    /**
     * Builds from reference parameters {@code pos_strategy, neg_strategy} (easy, semihard, hard, all),
     * {@code allowed_pos_range, allowed_neg_range} ([low, high] or null) and {@code distance}.
     */
    public static BatchEasyHardMiner fromParams(Params params) {
        return new BatchEasyHardMiner(strategy(params.getString("pos_strategy", "easy"), "pos_strategy"),
                strategy(params.getString("neg_strategy", "semihard"), "neg_strategy"),
                params.getDoubles("allowed_pos_range"), params.getDoubles("allowed_neg_range"),
                Components.optional(Distance.class, params, "distance"));
    }

    private static Strategy strategy(String s, String name) {
        try {
            return Strategy.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("BatchEasyHardMiner: " + name + " must be easy, semihard, hard or all, got '"
                    + s + "'");
        }
    }

    private static double[] range(double[] r, String name) {
        if (r == null) {
            return null;
        }
        Checks.require(r.length == 2 && r[0] <= r[1], "BatchEasyHardMiner: " + name
                + " must be [low, high] with low <= high, got " + java.util.Arrays.toString(r));
        return r.clone();
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        NDArray matches = md[0];
        NDArray diffs = md[1];
        RowPick pos = null;
        RowPick neg = null;
        if (posStrategy == Strategy.SEMIHARD && negStrategy != Strategy.ALL) {
            neg = negatives(mat, diffs, null);
            pos = positives(mat, matches, neg.values());
        } else if (negStrategy == Strategy.SEMIHARD && posStrategy != Strategy.ALL) {
            pos = positives(mat, matches, null);
            neg = negatives(mat, diffs, pos.values());
        } else {
            if (posStrategy != Strategy.ALL) {
                pos = positives(mat, matches, null);
            }
            if (negStrategy != Strategy.ALL) {
                neg = negatives(mat, diffs, null);
            }
        }
        NDArray rows = RowPick.rowIds(mat, mat.getShape().get(0));
        if (pos != null && neg != null) {
            NDArray keep = pos.keep().logicalAnd(neg.keep());
            NDArray a = rows.get(keep);
            return new IndicesTuple.Pairs(a, pos.indices().get(keep), a, neg.indices().get(keep));
        }
        IndicesTuple.Pairs all = Tuples.allPairs(labels, refLabels);
        if (pos == null && neg == null) {
            return all;
        }
        if (pos == null) {
            return new IndicesTuple.Pairs(all.a1(), all.p(), rows.get(neg.keep()), neg.indices().get(neg.keep()));
        }
        return new IndicesTuple.Pairs(rows.get(pos.keep()), pos.indices().get(pos.keep()), all.a2(), all.n());
    }

    /** Hard/semi-hard positives are the farthest, easy ones the closest; semi-hard must be closer than threshold. */
    private RowPick positives(NDArray mat, NDArray matches, NDArray semihardThresholds) {
        boolean farthest = posStrategy == Strategy.HARD || posStrategy == Strategy.SEMIHARD;
        return pick(mat, matches, farthest, allowedPosRange, semihardThresholds);
    }

    /** Hard/semi-hard negatives are the closest, easy ones the farthest; semi-hard must be farther than threshold. */
    private RowPick negatives(NDArray mat, NDArray diffs, NDArray semihardThresholds) {
        boolean farthest = negStrategy == Strategy.EASY;
        return pick(mat, diffs, farthest, allowedNegRange, semihardThresholds);
    }

    /**
     * The farthest (or closest) masked entry per row. For the farthest, entries at or beyond the threshold are
     * dropped; for the closest, entries at or within it (in the distance's own order, as the reference does).
     */
    private RowPick pick(NDArray mat, NDArray mask, boolean farthest, double[] range, NDArray thresholds) {
        boolean useMax = farthest != distance.isInverted();
        NDArray m = mask;
        if (thresholds != null) {
            try (NDArray t = thresholds.expandDims(1)) {
                NDArray beyond = useMax ? mat.gte(t) : mat.lte(t);
                m = m.logicalAnd(beyond.logicalNot());
            }
        }
        if (range != null) {
            NDArray inside = mat.lte(range[1]).logicalAnd(mat.gte(range[0]));
            m = m.logicalAnd(inside);
        }
        return useMax ? RowPick.max(mat, m) : RowPick.min(mat, m);
    }

    @Override
    public String toString() {
        return "BatchEasyHardMiner(pos=" + posStrategy + ", neg=" + negStrategy + ", distance=" + distance + ")";
    }
}
