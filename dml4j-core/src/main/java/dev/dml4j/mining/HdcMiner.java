package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * The mining of Hard-Aware Deeply Cascaded embeddings (Yuan et al. 2017), reference name {@code HDCMiner}: keeps the
 * hardest {@code filterPercentage} of the positive pairs (the farthest) and of the negative pairs (the closest),
 * ⌈fraction · count⌉ of each. Given a tuple from an earlier stage ({@link #mine(NDArray, NDArray, IndicesTuple)}),
 * it filters those pairs instead of all pairs, which is how the cascade is built. Returns pairs.
 */
public class HdcMiner extends Miner {
    private final double filterPercentage;

    /** The reference default: keep the hardest half, normalised Euclidean distance. */
    public HdcMiner() {
        this(0.5, null);
    }

    /**
     * @param filterPercentage the fraction in (0, 1] of positive and of negative pairs to keep (default 0.5)
     * @param distance the distance (null: normalised Euclidean)
     */
    public HdcMiner(double filterPercentage, Distance distance) {
        super(distance);
        Checks.require(filterPercentage > 0 && filterPercentage <= 1,
                "HDCMiner filter_percentage must be in (0, 1], got " + filterPercentage);
        this.filterPercentage = filterPercentage;
    }

    /** Builds from reference parameters {@code filter_percentage, distance}. */
    public static HdcMiner fromParams(Params params) {
        return new HdcMiner(params.getDouble("filter_percentage", 0.5),
                Components.optional(Distance.class, params, "distance"));
    }

    /**
     * Keeps the hardest fraction of the pairs of an earlier stage's tuple (a cascade stage); the given tuple is not
     * closed.
     */
    public IndicesTuple mine(NDArray embeddings, NDArray labels, IndicesTuple previous) {
        Checks.require(previous != null, "HDCMiner: the previous stage's tuple must not be null");
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            IndicesTuple.Pairs p = previous.toPairs();
            NDArray mat = distance.pairwise(embeddings.stopGradient(), null);
            IndicesTuple.Pairs out = filter(mat, p.a1(), p.p(), p.a2(), p.n());
            NDArray[] keep = {out.a1(), out.p(), out.a2(), out.n()};
            NDArray[] copies = new NDArray[4];
            for (int i = 0; i < 4; i++) {
                // never hand back the caller's own arrays: the result is closed independently
                copies[i] = keep[i].duplicate();
            }
            ai.djl.ndarray.NDScope.unregister(copies);
            return new IndicesTuple.Pairs(copies[0], copies[1], copies[2], copies[3]);
        }
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        IndicesTuple.Pairs all = Tuples.allPairs(labels, refLabels);
        return filter(mat, all.a1(), all.p(), all.a2(), all.n());
    }

    private IndicesTuple.Pairs filter(NDArray mat, NDArray a1, NDArray p, NDArray a2, NDArray n) {
        boolean inv = distance.isInverted();
        NDArray[] pos = hardest(mat, a1, p, !inv);
        NDArray[] neg = hardest(mat, a2, n, inv);
        return new IndicesTuple.Pairs(pos[0], pos[1], neg[0], neg[1]);
    }

    /** The ⌈fraction · count⌉ pairs with the largest (or smallest) values. */
    private NDArray[] hardest(NDArray mat, NDArray anchors, NDArray others, boolean largest) {
        long count = anchors.getShape().get(0);
        if (count == 0) {
            return new NDArray[] {anchors, others};
        }
        int k = (int) Math.ceil(filterPercentage * count);
        NDArray values = Ops.pick(mat, anchors, others);
        NDList top = values.topK(k, 0, largest, true);
        NDArray idx = top.get(1);
        return new NDArray[] {anchors.get(idx), others.get(idx)};
    }

    @Override
    public String toString() {
        return "HDCMiner(filter_percentage=" + filterPercentage + ", distance=" + distance + ")";
    }
}
