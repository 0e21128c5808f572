package dev.dml4j.train.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/** Decoding of image files (JPEG, PNG, BMP, GIF through javax.imageio) into float [C, H, W] pixels in [0, 1]. */
public final class ImageFiles {
    /** File name extensions treated as images when scanning folders (what javax.imageio reads out of the box). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private ImageFiles() {
    }

    /** Whether the file name has one of the {@link #EXTENSIONS} (case-insensitive). */
    public static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Reads an image file and converts it to the given colour mode (alpha is dropped).
     *
     * @throws IOException when the file is missing or not a format javax.imageio can decode (e.g. CMYK JPEG)
     */
    public static HostImage read(Path file, ColorMode mode) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image file " + file + " does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + file + ": " + e.getMessage()
                    + " (javax.imageio reads baseline/progressive JPEG in RGB or grey, PNG, BMP and GIF; convert other"
                    + " files, e.g. CMYK JPEGs, to RGB JPEG or PNG)", e);
        }
        if (img == null) {
            throw new IOException(file + " is not an image javax.imageio can read (supported: JPEG, PNG, BMP, GIF)");
        }
        return convert(img, mode);
    }

    /** Converts a decoded image to float pixels in the given colour mode. */
    public static HostImage convert(BufferedImage img, ColorMode mode) {
        int h = img.getHeight();
        int w = img.getWidth();
        int hw = h * w;
        int bands = img.getRaster().getNumBands();
        boolean grey = img.getColorModel().getColorSpace().getNumComponents() == 1;
        float[] out = new float[mode.channels() * hw];
        if (grey) {
            float[] g = greyPlane(img);
            for (int c = 0; c < mode.channels(); c++) {
                System.arraycopy(g, 0, out, c * hw, hw);
            }
            return new HostImage(out, mode.channels(), h, w);
        }
        float[] r = new float[hw];
        float[] gr = new float[hw];
        float[] b = new float[hw];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && bands == 3) {
            byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int k = 0; k < hw; k++) {
                b[k] = (d[3 * k] & 0xff) / 255f;
                gr[k] = (d[3 * k + 1] & 0xff) / 255f;
                r[k] = (d[3 * k + 2] & 0xff) / 255f;
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int k = 0; k < hw; k++) {
                r[k] = ((argb[k] >> 16) & 0xff) / 255f;
                gr[k] = ((argb[k] >> 8) & 0xff) / 255f;
                b[k] = (argb[k] & 0xff) / 255f;
            }
        }
        if (mode == ColorMode.RGB) {
            System.arraycopy(r, 0, out, 0, hw);
            System.arraycopy(gr, 0, out, hw, hw);
            System.arraycopy(b, 0, out, 2 * hw, hw);
        } else {
            for (int k = 0; k < hw; k++) {
                // PIL's convert("L") on 8-bit values: (R*299 + G*587 + B*114) / 1000, rounded
                int v = Math.round(r[k] * 255 * 0.299f + gr[k] * 255 * 0.587f + b[k] * 255 * 0.114f);
                out[k] = Math.min(255, v) / 255f;
            }
        }
        return new HostImage(out, mode.channels(), h, w);
    }

    /** The single plane of a grey image as floats in [0, 1] (8- or 16-bit samples, read from the raster). */
    private static float[] greyPlane(BufferedImage img) {
        Raster ras = img.getRaster();
        int h = img.getHeight();
        int w = img.getWidth();
        int bits = img.getColorModel().getComponentSize(0);
        float max = (float) ((1L << bits) - 1);
        int[] s = ras.getSamples(0, 0, w, h, 0, (int[]) null);
        float[] out = new float[h * w];
        for (int k = 0; k < out.length; k++) {
            out[k] = s[k] / max;
        }
        return out;
    }
}
