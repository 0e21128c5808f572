package dev.dml4j.eval;

/**
 * The k nearest references of each query: row q holds reference row indices, nearest first, and the metric's value
 * for each (a distance for the Euclidean metrics, a similarity for cosine and dot). Equal values are ordered by the
 * smaller reference index. Every row has the same length, min(k, number of candidate references).
 *
 * @param indices   [Q][k'] reference row indices
 * @param distances [Q][k'] the metric's value for each neighbour
 */
public record KnnResult(long[][] indices, float[][] distances) {

    /** The number of query rows. */
    public int numQueries() {
        return indices.length;
    }

    /** The number of neighbours per row (k, or fewer when the reference set is smaller). */
    public int k() {
        return indices.length == 0 ? 0 : indices[0].length;
    }
}
