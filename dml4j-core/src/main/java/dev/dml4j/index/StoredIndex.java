package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.io.IOException;
import java.nio.file.Path;

/** What both backends share: the gallery store, its accessors and saving through {@link IndexFile}. */
abstract class StoredIndex implements EmbeddingIndex {
    final VectorStore store;

    StoredIndex(VectorStore store) {
        this.store = store;
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public int dim() {
        return store.dim();
    }

    @Override
    public KnnMetric metric() {
        return store.metric();
    }

    @Override
    public long label(int index) {
        return store.label(index);
    }

    @Override
    public String id(int index) {
        return store.id(index);
    }

    @Override
    public float[] vector(int index) {
        return store.row(index).clone();
    }

    @Override
    public void save(Path file) throws IOException {
        IndexFile.write(file, this);
    }
}
