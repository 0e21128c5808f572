package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A loss that owns a row-per-proxy weight matrix [rows, D] (proxies, class weights W, centers). Rows follow the
 * reference layout (SoftTriple: row {@code c * centersPerClass + k} is center k of class c; SubCenterArcFace: row
 * {@code c * subCenters + k}). The weights are saved and loaded with the model through {@link #saveWeights} and
 * {@link #loadWeights} (format: {@link LossWeights#write}).
 */
public interface WeightedLoss {

    /** The weight matrix [rows, D] (live: it is the trainable array). */
    NDArray getWeights();

    /**
     * Replaces the weights with a copy of {@code rowPerProxy} [rows, D] (same shape as now), keeping its floating
     * type and device; forward casts them to the embeddings' type and device when these differ, as the reference.
     */
    void setWeights(NDArray rowPerProxy);

    /** Writes the weights to a stream (shape, type and values; see {@link LossWeights#write}). */
    default void saveWeights(OutputStream out) throws IOException {
        LossWeights.write(getWeights(), getClass().getSimpleName(), out);
    }

    /** Reads weights written by {@link #saveWeights(OutputStream)} (same shape required) and sets them. */
    default void loadWeights(InputStream in) throws IOException {
        try (ai.djl.ndarray.NDManager m = getWeights().getManager().newSubManager()) {
            setWeights(LossWeights.read(m, in, getWeights().getShape()));
        }
    }

    /** Writes the weights to a file (created or replaced). */
    default void saveWeights(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            saveWeights(out);
        }
    }

    /** Reads weights from a file written by {@link #saveWeights(Path)}. */
    default void loadWeights(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            loadWeights(in);
        }
    }
}
