package dev.dml4j.index;

/**
 * The verdict of {@link EmbeddingIndex#match}: {@code matched} is true when the nearest gallery item lies within the
 * distance threshold; {@code nearest} is that item (null only for an empty index).
 */
public record Match(boolean matched, Hit nearest, double threshold) {
}
