package dev.dml4j.train.transform;

import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * torchvision's {@code CenterCrop}: the central {@code height × width} window, its top-left corner at
 * round((H − height) / 2), round((W − width) / 2) with Python's round-half-to-even; an image smaller than the crop is
 * padded with zeros first, as torchvision does.
 */
public final class CenterCrop extends HostTransform {
    private final int height;
    private final int width;

    /** A square crop of {@code size × size} pixels. */
    public CenterCrop(int size) {
        this(size, size);
    }

    /** A crop of {@code height × width} pixels. */
    public CenterCrop(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("CenterCrop size must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    /** The top-left corner of the crop in an {@code h × w} image, after torchvision's zero padding. */
    static int[] corner(int h, int w, int cropH, int cropW) {
        int padTop = cropH > h ? (cropH - h) / 2 : 0;
        int padLeft = cropW > w ? (cropW - w) / 2 : 0;
        int ph = Math.max(h, cropH);
        int pw = Math.max(w, cropW);
        int top = (int) Math.rint((ph - cropH) / 2.0) - padTop;
        int left = (int) Math.rint((pw - cropW) / 2.0) - padLeft;
        return new int[] {top, left};
    }

    @Override
    protected String who() {
        return "CenterCrop";
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        int h = image.height();
        int w = image.width();
        if (h == height && w == width) {
            return image;
        }
        int[] tl = corner(h, w, height, width);
        float[] out = ImageOps.crop(image.pixels(), image.channels(), h, w, tl[0], tl[1], height, width);
        return new HostImage(out, image.channels(), height, width);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + height + ", " + width + ")";
    }
}
