package dev.dml4j.loss;

import dev.dml4j.distance.Distance;
import dev.dml4j.distance.SnrDistance;
import dev.dml4j.reduce.AvgNonZeroReducer;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Params;

/**
 * Signal-to-noise-ratio contrastive loss (Yuan et al. 2019): the contrastive loss on the SNR distance,
 * [d<sub>SNR</sub>(a,p) − m<sub>pos</sub>]<sub>+</sub> and [m<sub>neg</sub> − d<sub>SNR</sub>(a,n)]<sub>+</sub>.
 * Sub-losses {@code pos_loss} and {@code neg_loss}, each an average of non-zero by default. (The paper's zero-mean
 * regulariser is the separate ZeroMeanRegularizer, as in the reference.)
 */
public class SignalToNoiseRatioContrastiveLoss extends ContrastiveLoss {

    /** The reference default: pos margin 0, neg margin 1, SNR distance. */
    public SignalToNoiseRatioContrastiveLoss() {
        this(0, 1, null, null);
    }

    /**
     * @param posMargin positive pairs with SNR distance below this pay nothing (default 0)
     * @param negMargin negative pairs with SNR distance above this pay nothing (default 1)
     * @param distance must be the SNR distance (null: SNR distance)
     * @param reducer the reducer of each sub-loss (null: average of non-zero)
     */
    public SignalToNoiseRatioContrastiveLoss(double posMargin, double negMargin, Distance distance, Reducer reducer) {
        super(posMargin, negMargin, distance, reducer);
        if (!(this.distance instanceof SnrDistance)) {
            throw new IllegalArgumentException("SignalToNoiseRatioContrastiveLoss needs SNRDistance, got "
                    + this.distance);
        }
    }

    /** Builds from reference parameters {@code pos_margin, neg_margin, distance, reducer}. */
    public static SignalToNoiseRatioContrastiveLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new SignalToNoiseRatioContrastiveLoss(params.getDouble("pos_margin", 0),
                params.getDouble("neg_margin", 1), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new SnrDistance();
    }

    @Override
    protected Reducer defaultReducer() {
        return new AvgNonZeroReducer();
    }
}
