package dev.dml4j.train.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.train.data.HostImage;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransformTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** An image [c, h, w] whose value at (ch, y, x) is ch·h·w + y·w + x. */
    private NDArray ramp(int c, int h, int w) {
        return m.arange(0f, (float) c * h * w).reshape(c, h, w);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void flipIsAMirrorAndPZeroIsIdentity(int c) {
        NDArray x = ramp(c, 4, 5);
        NDArray y = new HorizontalFlip(1.0).apply(x, new Random(0));
        float[] a = x.toFloatArray();
        float[] b = y.toFloatArray();
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < 4; r++) {
                for (int col = 0; col < 5; col++) {
                    assertEquals(a[(ch * 4 + r) * 5 + col], b[(ch * 4 + r) * 5 + 4 - col], 0f);
                }
            }
        }
        assertSame(x, new HorizontalFlip(0.0).apply(x, new Random(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HorizontalFlip().apply(x, null));
        assertTrue(e.getMessage().contains("Random"), e.getMessage());
        int flips = 0;
        Random rng = new Random(1);
        HorizontalFlip half = new HorizontalFlip();
        for (int k = 0; k < 400; k++) {
            flips += half.apply(x, rng) == x ? 0 : 1;
        }
        assertTrue(flips > 150 && flips < 250, "p=0.5 flipped " + flips + " of 400");
        assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
    }

    @Test
    void centreCropTakesTheMiddleWithHalfToEvenRounding() {
        NDArray x = ramp(1, 5, 6);
        // top = round((5-3)/2) = 1, left = round((6-4)/2) = 1
        float[] got = new CenterCrop(3, 4).apply(x, null).toFloatArray();
        assertArrayEquals(new float[] {7, 8, 9, 10, 13, 14, 15, 16, 19, 20, 21, 22}, got, 0f);
        // top = round(2.5) = 2 (Python rounds half to even), left = round(0.5) = 0
        NDArray y = ramp(1, 6, 2);
        assertArrayEquals(new float[] {4}, new CenterCrop(1, 1).apply(y, null).toFloatArray(), 0f);
        // left = round(1.5) = 2
        NDArray z = ramp(1, 1, 4);
        assertArrayEquals(new float[] {2}, new CenterCrop(1, 1).apply(z, null).toFloatArray(), 0f);
    }

    @Test
    void centreCropLargerThanTheImagePadsWithZeros() {
        NDArray x = m.ones(new Shape(3, 2, 2));
        NDArray y = new CenterCrop(5, 4).apply(x, null);
        assertEquals(new Shape(3, 5, 4), y.getShape());
        float[] f = y.toFloatArray();
        // padding (left, top, right, bottom) = (1, 1, 1, 2): ones at rows 1..2, columns 1..2
        for (int ch = 0; ch < 3; ch++) {
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 4; c++) {
                    float want = (r >= 1 && r <= 2 && c >= 1 && c <= 2) ? 1 : 0;
                    assertEquals(want, f[(ch * 5 + r) * 4 + c], 0f, "at " + ch + "," + r + "," + c);
                }
            }
        }
    }

    @Test
    void resizeMatchesTheShorterSideRuleAndKeepsConstants() {
        NDArray x = m.full(new Shape(3, 20, 10), 0.25f);
        NDArray y = new Resize(5).apply(x, null);
        assertEquals(new Shape(3, 10, 5), y.getShape());
        for (float v : y.toFloatArray()) {
            assertEquals(0.25f, v, 1e-6f);
        }
        assertEquals(new Shape(1, 4, 7), new Resize(4).apply(m.zeros(new Shape(1, 7, 13)), null).getShape(),
                "7x13 -> shorter side 4, longer int(4*13/7) = 7");
        assertEquals(new Shape(1, 3, 8), new Resize(3, 8).apply(m.zeros(new Shape(1, 7, 13)), null).getShape());
    }

    @Test
    void resizeIsAntialiasedBilinear() {
        // upsampling 2 -> 4 is plain bilinear (align_corners=False): 0, 0.25, 0.75, 1
        NDArray up = m.create(new float[] {0, 1}, new Shape(1, 1, 2));
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, new Resize(1, 4).apply(up, null).toFloatArray(), 1e-6f);
        // downsampling 4 -> 2: the triangle filter is twice as wide, so output 0 weighs inputs 0, 1, 2 by 3:3:1
        NDArray down = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 4));
        assertArrayEquals(new float[] {5f / 7, 16f / 7}, new Resize(1, 2).apply(down, null).toFloatArray(), 1e-6f);
        // a 2-D case against Pillow 9.4 (Image.fromarray(np.arange(35, dtype=float32).reshape(5, 7), 'F')
        // .resize((3, 2), Image.BILINEAR)), which implements the same antialiased filter
        float[] pil = {7.857142925262451f, 10.0f, 12.142857551574707f, 21.85714340209961f, 24.0f,
            26.14285659790039f};
        assertArrayEquals(pil, new Resize(2, 3).apply(ramp(1, 5, 7), null).toFloatArray(), 1e-4f);
    }

    @Test
    void resizeBoxIsCropThenResize() {
        // Pillow: im.crop((1, 1, 6, 4)).resize((3, 2), Image.BILINEAR) on the same 5x7 ramp
        float[] pil = {11.053571701049805f, 12.625f, 14.196428298950195f, 19.803571701049805f, 21.375f,
            22.946428298950195f};
        float[] src = ramp(1, 5, 7).toFloatArray();
        assertArrayEquals(pil, ImageOps.resizeBox(src, 1, 5, 7, 1, 1, 3, 5, 2, 3), 1e-4f);
        float[] up = ImageOps.resizeBox(src, 1, 5, 7, 1, 1, 3, 5, 4, 9);
        assertEquals(8.0f, up[0], 1e-4f);
        assertEquals(8.333333015441895f, up[1], 1e-4f);
        assertEquals(26.0f, up[35], 1e-4f);
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resizeBox(src, 1, 5, 7, 3, 0, 3, 5, 2, 2));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void resizeCenterCropGivesTheCropSize(int c) {
        NDArray y = new ResizeCenterCrop(8, 6).apply(ramp(c, 12, 20), null);
        assertEquals(new Shape(c, 6, 6), y.getShape());
    }

    @Test
    void randomResizedCropWindowsStayInsideAndFollowScaleAndRatio() {
        RandomResizedCrop t = new RandomResizedCrop(16);
        Random rng = new Random(123);
        for (int k = 0; k < 2000; k++) {
            int h = 17 + k % 29;
            int w = 23 + k % 31;
            int[] win = t.window(h, w, rng);
            assertTrue(win[0] >= 0 && win[1] >= 0 && win[2] >= 1 && win[3] >= 1, "window " + java.util.Arrays
                    .toString(win));
            assertTrue(win[0] + win[2] <= h && win[1] + win[3] <= w, "window outside " + h + "x" + w);
            double share = (double) win[2] * win[3] / (h * w);
            assertTrue(share <= 1.0 + 1e-9 && share > 0.03, "area share " + share);
        }
        // scale and ratio pinned to the whole image: the window is the image and the crop is a plain resize
        RandomResizedCrop whole = new RandomResizedCrop(4, 6, 1.0, 1.0, 1.5, 1.5);
        assertArrayEquals(new int[] {0, 0, 8, 12}, whole.window(8, 12, new Random(5)));
        NDArray x = ramp(3, 8, 12);
        assertArrayEquals(new Resize(4, 6).apply(x, null).toFloatArray(),
                whole.apply(x, new Random(5)).toFloatArray(), 1e-5f);
    }

    @Test
    void randomResizedCropIsReproducibleWithASeededRng() {
        RandomResizedCrop t = new RandomResizedCrop(8);
        NDArray x = ramp(3, 20, 30);
        float[] a = t.apply(x, new Random(9)).toFloatArray();
        float[] b = t.apply(x, new Random(9)).toFloatArray();
        float[] c = t.apply(x, new Random(10)).toFloatArray();
        assertArrayEquals(a, b, 0f);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
        assertEquals(new Shape(3, 8, 8), t.apply(x, new Random(1)).getShape());
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 8, 0.5, 0.2, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 8, 0.1, 1, 0, 1.33));
    }

    @Test
    void randomResizedCropFallsBackToAClampedCentreCrop() {
        // a 1x100 strip can never hold a window of ratio <= 4/3 with 8% of its area: centre crop of ratio 4/3
        int[] win = new RandomResizedCrop(4).window(3, 100, new Random(0));
        assertArrayEquals(new int[] {0, (100 - 4) / 2, 3, 4}, win);
    }

    @Test
    void normalizeSubtractsMeanAndDividesByStdPerChannel() {
        NDArray x = m.ones(new Shape(3, 2, 2)).mul(0.5f);
        float[] y = new Normalize(new float[] {0.5f, 0.25f, 0f}, new float[] {1f, 0.5f, 2f}).apply(x, null)
                .toFloatArray();
        assertEquals(0f, y[0], 1e-6f);
        assertEquals(0.5f, y[4], 1e-6f);
        assertEquals(0.25f, y[8], 1e-6f);
        NDArray grey = m.ones(new Shape(1, 2, 2));
        assertEquals((1 - 0.2860f) / 0.3530f,
                new Normalize(Normalize.FASHION_MNIST_MEAN, Normalize.FASHION_MNIST_STD).apply(grey, null)
                        .toFloatArray()[3], 1e-5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalize.imagenet().apply(grey, null));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0, 1}, new float[] {1}));
    }

    @Test
    void composeAppliesInOrderAndFreesIntermediates() {
        NDArray x = ramp(1, 6, 6);
        Transform t = new CenterCrop(4).andThen(new HorizontalFlip(1.0)).andThen(new Resize(2, 2));
        assertEquals(3, ((Compose) t).steps().size());
        try (NDManager sub = m.newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(sub);
            int before = sub.getManagedArrays().size();
            NDArray y = t.apply(in, new Random(0));
            assertEquals(new Shape(1, 2, 2), y.getShape());
            // input and output remain; the crop and the flip were closed
            assertTrue(sub.getManagedArrays().size() <= before + 1 + 2,
                    "intermediates left: " + sub.getManagedArrays().size());
        }
        assertThrows(IllegalArgumentException.class, () -> new CenterCrop(2).apply(m.zeros(new Shape(1, 1, 4, 4)),
                null));
    }

    @Test
    void hostFormMatchesTheNdArrayFormWithTheSameDraws() {
        Transform t = Compose.of(new RandomResizedCrop(9, 11, 0.2, 1.0, 0.5, 2.0), new HorizontalFlip(),
                Normalize.imagenet(), new ResizeCenterCrop(8, 5), new CenterCrop(7, 6), new Resize(4));
        assertTrue(t.supportsHost());
        NDArray x = ramp(3, 13, 17).div(700f);
        for (int seed = 0; seed < 20; seed++) {
            float[] viaEngine = t.apply(x, new Random(seed)).toFloatArray();
            HostImage h = t.applyHost(HostImage.of(x), new Random(seed));
            assertEquals(new Shape(3, 4, 4), h.shape());
            assertArrayEquals(viaEngine, h.pixels(), 1e-6f, "seed " + seed);
        }
        Transform lambda = (img, rng) -> img;
        assertTrue(!lambda.supportsHost() && !Compose.of(lambda, new HorizontalFlip()).supportsHost());
        assertThrows(UnsupportedOperationException.class, () -> lambda.applyHost(HostImage.of(x), null));
        assertTrue(Transform.identity().supportsHost());
    }

    @Test
    void greyToRgbRepeatsTheChannel() {
        NDArray x = ramp(1, 2, 3);
        NDArray y = new GreyToRgb().apply(x, null);
        assertEquals(new Shape(3, 2, 3), y.getShape());
        float[] f = y.toFloatArray();
        for (int k = 0; k < 6; k++) {
            assertEquals(k, f[k], 0f);
            assertEquals(k, f[6 + k], 0f);
            assertEquals(k, f[12 + k], 0f);
        }
        NDArray rgb = ramp(3, 2, 2);
        assertSame(rgb, new GreyToRgb().apply(rgb, null));
        assertThrows(IllegalArgumentException.class, () -> new GreyToRgb().apply(ramp(2, 2, 2), null));
    }

    @Test
    void flipEvaluationAveragesAnImageAndItsMirror() {
        // a "model" that embeds a [B,1,1,3] image as its 3 pixels weighted 1, 2, 3 into D = 2
        NDArray w = m.create(new float[] {1, 0, 2, 1, 3, 0}, new Shape(3, 2));
        java.util.function.Function<NDArray, NDArray> model = b -> b.reshape(b.getShape().get(0), 3).matMul(w);
        NDArray img = m.create(new float[] {1, 0, 0, 0, 0, 1}, new Shape(2, 1, 1, 3));
        NDArray e = FlipEvaluation.embed(model, img);
        // pixel pattern [1,0,0] embeds as (1,0), its mirror [0,0,1] as (3,0): mean (2,0); same for the second
        assertArrayEquals(new float[] {2, 0, 2, 0}, e.toFloatArray(), 1e-6f);
        NDArray n = FlipEvaluation.embed(model, img, true);
        assertArrayEquals(new float[] {1, 0, 1, 0}, n.toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> FlipEvaluation.embed(model, m.zeros(new Shape(1, 3))));
    }
}
