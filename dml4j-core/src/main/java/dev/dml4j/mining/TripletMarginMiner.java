package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;
import java.util.Locale;

/**
 * Keeps the triplets whose margin m = d(a,n) − d(a,p) (reversed for similarities) is informative:
 * {@code ALL}: m ≤ margin; {@code HARD}: m ≤ 0; {@code SEMIHARD}: 0 &lt; m ≤ margin; {@code EASY}: m &gt; margin.
 */
public class TripletMarginMiner extends Miner {
    /** Which triplets to keep. */
    public enum Type { ALL, HARD, SEMIHARD, EASY }

    private final double margin;
    private final Type type;

    /** The reference default: margin 0.2, all triplets that violate it. */
    public TripletMarginMiner() {
        this(0.2, Type.ALL, null);
    }

    /**
     * @param margin the margin that separates easy from the rest (default 0.2)
     * @param type which triplets to keep (default ALL)
     * @param distance the distance (null: normalised Euclidean)
     */
    public TripletMarginMiner(double margin, Type type, Distance distance) {
        super(distance);
        this.margin = Checks.atLeast(margin, 0, "TripletMarginMiner margin");
        this.type = type;
    }

    /** Builds from reference parameters {@code margin, type_of_triplets, distance}. */
    public static TripletMarginMiner fromParams(Params params) {
        String t = params.getString("type_of_triplets", "all").toUpperCase(Locale.ROOT);
        Type type;
        try {
            type = Type.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TripletMarginMiner: type_of_triplets must be all, hard, semihard or "
                    + "easy, got '" + t.toLowerCase(Locale.ROOT) + "'");
        }
        return new TripletMarginMiner(params.getDouble("margin", 0.2), type,
                dev.dml4j.util.Components.optional(Distance.class, params, "distance"));
    }

    /** Works on the [M, P, N] block of all triplets (see {@link AnchorPositives}), listing only the kept ones. */
    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        AnchorPositives all = AnchorPositives.of(labels, refLabels);
        if (all.numTriplets() == 0) {
            return all.triplets(all.tripletMask());
        }
        NDArray[] d = all.anchorPositiveAndNegative(distance.pairwise(embeddings, refEmbeddings));
        NDArray m = distance.margin(d[1], d[0]);
        NDArray keep = switch (type) {
            case EASY -> m.gt(margin);
            case ALL -> m.lte(margin);
            case HARD -> m.lte(margin).logicalAnd(m.lte(0));
            case SEMIHARD -> m.lte(margin).logicalAnd(m.gt(0));
        };
        return all.triplets(keep.logicalAnd(all.tripletMask()));
    }
}
