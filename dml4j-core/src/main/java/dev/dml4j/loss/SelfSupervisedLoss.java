package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.util.Checks;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import java.util.List;
import java.util.Set;

/**
 * Wraps a pair/triplet loss for self-supervised learning: {@code embeddings} and {@code refEmbeddings} are two views
 * (augmentations) of the same N inputs, and row i of one view is the only positive of row i of the other (labels are
 * 0..N−1). Symmetric (default): the loss runs on the 2N rows of both views together; otherwise the first view is the
 * anchors and the second the reference set. Only losses for which this makes sense are accepted, as in the reference.
 */
public class SelfSupervisedLoss extends MetricLoss {
    /** The wrapped losses the reference supports (Java and reference spellings). */
    static final Set<String> SUPPORTED = Set.of("AngularLoss", "CircleLoss", "ContrastiveLoss",
            "GeneralizedLiftedStructureLoss", "IntraPairVarianceLoss", "LiftedStructureLoss", "MultiSimilarityLoss",
            "NTXentLoss", "NtXentLoss", "SignalToNoiseRatioContrastiveLoss", "SupConLoss", "TripletMarginLoss",
            "NCALoss", "NcaLoss", "TupletMarginLoss");

    private final MetricLoss loss;
    private final boolean symmetric;

    /**
     * @param loss the wrapped loss (one of the supported pair/triplet losses)
     * @param symmetric use both views as anchors (default true)
     */
    public SelfSupervisedLoss(MetricLoss loss, boolean symmetric) {
        super(null, null);
        Checks.require(loss != null, "SelfSupervisedLoss needs a loss to wrap");
        Checks.require(SUPPORTED.contains(loss.getClass().getSimpleName()), "SelfSupervisedLoss not supported for "
                + loss.getClass().getSimpleName() + "; use one of " + new java.util.TreeSet<>(SUPPORTED));
        this.loss = loss;
        this.symmetric = symmetric;
    }

    /** Builds from reference parameters {@code loss} (required) and {@code symmetric} (default true). */
    public static SelfSupervisedLoss fromParams(Params params) {
        ComponentSpec ls = params.getComponent("loss");
        Checks.require(ls != null, "SelfSupervisedLoss needs 'loss': {class: ..., params: {...}}");
        return new SelfSupervisedLoss(Components.create(MetricLoss.class, ls), params.getBoolean("symmetric", true));
    }

    @Override
    protected Distance defaultDistance() {
        return new dev.dml4j.distance.LpDistance();
    }

    /** The wrapped loss's distance. */
    @Override
    public Distance distance() {
        return loss.distance();
    }

    @Override
    public boolean requiresLabels() {
        return false;
    }

    @Override
    public List<LossParameter> parameters() {
        return loss.parameters();
    }

    /** The loss of two views [N, D] of the same inputs. */
    public NDArray forward(NDArray embeddings, NDArray refEmbeddings) {
        return forward(embeddings, null, null, refEmbeddings, null);
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        Checks.require(labels == null && refLabels == null && tuple == null,
                "SelfSupervisedLoss makes its own labels (row i of each view is one class): pass no labels or tuple");
        Checks.require(refEmbeddings != null,
                "SelfSupervisedLoss needs the second view: pass it as refEmbeddings");
        validate(embeddings, null, refEmbeddings, null);
        Checks.require(refEmbeddings.getShape().equals(embeddings.getShape()), "SelfSupervisedLoss: refEmbeddings "
                + refEmbeddings.getShape() + " must have the shape of embeddings " + embeddings.getShape());
        int n = (int) embeddings.getShape().get(0);
        try (NDScope scope = new NDScope()) {
            NDArray lab = embeddings.getManager().arange(0, n, 1, DataType.INT64, embeddings.getDevice());
            NDArray out;
            if (symmetric) {
                out = loss.forward(embeddings.concat(refEmbeddings), lab.concat(lab));
            } else {
                out = loss.forward(embeddings, lab, null, refEmbeddings, lab.duplicate());
            }
            return out;
        }
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        throw new UnsupportedOperationException("SelfSupervisedLoss computes its loss in forward");
    }

    @Override
    public void close() {
        loss.close();
    }
}
