package dev.dml4j.eval;

/**
 * How {@link ExactKnn} measures closeness: two distances (smaller is nearer) and two similarities (larger is
 * nearer). The names follow pytorch-metric-learning's {@code LpDistance(power=1)}, {@code LpDistance(power=2)},
 * {@code CosineSimilarity} and {@code DotProductSimilarity}.
 */
public enum KnnMetric {
    /** ‖q − r‖₂, the default of pytorch-metric-learning's AccuracyCalculator (faiss flat L2 index, square-rooted). */
    EUCLIDEAN(false),
    /** ‖q − r‖₂², same ranking as {@link #EUCLIDEAN} without the square root. */
    SQUARED_EUCLIDEAN(false),
    /** q·r / (‖q‖‖r‖); a zero vector has similarity 0 to everything. */
    COSINE(true),
    /** q·r, the inner product (maximum inner-product search). */
    DOT(true);

    private final boolean similarity;

    KnnMetric(boolean similarity) {
        this.similarity = similarity;
    }

    /** Whether larger values mean nearer (cosine, dot) rather than smaller (the Euclidean distances). */
    public boolean isSimilarity() {
        return similarity;
    }

    /** The metric by a case-insensitive name: euclidean, squared_euclidean, cosine, dot (also l2, sqeuclidean, ip). */
    public static KnnMetric parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "euclidean", "l2" -> EUCLIDEAN;
            case "squared_euclidean", "sqeuclidean", "squared_l2" -> SQUARED_EUCLIDEAN;
            case "cosine" -> COSINE;
            case "dot", "ip", "inner_product" -> DOT;
            default -> throw new IllegalArgumentException("unknown k-NN metric '" + name
                    + "'; use one of euclidean, squared_euclidean, cosine, dot");
        };
    }
}
