package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
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
        IndicesTuple.Pairs pairs = tuple == null ? Tuples.allPairs(labels, refLabels) : tuple.toPairs();
        if (pairs.numPos() <= 1 && pairs.numNeg() <= 1) {
            return zeroTerms();
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        if (matrixBased) {
            NDArray posMask = mask(mat, pairs.a1(), pairs.p());
            NDArray negMask = mask(mat, pairs.a2(), pairs.n());
            return computeFromMatrix(mat, posMask, negMask, pairs);
        }
        NDArray pos = pairs.numPos() > 0 ? Ops.pick(mat, pairs.a1(), pairs.p()) : null;
        NDArray neg = pairs.numNeg() > 0 ? Ops.pick(mat, pairs.a2(), pairs.n()) : null;
        return computeFromPairs(pos, neg, pairs);
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

    /** A {0,1} float mask [M, N] with ones at (rows[i], cols[i]). */
    protected static NDArray mask(NDArray mat, NDArray rows, NDArray cols) {
        long m = mat.getShape().get(0);
        long n = mat.getShape().get(1);
        NDArray z = mat.zerosLike().reshape(-1);
        if (rows.getShape().get(0) == 0) {
            return z.reshape(m, n);
        }
        NDArray idx = rows.mul(n).add(cols);
        NDArray ones = Ops.oneHot(idx, (int) (m * n), mat.getDataType()).max(new int[] {0});
        return ones.reshape(m, n);
    }

    /** Pair-based losses: {@code pos}/{@code neg} are the picked values (null when there are none). */
    protected LossTerms computeFromPairs(NDArray pos, NDArray neg, IndicesTuple.Pairs pairs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is matrix-based");
    }

    /** Matrix-based losses: the full matrix with {0,1} masks of positive and negative pairs. */
    protected LossTerms computeFromMatrix(NDArray mat, NDArray posMask, NDArray negMask, IndicesTuple.Pairs pairs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is pair-based");
    }
}
