package dev.dml4j.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.DivisorReducer;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * SoftTriple's center regulariser (Qian et al. 2019, τ): for every pair of centers of one class,
 * √(2 + ε − 2 s) with s their cosine similarity (the distance between the unit centers), summed and divided by
 * 2 × the number of pairs ({@link DivisorReducer}); shrinks similar centers together so they can be merged. Rows
 * are {@code c · centersPerClass + k}.
 */
public class SparseCentersRegularizer extends Regularizer {
    private final int numClasses;
    private final int centersPerClass;

    /**
     * @param numClasses C (&gt; 0)
     * @param centersPerClass K (&gt; 1)
     * @param distance must be cosine similarity (null: it)
     * @param reducer the reducer (null: divisor)
     */
    public SparseCentersRegularizer(int numClasses, int centersPerClass, Distance distance, Reducer reducer) {
        super(distance == null ? new CosineSimilarity() : distance, reducer);
        Checks.require(numClasses > 0, "SparseCentersRegularizer num_classes must be > 0, got " + numClasses);
        Checks.require(centersPerClass > 1, "SparseCentersRegularizer centers_per_class must be > 1, got "
                + centersPerClass);
        if (!(this.distance instanceof CosineSimilarity)) {
            throw new IllegalArgumentException("SparseCentersRegularizer needs CosineSimilarity, got " + this.distance);
        }
        this.numClasses = numClasses;
        this.centersPerClass = centersPerClass;
    }

    /** Builds from reference parameters {@code num_classes, centers_per_class, distance, reducer}. */
    public static SparseCentersRegularizer fromParams(Params params) {
        return new SparseCentersRegularizer(params.getInt("num_classes", 0), params.getInt("centers_per_class", 0),
                Components.optional(Distance.class, params, "distance"),
                Components.optional(Reducer.class, params, "reducer"));
    }

    @Override
    protected Reducer defaultReducer() {
        return new DivisorReducer();
    }

    @Override
    protected LossTerms computeTerms(NDArray w) {
        int rows = numClasses * centersPerClass;
        if (w.getShape().get(0) != rows) {
            throw new IllegalArgumentException("SparseCentersRegularizer(num_classes=" + numClasses
                    + ", centers_per_class=" + centersPerClass + ") needs " + rows + " weight rows, got "
                    + w.getShape().get(0));
        }
        int k = centersPerClass;
        int pairs = numClasses * k * (k - 1) / 2;
        long[] flat = new long[pairs];
        int p = 0;
        for (int c = 0; c < numClasses; c++) {
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    flat[p++] = (long) (c * k + a) * rows + (c * k + b);
                }
            }
        }
        NDArray sim = distance.pairwise(w);
        NDArray idx = Ops.create(w.getManager(), flat).toDevice(w.getDevice(), false);
        NDArray s = sim.reshape(-1).get(idx);
        NDArray clamped = Ops.minimum(Ops.mul(s, 2), 2);
        NDArray reg = clamped.neg().add(2.0 + Ops.smallVal(w.getDataType())).sqrt();
        NDArray elem = w.getManager().arange(0, pairs, 1, DataType.INT64, w.getDevice());
        return LossTerms.of(LossTerm.element(reg, elem).withDivisor(2.0 * pairs));
    }
}
