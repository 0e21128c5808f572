package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;

/**
 * For batches that are already laid out as triplets (anchor, positive, negative, anchor, positive, negative, ...):
 * returns triplets (3i, 3i+1, 3i+2). Labels are not read. Pair it with {@link OfflineMiner#tripletBatches}.
 */
public class EmbeddingsAlreadyPackagedAsTriplets extends Miner {

    /** The miner (it needs no parameters; the distance is unused). */
    public EmbeddingsAlreadyPackagedAsTriplets() {
        super(null);
    }

    /** Builds from reference parameters (none; {@code distance} is accepted and ignored). */
    public static EmbeddingsAlreadyPackagedAsTriplets fromParams(Params params) {
        params.getComponent("distance");
        return new EmbeddingsAlreadyPackagedAsTriplets();
    }

    @Override
    protected IndicesTuple doMine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        long n = embeddings.getShape().get(0);
        Checks.require(n % 3 == 0, "EmbeddingsAlreadyPackagedAsTriplets: the batch has " + n
                + " rows, not a multiple of 3; lay it out as anchor, positive, negative, anchor, ...");
        var m = embeddings.getManager();
        var dev = embeddings.getDevice();
        return new IndicesTuple.Triplets(m.arange(0, n, 3, DataType.INT64, dev), m.arange(1, n, 3, DataType.INT64, dev),
                m.arange(2, n, 3, DataType.INT64, dev));
    }
}
