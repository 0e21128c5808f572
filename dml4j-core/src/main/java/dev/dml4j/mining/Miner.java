package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.dml4j.distance.Distance;
import dev.dml4j.util.Checks;

/**
 * Chooses the informative pairs or triplets of a batch before the loss sees them. Mining never carries gradient
 * (it reads detached embeddings) and every tensor it makes, except the returned indices, is closed.
 */
public abstract class Miner {
    protected final Distance distance;

    /** @param distance the distance to mine with (null: {@link #defaultDistance()}) */
    protected Miner(Distance distance) {
        this.distance = distance == null ? defaultDistance() : distance;
    }

    /** The distance used when none is given (reference default: normalised Euclidean). */
    protected Distance defaultDistance() {
        return new dev.dml4j.distance.LpDistance();
    }

    /** The distance this miner uses. */
    public Distance distance() {
        return distance;
    }

    /** Mines tuples within one batch. */
    public IndicesTuple mine(NDArray embeddings, NDArray labels) {
        return mine(embeddings, labels, null, null);
    }

    /**
     * Mines tuples with anchors from {@code embeddings} and positives/negatives from a reference set.
     *
     * @param embeddings [N, D]
     * @param labels [N]
     * @param refEmbeddings [M, D], or null for the batch itself
     * @param refLabels [M], required with refEmbeddings
     */
    public IndicesTuple mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        Checks.embeddings(embeddings, "embeddings");
        Checks.labels(labels, embeddings.getShape().get(0), "labels");
        if (refEmbeddings != null) {
            Checks.embeddings(refEmbeddings, "refEmbeddings");
            Checks.require(refLabels != null, "refEmbeddings were given without refLabels");
            Checks.labels(refLabels, refEmbeddings.getShape().get(0), "refLabels");
        }
        try (NDScope scope = new NDScope()) {
            NDArray e = embeddings.stopGradient();
            NDArray r = refEmbeddings == null ? null : refEmbeddings.stopGradient();
            IndicesTuple t = doMine(e, labels, r, refEmbeddings == null ? null : refLabels);
            switch (t) {
                case IndicesTuple.Pairs p -> NDScope.unregister(p.a1(), p.p(), p.a2(), p.n());
                case IndicesTuple.Triplets tr -> NDScope.unregister(tr.a(), tr.p(), tr.n());
            }
            return t;
        }
    }

    /** Mines on detached embeddings; refEmbeddings/refLabels null mean "the batch itself". */
    protected abstract IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings,
            NDArray refLabels);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(distance=" + distance + ")";
    }
}
