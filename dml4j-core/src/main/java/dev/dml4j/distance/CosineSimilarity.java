package dev.dml4j.distance;

import ai.djl.ndarray.NDArray;
import dev.dml4j.util.Params;

/** Cosine similarity q·r / (‖q‖‖r‖): the dot product of L2-normalised embeddings (a similarity: inverted). */
public class CosineSimilarity extends DotProductSimilarity {

    /** Cosine similarity (embeddings are always normalised). */
    public CosineSimilarity() {
        this(1);
    }

    /** Cosine similarity raised to {@code power} (default 1). */
    public CosineSimilarity(double power) {
        super(true, power);
    }

    /** Builds from reference parameters ({@code power}; {@code normalize_embeddings} must stay true). */
    public static CosineSimilarity fromParams(Params params) {
        if (!params.getBoolean("normalize_embeddings", true)) {
            throw new IllegalArgumentException("CosineSimilarity always normalises; use DotProductSimilarity instead");
        }
        params.getDouble("p", 2);
        return new CosineSimilarity(params.getDouble("power", 1));
    }
}
