package dev.dml4j.eval;

/** TEMPORARY stand-in until the eval branch lands; replaced by the eval branch's file at merge. */
public enum KnnMetric {
    /** Euclidean distance. */
    EUCLIDEAN,
    /** Squared Euclidean distance. */
    SQUARED_EUCLIDEAN,
    /** Cosine. */
    COSINE,
    /** Dot product. */
    DOT
}
