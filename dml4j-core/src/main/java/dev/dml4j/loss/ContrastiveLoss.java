package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.reduce.AvgNonZeroReducer;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Contrastive loss (Hadsell et al. 2006): positive pairs pay [d − m<sub>pos</sub>]<sub>+</sub>, negative pairs
 * [m<sub>neg</sub> − d]<sub>+</sub> (reversed for similarities). Sub-losses {@code pos_loss} and {@code neg_loss},
 * each reduced by {@link AvgNonZeroReducer} by default.
 */
public class ContrastiveLoss extends GenericPairLoss {
    private final double posMargin;
    private final double negMargin;

    /** The reference default: pos margin 0, neg margin 1, normalised Euclidean distance. */
    public ContrastiveLoss() {
        this(0, 1, null, null);
    }

    /**
     * @param posMargin positive pairs closer than this pay nothing (default 0)
     * @param negMargin negative pairs farther than this pay nothing (default 1)
     * @param distance the distance (null: normalised Euclidean)
     * @param reducer the reducer of each sub-loss (null: average of non-zero)
     */
    public ContrastiveLoss(double posMargin, double negMargin, Distance distance, Reducer reducer) {
        super(distance, reducer, false);
        this.posMargin = posMargin;
        this.negMargin = negMargin;
    }

    /** Builds from reference parameters {@code pos_margin, neg_margin, distance, reducer}. */
    public static ContrastiveLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new ContrastiveLoss(params.getDouble("pos_margin", 0), params.getDouble("neg_margin", 1),
                c.distance(), c.reducer()), c);
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
    protected String[] subLossNames() {
        return new String[] {"pos_loss", "neg_loss"};
    }

    @Override
    protected boolean isElementwise() {
        return true;
    }

    /** [d − m<sub>pos</sub>]<sub>+</sub> (reversed for similarities). */
    @Override
    protected NDArray positiveLoss(NDArray pos) {
        return Ops.relu(distance.margin(pos, Ops.scalar(pos, posMargin)));
    }

    /** [m<sub>neg</sub> − d]<sub>+</sub> (reversed for similarities). */
    @Override
    protected NDArray negativeLoss(NDArray neg) {
        return Ops.relu(distance.margin(Ops.scalar(neg, negMargin), neg));
    }
}
