package dev.dml4j.train.transform;

import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * torchvision's {@code Resize} (bilinear, antialiased): with one size the shorter side becomes {@code size} and the
 * other keeps the aspect ratio (truncated, as torchvision does); with two sizes the image becomes exactly
 * {@code height × width}.
 */
public final class Resize extends HostTransform {
    private final int size;
    private final int height;
    private final int width;

    /** @param size the length of the shorter side after resizing, in pixels */
    public Resize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("Resize size must be >= 1 pixel, got " + size);
        }
        this.size = size;
        this.height = -1;
        this.width = -1;
    }

    /** Resizes to exactly {@code height × width} pixels (the aspect ratio may change). */
    public Resize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Resize size must be positive, got " + height + "x" + width);
        }
        this.size = -1;
        this.height = height;
        this.width = width;
    }

    /** The output [height, width] for an input of {@code h × w}. */
    int[] outputSize(int h, int w) {
        if (size < 0) {
            return new int[] {height, width};
        }
        if (w <= h) {
            return new int[] {(int) ((long) size * h / w), size};
        }
        return new int[] {size, (int) ((long) size * w / h)};
    }

    @Override
    protected String who() {
        return "Resize";
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        int h = image.height();
        int w = image.width();
        int[] o = outputSize(h, w);
        if (o[0] == h && o[1] == w) {
            return image;
        }
        float[] out = ImageOps.resizeBox(image.pixels(), image.channels(), h, w, 0, 0, h, w, o[0], o[1]);
        return new HostImage(out, image.channels(), o[0], o[1]);
    }

    @Override
    public String toString() {
        return size > 0 ? "Resize(" + size + ")" : "Resize(" + height + ", " + width + ")";
    }
}
