package dev.dml4j.eval;

/** TEMPORARY stand-in until the eval branch lands. */
public record KnnResult(int[][] indices, float[][] distances) {
}
