package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import dev.dml4j.util.Ops;

/**
 * Grey images and labels from a pair of IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST
 * ({@code *-images-idx3-ubyte[.gz]}, {@code *-labels-idx1-ubyte[.gz]}). Files may be gzip-compressed or raw
 * (detected from their first bytes, not their names). Pixels are kept as one compact byte array (1 byte per pixel)
 * and turned into float32 [1, H, W] in [0, 1] only when an item is read.
 */
public final class IdxDataset extends ArrayLabelledDataset {
    /** IDX type code for unsigned bytes, the only element type of the MNIST family. */
    private static final int UBYTE = 0x08;

    private final byte[] pixels;
    private final int rows;
    private final int cols;
    private final String name;

    private IdxDataset(byte[] pixels, long[] labels, int rows, int cols, String name) {
        super(labels);
        this.pixels = pixels;
        this.rows = rows;
        this.cols = cols;
        this.name = name;
    }

    /** Reads an image file (idx3, ubyte) and its label file (idx1, ubyte); the name is the image file's stem. */
    public static IdxDataset read(Path images, Path labels) throws IOException {
        String stem = images.getFileName().toString().replaceFirst("(-images)?[-.]idx3-ubyte(\\.gz)?$", "");
        return read(images, labels, stem);
    }

    /**
     * Reads an image file (idx3, ubyte) and its label file (idx1, ubyte), checking magic numbers, dimensions, that
     * both hold the same number of items and that neither is truncated or has trailing bytes.
     *
     * @param name the data set's name for logs
     * @throws IOException when a file is missing, unreadable or not a matching IDX pair (the message says which)
     */
    public static IdxDataset read(Path images, Path labels, String name) throws IOException {
        int n;
        int rows;
        int cols;
        byte[] px;
        try (InputStream in = open(images)) {
            int[] dims = header(in, images, 3);
            n = dims[0];
            rows = dims[1];
            cols = dims[2];
            long total = (long) n * rows * cols;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IOException(images + ": " + n + " images of " + rows + "x" + cols + " = " + total
                        + " bytes is more than one Java array holds; split the file");
            }
            px = readExactly(in, (int) total, images, "pixel data (" + n + " x " + rows + " x " + cols + ")");
            expectEnd(in, images);
        }
        byte[] lb;
        try (InputStream in = open(labels)) {
            int[] dims = header(in, labels, 1);
            if (dims[0] != n) {
                throw new IOException("label file " + labels + " holds " + dims[0] + " labels but image file "
                        + images + " holds " + n + " images: the two files do not belong together");
            }
            lb = readExactly(in, n, labels, n + " labels");
            expectEnd(in, labels);
        }
        long[] lab = new long[n];
        for (int i = 0; i < n; i++) {
            lab[i] = lb[i] & 0xff;
        }
        return new IdxDataset(px, lab, rows, cols, name);
    }

    /**
     * An in-memory data set of grey images (e.g. synthetic data in tests).
     *
     * @param pixels n × rows × cols bytes, row-major per image (0 black … 255 white); not copied
     * @param labels one class id ≥ 0 per image
     */
    public static IdxDataset of(byte[] pixels, long[] labels, int rows, int cols, String name) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + rows + "x" + cols);
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes but " + labels.length
                    + " images of " + rows + "x" + cols + " need " + (long) labels.length * rows * cols);
        }
        for (long l : labels) {
            if (l < 0) {
                throw new IllegalArgumentException("labels must be class ids >= 0, got " + l);
            }
        }
        return new IdxDataset(pixels, labels.clone(), rows, cols, name);
    }

    /**
     * Writes images and labels as an IDX pair (idx3 / idx1, unsigned bytes), gzip-compressed when {@code gzip}.
     *
     * @param pixels n × rows × cols bytes
     * @param labels one label in [0, 255] per image
     */
    public static void write(Path images, Path labels, byte[] pixels, long[] labelValues, int rows, int cols,
            boolean gzip) throws IOException {
        int n = labelValues.length;
        if ((long) n * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes but " + n + " images of "
                    + rows + "x" + cols + " need " + (long) n * rows * cols);
        }
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            if (labelValues[i] < 0 || labelValues[i] > 255) {
                throw new IllegalArgumentException("IDX ubyte labels must be in [0, 255], got " + labelValues[i]);
            }
            lb[i] = (byte) labelValues[i];
        }
        try (DataOutputStream out = new DataOutputStream(create(images, gzip))) {
            out.writeInt(UBYTE << 8 | 3);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        }
        try (DataOutputStream out = new DataOutputStream(create(labels, gzip))) {
            out.writeInt(UBYTE << 8 | 1);
            out.writeInt(n);
            out.write(lb);
        }
    }

    private static OutputStream create(Path p, boolean gzip) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(p));
        return gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    /** Opens a file, unwrapping gzip when its first two bytes are the gzip magic number. */
    static InputStream open(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("IDX file " + p + " does not exist (or is not a regular file)");
        }
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    /** Reads and checks the magic number and dimensions; returns the dimension sizes. */
    private static int[] header(InputStream in, Path p, int expectedDims) throws IOException {
        byte[] magic = readExactly(in, 4, p, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IOException(p + " is not an IDX file: it must start with two zero bytes, found 0x"
                    + String.format("%02x%02x", magic[0], magic[1]) + " (a corrupt download or another format?)");
        }
        int type = magic[2] & 0xff;
        int dims = magic[3] & 0xff;
        if (type != UBYTE) {
            throw new IOException(p + ": IDX element type 0x" + Integer.toHexString(type)
                    + " is not supported; only unsigned bytes (0x08), as in the MNIST family");
        }
        if (dims != expectedDims) {
            throw new IOException(p + ": IDX file has " + dims + " dimensions, expected " + expectedDims
                    + (expectedDims == 3 ? " (images: count, rows, columns)" : " (labels: count)")
                    + "; are the image and label files swapped?");
        }
        byte[] d = readExactly(in, 4 * dims, p, "the dimension sizes");
        int[] out = new int[dims];
        for (int k = 0; k < dims; k++) {
            long v = ((d[4 * k] & 0xffL) << 24) | ((d[4 * k + 1] & 0xff) << 16) | ((d[4 * k + 2] & 0xff) << 8)
                    | (d[4 * k + 3] & 0xff);
            if (v > Integer.MAX_VALUE || (k > 0 && v == 0)) {
                throw new IOException(p + ": IDX dimension " + k + " has invalid size " + v);
            }
            out[k] = (int) v;
        }
        return out;
    }

    private static byte[] readExactly(InputStream in, int n, Path p, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException(p + " is truncated: expected " + n + " bytes of " + what + ", found only "
                    + b.length);
        }
        return b;
    }

    private static void expectEnd(InputStream in, Path p) throws IOException {
        if (in.read() != -1) {
            throw new IOException(p + " has trailing bytes after the data its header announces: corrupt file or"
                    + " wrong header");
        }
    }

    @Override
    public NDArray image(int index, NDManager manager) {
        return Ops.create(manager, floats(index), new Shape(1, rows, cols));
    }

    @Override
    public HostImage hostImage(int index) {
        return new HostImage(floats(index), 1, rows, cols);
    }

    /** Item {@code index}'s pixels as floats in [0, 1], row-major [H·W]. */
    public float[] floats(int index) {
        int hw = rows * cols;
        float[] f = new float[hw];
        int off = index * hw;
        for (int k = 0; k < hw; k++) {
            f[k] = (pixels[off + k] & 0xff) / 255f;
        }
        return f;
    }

    @Override
    public int channels() {
        return 1;
    }

    /** Image height in pixels. */
    public int height() {
        return rows;
    }

    /** Image width in pixels. */
    public int width() {
        return cols;
    }

    @Override
    public String name() {
        return name;
    }
}
