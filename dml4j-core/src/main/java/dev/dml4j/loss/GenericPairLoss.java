package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;

/**
 * Base of losses defined on positive and negative pairs. It converts the tuple (or all pairs of the batch) to
 * pairs, computes the distance matrix once, and hands either the picked pair values or the whole matrix with
 * positive/negative masks to the subclass. A batch with at most one pair of each kind is a zero loss, as in the
 * reference.
 */
public abstract class GenericPairLoss extends MetricLoss {
    private final boolean matrixBased;

    /**
     * @param distance the distance (null: the loss's default)
     * @param reducer the reducer (null: the loss's default)
     * @param matrixBased whether the subclass wants the whole matrix with masks rather than picked pair values
     */
    protected GenericPairLoss(Distance distance, Reducer reducer, boolean matrixBased) {
        super(distance, reducer);
        this.matrixBased = matrixBased;
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        if (matrixBased) {
            return matrixLoss(embeddings, labels, tuple, refEmbeddings, refLabels);
        }
        if (tuple == null && isElementwise()) {
            return elementwiseOnMatrix(embeddings, labels, refEmbeddings, refLabels);
        }
        IndicesTuple.Pairs pairs = tuple == null ? Tuples.allPairs(labels, refLabels) : tuple.toPairs();
        if (pairs.numPos() <= 1 && pairs.numNeg() <= 1) {
            return zeroTerms();
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        return computeFromPairs(mat, pairs);
    }

    /**
     * The matrix-based path: without a tuple the masks come straight from the labels (no pair lists are built, which
     * matters for speed); with a tuple they mark its pairs.
     */
    private LossTerms matrixLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray posMask;
        NDArray negMask;
        IndicesTuple.Pairs pairs = null;
        long m = embeddings.getShape().get(0);
        long n = refEmbeddings == null ? m : refEmbeddings.getShape().get(0);
        if (tuple == null) {
            NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
            if (Ops.count(md[0]) <= 1 && Ops.count(md[1]) <= 1) {
                return zeroTerms();
            }
            posMask = md[0];
            negMask = md[1];
        } else {
            pairs = tuple.toPairs();
            if (pairs.numPos() <= 1 && pairs.numNeg() <= 1) {
                return zeroTerms();
            }
            posMask = mask(pairs.a1(), pairs.p(), m, n, embeddings);
            negMask = mask(pairs.a2(), pairs.n(), m, n, embeddings);
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        return computeFromMatrix(mat, posMask, negMask, pairs);
    }

    /**
     * All pairs of an elementwise loss without listing them: {@link #positiveLoss} and {@link #negativeLoss} of the
     * whole matrix, as masked terms over the label masks (each pair of the batch once, as in the pair lists).
     */
    private LossTerms elementwiseOnMatrix(NDArray embeddings, NDArray labels, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray[] md = Tuples.matchesAndDiffs(labels, refLabels);
        long numPos = Ops.count(md[0]);
        // every pair is positive or negative except, for the batch against itself, the diagonal: one read-back
        long numNeg = md[0].size() - numPos - (refLabels == null || refLabels == labels ? md[0].getShape().get(0) : 0);
        if (numPos <= 1 && numNeg <= 1) {
            return zeroTerms();
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        long m = mat.getShape().get(0);
        long n = mat.getShape().get(1);
        NDArray[] grid = {Ops.arange(mat, m).reshape(m, 1), Ops.arange(mat, n).reshape(1, n)};
        LossTerms t = new LossTerms();
        t.put("pos_loss", numPos == 0 ? LossTerm.zero()
                : LossTerm.masked(positiveLoss(mat), md[0], grid, ReductionType.POS_PAIR));
        t.put("neg_loss", numNeg == 0 ? LossTerm.zero()
                : LossTerm.masked(negativeLoss(mat), md[1], grid, ReductionType.NEG_PAIR));
        return t;
    }

    /**
     * Whether the loss of a pair depends on that pair's value alone ({@link #positiveLoss}, {@link #negativeLoss});
     * such losses have sub-losses {@code pos_loss} and {@code neg_loss}, and without a tuple they are computed on the
     * whole matrix with masks (default false).
     */
    protected boolean isElementwise() {
        return false;
    }

    /** Elementwise losses: the loss of positive pairs with these values (any shape, entry by entry). */
    protected NDArray positiveLoss(NDArray values) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not elementwise");
    }

    /** Elementwise losses: the loss of negative pairs with these values (any shape, entry by entry). */
    protected NDArray negativeLoss(NDArray values) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not elementwise");
    }

    /** The terms of a batch with nothing to learn: one zero term per sub-loss name. */
    protected LossTerms zeroTerms() {
        LossTerms t = new LossTerms();
        for (String name : subLossNames()) {
            t.put(name, LossTerm.zero());
        }
        return t;
    }

    /** The names of this loss's sub-losses (default: {@code loss}). */
    protected String[] subLossNames() {
        return new String[] {"loss"};
    }

    /**
     * A boolean mask [m, n] on the device of {@code like}, true at (rows[i], cols[i]), written on the device
     * (repeated pairs write the same value).
     */
    protected static NDArray mask(NDArray rows, NDArray cols, long m, long n, NDArray like) {
        NDManager manager = like.getManager();
        NDArray empty = manager.zeros(new Shape(m, n), DataType.BOOLEAN, like.getDevice());
        if (rows.size() == 0) {
            return empty;
        }
        try (empty; NDArray r = rows.toType(DataType.INT64, true); NDArray rn = Ops.mul(r, n);
             NDArray c = cols.toType(DataType.INT64, true); NDArray flat = rn.add(c);
             NDArray ones = manager.ones(rows.getShape(), DataType.BOOLEAN, like.getDevice())) {
            return empty.put(flat, ones);
        }
    }

    /** The row numbers 0..M−1 of a matrix [M, N] (int64): the indices of per-row (element) losses. */
    protected static NDArray rowIndices(NDArray mat) {
        return Ops.arange(mat, mat.getShape().get(0));
    }

    /**
     * How often each negative pair occurs [M, N] (float, the mat's type): the weight of each entry in a per-anchor
     * sum over negative pairs, as the reference sums over the list of pairs (repeats count again).
     */
    protected static NDArray negativeCounts(NDArray mat, IndicesTuple.Pairs pairs) {
        return Ops.pairCounts(pairs.a2(), pairs.n(), mat.getShape().get(0), mat.getShape().get(1), mat);
    }

    /**
     * log Σ over the negative pairs with anchor row r of exp(values[r, c]), counting repeated pairs again: [M, 1],
     * {@link Ops#negInf} for rows without negative pairs.
     */
    protected static NDArray negativeRowLogSumExp(NDArray values, NDArray negCounts) {
        try (NDArray keep = negCounts.gt(0); NDArray atLeastOne = Ops.maximum(negCounts, 1);
             NDArray logCount = atLeastOne.log(); NDArray weighted = values.add(logCount)) {
            return Ops.maskedRowLogSumExp(weighted, keep, Ops.negInf(values.getDataType()));
        }
    }

    /**
     * Pair-based losses: the whole matrix and the pairs; by default picks the pair values and calls
     * {@link #computeFromPairs(NDArray, NDArray, IndicesTuple.Pairs)}. Losses that aggregate negatives per anchor
     * override this to work on the matrix instead of on lists of pairs.
     */
    protected LossTerms computeFromPairs(NDArray mat, IndicesTuple.Pairs pairs) {
        NDArray pos = pairs.numPos() > 0 ? Ops.pick(mat, pairs.a1(), pairs.p()) : null;
        NDArray neg = pairs.numNeg() > 0 ? Ops.pick(mat, pairs.a2(), pairs.n()) : null;
        return computeFromPairs(pos, neg, pairs);
    }

    /**
     * Pair-based losses: {@code pos}/{@code neg} are the picked values (null when there are none). The default serves
     * elementwise losses: {@code pos_loss} and {@code neg_loss} from {@link #positiveLoss} and {@link #negativeLoss}.
     */
    protected LossTerms computeFromPairs(NDArray pos, NDArray neg, IndicesTuple.Pairs pairs) {
        if (!isElementwise()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " is matrix-based");
        }
        LossTerms t = new LossTerms();
        t.put("pos_loss", pos == null ? LossTerm.zero()
                : new LossTerm(positiveLoss(pos), new NDArray[] {pairs.a1(), pairs.p()}, ReductionType.POS_PAIR));
        t.put("neg_loss", neg == null ? LossTerm.zero()
                : new LossTerm(negativeLoss(neg), new NDArray[] {pairs.a2(), pairs.n()}, ReductionType.NEG_PAIR));
        return t;
    }

    /**
     * Matrix-based losses: the full matrix with boolean masks of the positive and negative pairs; {@code pairs} is the
     * mined tuple as pairs, or null when all pairs of the batch are used.
     */
    protected LossTerms computeFromMatrix(NDArray mat, NDArray posMask, NDArray negMask, IndicesTuple.Pairs pairs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is pair-based");
    }
}
