package dev.dml4j.train.transform;

import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * Repeats a 1-channel image into 3 identical channels (torchvision's {@code Grayscale(3)} on a grey input), so grey
 * data such as Fashion-MNIST can feed a backbone built for RGB; 3-channel images pass unchanged.
 */
public final class GreyToRgb extends HostTransform {

    @Override
    protected String who() {
        return "GreyToRgb";
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        if (image.channels() == 3) {
            return image;
        }
        if (image.channels() != 1) {
            throw new IllegalArgumentException("GreyToRgb expects 1 or 3 channels, got " + image.channels());
        }
        float[] src = image.pixels();
        float[] out = new float[3 * src.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(src, 0, out, c * src.length, src.length);
        }
        return new HostImage(out, 3, image.height(), image.width());
    }

    @Override
    public String toString() {
        return "GreyToRgb";
    }
}
