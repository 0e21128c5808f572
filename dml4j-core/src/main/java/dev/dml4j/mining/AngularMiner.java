package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Keeps the triplets whose angle at the negative exceeds {@code angle} degrees, the angle of the Angular loss
 * (Wang et al. 2017): tan ∠n = ‖a − p‖ / (2‖n − c‖) with c = (a + p)/2. Distances are taken between the raw rows as the
 * reference does (‖x − y + 10⁻⁶‖₂, no normalisation). Returns triplets. The distance must be the default
 * (normalised Euclidean), as in the reference.
 */
public class AngularMiner extends Miner {
    /** The epsilon the reference's row-wise Euclidean distance adds to every difference. */
    static final double PAIRWISE_EPS = 1e-6;

    private final double angleDegrees;

    /** The reference default: 20 degrees. */
    public AngularMiner() {
        this(20, null);
    }

    /**
     * @param angleDegrees the threshold in degrees (default 20)
     * @param distance must be null or the default LpDistance(p=2, power=1, normalized)
     */
    public AngularMiner(double angleDegrees, Distance distance) {
        super(distance);
        Checks.require(this.distance instanceof LpDistance && this.distance.p() == 2 && this.distance.power() == 1
                && this.distance.normalizesEmbeddings(), "AngularMiner needs LpDistance(p=2, power=1, "
                + "normalize_embeddings=True), got " + this.distance);
        this.angleDegrees = Checks.atLeast(angleDegrees, 0, "AngularMiner angle");
    }

    /** Builds from reference parameters {@code angle, distance}. */
    public static AngularMiner fromParams(Params params) {
        return new AngularMiner(params.getDouble("angle", 20), Components.optional(Distance.class, params, "distance"));
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        IndicesTuple.Triplets all = Tuples.allTriplets(labels, refLabels);
        if (all.count() == 0) {
            return all;
        }
        NDArray ref = refEmbeddings == null ? embeddings : refEmbeddings;
        NDArray a = Ops.rows(embeddings, all.a());
        NDArray p = Ops.rows(ref, all.p());
        NDArray n = Ops.rows(ref, all.n());
        NDArray centers = Ops.div(a.add(p), 2);
        NDArray ap = rowDistance(a, p);
        NDArray nc = rowDistance(n, centers);
        NDArray angles = ap.div(Ops.mul(nc, 2)).atan();
        NDArray keep = angles.gt(Math.toRadians(angleDegrees));
        return new IndicesTuple.Triplets(all.a().get(keep), all.p().get(keep), all.n().get(keep));
    }

    /** ‖x − y + ε‖₂ per row, the reference's row-wise Euclidean distance. */
    private static NDArray rowDistance(NDArray x, NDArray y) {
        try (NDArray d = x.sub(y); NDArray e = d.add(PAIRWISE_EPS); NDArray sq = e.square();
             NDArray s = sq.sum(new int[] {1})) {
            return s.sqrt();
        }
    }

    @Override
    public String toString() {
        return "AngularMiner(angle=" + angleDegrees + ")";
    }
}
