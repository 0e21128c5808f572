package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.AnchorPositives;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.AvgNonZeroReducer;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.ReductionType;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.util.Random;
import java.util.function.BinaryOperator;

/**
 * Triplet margin loss (Weinberger &amp; Saul 2009; Schroff et al. 2015): [d(a,p) − d(a,n) + margin]<sub>+</sub>
 * per triplet (softplus when smooth). With {@code swap}, d(a,n) is replaced by the closer of d(a,n) and d(p,n)
 * (Balntas et al. 2016). Without a miner it uses all triplets, or {@code tripletsPerAnchor} random ones.
 */
public class TripletMarginLoss extends MetricLoss {
    /**
     * Below one needed distance per this many matrix entries, mined triplets take their distances pair by pair
     * ({@link Distance#pairs}) instead of from the full matrix: element-wise work per pair is some ten times the cost of
     * a matrix entry in the engine's matrix product, forward and backward.
     */
    static final int PAIRS_PER_MATRIX_ENTRY = 16;

    /** Use every triplet of the batch. */
    public static final int ALL = -1;

    private final double margin;
    private final boolean swap;
    private final boolean smoothLoss;
    private final int tripletsPerAnchor;
    private final Random rng = new Random(0);

    /** The reference default: margin 0.05, no swap, hinge, all triplets. */
    public TripletMarginLoss() {
        this(0.05, false, false, ALL, null, null);
    }

    /** A triplet loss with the given margin and the other defaults. */
    public TripletMarginLoss(double margin) {
        this(margin, false, false, ALL, null, null);
    }

    /**
     * @param margin the desired gap between negative and positive distance (default 0.05; ≥ 0)
     * @param swap use the closer of d(a,n), d(p,n) (default false)
     * @param smoothLoss softplus instead of the hinge (default false)
     * @param tripletsPerAnchor {@link #ALL} (default) or how many random triplets per anchor
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer (null: average of non-zero)
     */
    public TripletMarginLoss(double margin, boolean swap, boolean smoothLoss, int tripletsPerAnchor,
            Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.margin = Checks.atLeast(margin, 0, "TripletMarginLoss margin");
        Checks.require(tripletsPerAnchor == ALL || tripletsPerAnchor > 0,
                "tripletsPerAnchor must be ALL or > 0, got " + tripletsPerAnchor);
        this.swap = swap;
        this.smoothLoss = smoothLoss;
        this.tripletsPerAnchor = tripletsPerAnchor;
    }

    /** Builds from reference parameters {@code margin, swap, smooth_loss, triplets_per_anchor, distance, reducer}. */
    public static TripletMarginLoss fromParams(Params params) {
        Common c = common(params);
        Object tpa = params.raw("triplets_per_anchor");
        int perAnchor = tpa == null || "all".equals(tpa) ? ALL : params.getInt("triplets_per_anchor", ALL);
        return apply(new TripletMarginLoss(params.getDouble("margin", 0.05), params.getBoolean("swap", false),
                params.getBoolean("smooth_loss", false), perAnchor, c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        if (tuple == null && tripletsPerAnchor == ALL) {
            return allTriplets(embeddings, labels, refEmbeddings, refLabels);
        }
        IndicesTuple.Triplets t = tuple != null ? tuple.toTriplets()
                : Tuples.randomTriplets(labels, refLabels, tripletsPerAnchor, rng);
        if (t.count() == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        long m = embeddings.getShape().get(0);
        long n = refEmbeddings == null ? m : refEmbeddings.getShape().get(0);
        // distance(rows, cols): the matrix's entries, from the matrix itself or, for few triplets (batch-hard: one per
        // anchor), pair by pair without the whole matrix and its backward (batch of 256: 3 products of 256 x 256 x D)
        BinaryOperator<NDArray> d;
        if (t.count() * (swap ? 3 : 2) * PAIRS_PER_MATRIX_ENTRY <= m * n) {
            d = (rows, cols) -> distance.pairs(embeddings, refEmbeddings, rows, cols);
        } else {
            NDArray mat = distance.pairwise(embeddings, refEmbeddings);
            d = (rows, cols) -> Ops.pick(mat, rows, cols);
        }
        NDArray ap = d.apply(t.a(), t.p());
        NDArray an = d.apply(t.a(), t.n());
        if (swap) {
            // the matrix's entry (p, n), as the reference takes it (p as a row of the query side)
            an = Ops.closer(an, d.apply(t.p(), t.n()), distance.isInverted());
        }
        return LossTerms.of(new LossTerm(tripletLoss(ap, an), new NDArray[] {t.a(), t.p(), t.n()},
                ReductionType.TRIPLET));
    }

    /**
     * Every triplet of the batch as a masked [M, P, N] term (anchor × positive slot × negative, see
     * {@link AnchorPositives}): the same losses as the list of all triplets, without building it.
     */
    private LossTerms allTriplets(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        AnchorPositives all = AnchorPositives.of(labels, refLabels);
        if (all.numTriplets() == 0) {
            return LossTerms.of(LossTerm.zero());
        }
        NDArray mat = distance.pairwise(embeddings, refEmbeddings);
        NDArray[] d = all.anchorPositiveAndNegative(mat);
        NDArray ap = d[0];
        NDArray an = d[1];
        if (swap) {
            // d(p, n) for every positive slot: rows of the matrix at the positives, [M, P, N]
            an = Ops.closer(an, mat.get(all.positives()), distance.isInverted());
        }
        return LossTerms.of(LossTerm.masked(tripletLoss(ap, an), all.tripletMask(), all.indexGrids(),
                ReductionType.TRIPLET));
    }

    /** [d(a,p) − d(a,n) + margin]<sub>+</sub> (softplus when smooth), entry by entry (broadcasting). */
    private NDArray tripletLoss(NDArray ap, NDArray an) {
        NDArray violation = distance.margin(ap, an).add(margin);
        return smoothLoss ? Ops.softplus(violation) : Ops.relu(violation);
    }
}
