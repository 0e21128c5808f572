package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * Resampling on plain float arrays [C, H, W] (row-major), the numerical core of the resize and crop transforms.
 * Resizing is bilinear with antialiasing: a triangle filter whose support widens with the downscaling factor,
 * weights normalised per output pixel, separable (rows, then columns) — the scheme of PIL's {@code BILINEAR} and of
 * torchvision's tensor {@code Resize(antialias=True)}, torchvision's default.
 */
public final class ImageOps {
    private ImageOps() {
    }

    /** Resampling weights of one output position: the first input index and the normalised weights from there. */
    private record Taps(int[] start, float[][] weights) {
    }

    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle filter has support 1 before scaling
        int[] start = new int[outSize];
        float[][] w = new float[outSize][];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            int n = Math.max(xmax - xmin, 0);
            double[] k = new double[n];
            double sum = 0;
            for (int x = 0; x < n; x++) {
                double t = Math.abs((x + xmin - center + 0.5) / filterScale);
                k[x] = t < 1 ? 1 - t : 0;
                sum += k[x];
            }
            float[] kw = new float[n];
            for (int x = 0; x < n; x++) {
                kw[x] = (float) (sum == 0 ? 0 : k[x] / sum);
            }
            start[o] = xmin;
            w[o] = kw;
        }
        return new Taps(start, w);
    }

    /**
     * Resizes the box [top, top+boxH) × [left, left+boxW) of a [C, H, W] image to [C, outH, outW].
     *
     * @param src the image, C·H·W floats, row-major
     * @return a new array of C·outH·outW floats
     */
    public static float[] resizeBox(float[] src, int c, int h, int w, int top, int left, int boxH, int boxW,
            int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + outH + "x" + outW);
        }
        if (top < 0 || left < 0 || boxH < 1 || boxW < 1 || top + boxH > h || left + boxW > w) {
            throw new IllegalArgumentException("box (top=" + top + ", left=" + left + ", " + boxH + "x" + boxW
                    + ") is not inside the " + h + "x" + w + " image");
        }
        // torchvision's resized_crop: crop, then resize the crop alone (no pixel outside the box contributes);
        // columns first, then rows
        Taps tx = taps(boxW, outW);
        float[] mid = new float[c * boxH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < boxH; y++) {
                int rowIn = (ch * h + top + y) * w;
                int rowOut = (ch * boxH + y) * outW;
                for (int o = 0; o < outW; o++) {
                    float[] k = tx.weights[o];
                    int s = rowIn + left + tx.start[o];
                    float acc = 0;
                    for (int x = 0; x < k.length; x++) {
                        acc += k[x] * src[s + x];
                    }
                    mid[rowOut + o] = acc;
                }
            }
        }
        Taps ty = taps(boxH, outH);
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int o = 0; o < outH; o++) {
                float[] k = ty.weights[o];
                int dst = (ch * outH + o) * outW;
                for (int y = 0; y < k.length; y++) {
                    int srcRow = (ch * boxH + ty.start[o] + y) * outW;
                    float wy = k[y];
                    for (int x = 0; x < outW; x++) {
                        out[dst + x] += wy * mid[srcRow + x];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The window [top, top+outH) × [left, left+outW) of a [C, H, W] image; positions outside the image are 0
     * (torchvision pads with zeros when a centre crop is larger than the image).
     */
    public static float[] crop(float[] src, int c, int h, int w, int top, int left, int outH, int outW) {
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                int x0 = Math.max(0, -left);
                int x1 = Math.min(outW, w - left);
                if (x1 > x0) {
                    System.arraycopy(src, (ch * h + sy) * w + left + x0, out, (ch * outH + y) * outW + x0, x1 - x0);
                }
            }
        }
        return out;
    }

    /**
     * Runs a transform's host-memory form on an NDArray image: copies it to Java memory, transforms, and creates the
     * result in the input's manager (and so on its device) with the input's data type; the input itself is
     * returned when the transform returned its input.
     */
    static NDArray viaHost(Transform t, NDArray chw, Random rng, String who) {
        ImageChecks.chw(chw, who);
        HostImage in = HostImage.of(chw);
        HostImage out = t.applyHost(in, rng);
        if (out == in) {
            return chw;
        }
        NDArray x = out.toNDArray(chw.getManager());
        if (chw.getDataType() != DataType.FLOAT32) {
            NDArray cast = x.toType(chw.getDataType(), false);
            x.close();
            return cast;
        }
        return x;
    }
}
