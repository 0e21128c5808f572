package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.train.data.HostImage;
import java.util.Arrays;
import java.util.Random;

/** Per-channel standardisation (x − mean[c]) / std[c] (torchvision's {@code Normalize}). */
public final class Normalize implements Transform {
    /** ImageNet channel means (RGB), what ImageNet-pretrained backbones expect. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (RGB). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Fashion-MNIST training-set pixel mean (of values in [0, 1]). */
    public static final float[] FASHION_MNIST_MEAN = {0.2860f};
    /** Fashion-MNIST training-set pixel standard deviation. */
    public static final float[] FASHION_MNIST_STD = {0.3530f};

    private final float[] mean;
    private final float[] std;

    /**
     * @param mean one mean per channel (or one value for all channels)
     * @param std one standard deviation &gt; 0 per channel (or one value for all), same length as mean
     */
    public Normalize(float[] mean, float[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize needs mean and std of the same non-zero length (one per"
                    + " channel), got " + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("Normalize: every std must be finite and > 0, got "
                        + Arrays.toString(std));
            }
        }
        for (float v : mean) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("Normalize: every mean must be finite, got " + Arrays.toString(mean));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** ImageNet statistics for 3 channels. */
    public static Normalize imagenet() {
        return new Normalize(IMAGENET_MEAN, IMAGENET_STD);
    }

    @Override
    public NDArray apply(NDArray chw, Random rng) {
        checkChannels(ImageChecks.chw(chw, "Normalize")[0]);
        NDManager m = chw.getManager();
        Shape s = new Shape(mean.length, 1, 1);
        try (NDArray mu = m.create(mean, s).toType(chw.getDataType(), false).toDevice(chw.getDevice(), false);
             NDArray sd = m.create(std, s).toType(chw.getDataType(), false).toDevice(chw.getDevice(), false);
             NDArray centred = chw.sub(mu)) {
            return centred.div(sd);
        }
    }

    private void checkChannels(int c) {
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException("Normalize has " + mean.length + " channel statistics but the image has "
                    + c + " channels; use statistics for " + c + " channels");
        }
    }

    @Override
    public boolean supportsHost() {
        return true;
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        checkChannels(image.channels());
        float[] src = image.pixels();
        float[] out = new float[src.length];
        int hw = image.height() * image.width();
        for (int c = 0; c < image.channels(); c++) {
            float mu = mean[mean.length == 1 ? 0 : c];
            float sd = std[std.length == 1 ? 0 : c];
            for (int k = c * hw; k < (c + 1) * hw; k++) {
                out[k] = (src[k] - mu) / sd;
            }
        }
        return new HostImage(out, image.channels(), image.height(), image.width());
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
