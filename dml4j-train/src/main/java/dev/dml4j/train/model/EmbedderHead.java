package dev.dml4j.train.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.dml4j.util.Checks;

/**
 * The embedder on top of a trunk: a linear layer to the embedding size D, optionally followed by batch
 * normalisation and by L2 normalisation of each row (so embeddings lie on the unit sphere).
 */
public final class EmbedderHead {
    private EmbedderHead() {
    }

    /**
     * Builds the head.
     *
     * @param embeddingSize D ≥ 1 (2 for plots)
     * @param batchNorm add batch norm after the linear layer (default false)
     * @param l2Normalize L2-normalise each embedding (default false)
     */
    public static SequentialBlock build(int embeddingSize, boolean batchNorm, boolean l2Normalize) {
        Checks.require(embeddingSize >= 1, "embedding size must be >= 1, got " + embeddingSize);
        SequentialBlock b = new SequentialBlock();
        b.add(Linear.builder().setUnits(embeddingSize).build());
        if (batchNorm) {
            b.add(BatchNorm.builder().build());
        }
        if (l2Normalize) {
            b.add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().normalize(2, 1)), "l2normalize"));
        }
        return b;
    }
}
