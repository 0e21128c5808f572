package dev.dml4j.index;

/**
 * One search result: the gallery item at {@code index} (insertion order, from 0), its label, its id (null when the
 * item was added without ids) and its distance to the query in the index's metric (smaller = closer; see
 * {@link EmbeddingIndex} for each metric's distance).
 */
public record Hit(int index, String id, long label, float distance) {
}
