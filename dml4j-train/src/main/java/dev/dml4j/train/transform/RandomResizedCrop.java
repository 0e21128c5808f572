package dev.dml4j.train.transform;

import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * torchvision's {@code RandomResizedCrop}: a random window covering a {@code scale} fraction of the image area with
 * aspect ratio (width / height) log-uniform in {@code ratio} (up to 10 tries, then a centre crop clamped to the ratio
 * range), resized to {@code height × width} with antialiased bilinear interpolation. Defaults: scale (0.08, 1),
 * ratio (3/4, 4/3).
 */
public final class RandomResizedCrop extends HostTransform {
    private final int height;
    private final int width;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;

    /** A square output of {@code size} pixels with the default scale (0.08, 1) and ratio (3/4, 4/3). */
    public RandomResizedCrop(int size) {
        this(size, size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * @param height output height in pixels
     * @param width output width in pixels
     * @param scaleMin smallest share of the image area to crop, in (0, scaleMax]
     * @param scaleMax largest share of the image area to crop, ≤ 1
     * @param ratioMin smallest aspect ratio width/height, &gt; 0
     * @param ratioMax largest aspect ratio width/height, ≥ ratioMin
     */
    public RandomResizedCrop(int height, int width, double scaleMin, double scaleMax, double ratioMin,
            double ratioMax) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("RandomResizedCrop size must be positive, got " + height + "x" + width);
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("RandomResizedCrop scale must satisfy 0 < min <= max <= 1, got ("
                    + scaleMin + ", " + scaleMax + ")");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new IllegalArgumentException("RandomResizedCrop ratio must satisfy 0 < min <= max, got (" + ratioMin
                    + ", " + ratioMax + ")");
        }
        this.height = height;
        this.width = width;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
    }

    /**
     * The crop window (top, left, height, width) for an {@code h × w} image, drawn as torchvision's
     * {@code get_params} does.
     */
    public int[] window(int h, int w, Random rng) {
        ImageChecks.rng(rng, "RandomResizedCrop");
        double area = (double) h * w;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * rng.nextDouble());
            double aspect = Math.exp(logMin + (logMax - logMin) * rng.nextDouble());
            int cw = (int) Math.rint(Math.sqrt(target * aspect));
            int ch = (int) Math.rint(Math.sqrt(target / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = rng.nextInt(h - ch + 1);
                int left = rng.nextInt(w - cw + 1);
                return new int[] {top, left, ch, cw};
            }
        }
        double inRatio = (double) w / h;
        int cw;
        int ch;
        if (inRatio < ratioMin) {
            cw = w;
            ch = (int) Math.rint(cw / ratioMin);
        } else if (inRatio > ratioMax) {
            ch = h;
            cw = (int) Math.rint(ch * ratioMax);
        } else {
            cw = w;
            ch = h;
        }
        ch = Math.max(1, Math.min(ch, h));
        cw = Math.max(1, Math.min(cw, w));
        return new int[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
    }

    @Override
    protected String who() {
        return "RandomResizedCrop";
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        int h = image.height();
        int w = image.width();
        int[] win = window(h, w, rng);
        float[] out = ImageOps.resizeBox(image.pixels(), image.channels(), h, w, win[0], win[1], win[2], win[3],
                height, width);
        return new HostImage(out, image.channels(), height, width);
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + height + "x" + width + ", scale=(" + scaleMin + ", " + scaleMax + "), ratio=("
                + ratioMin + ", " + ratioMax + "))";
    }
}
