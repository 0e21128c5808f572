package dev.dml4j.train.model;

import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import java.util.Locale;

/** How a trunk turns its last feature map [B, C, H, W] into a vector [B, C]: global average or global max. */
public enum Pooling {
    /** Global average pooling (ResNet's default). */
    AVG,
    /** Global max pooling (often better for retrieval, e.g. Proxy-Anchor's setting). */
    MAX;

    /** The DJL block for this pooling. */
    public Block block() {
        return this == AVG ? Pool.globalAvgPool2dBlock() : Pool.globalMaxPool2dBlock();
    }

    /** Parses {@code avg} or {@code max} (case-insensitive). */
    public static Pooling parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown pooling '" + s + "'; use avg or max", e);
        }
    }
}
