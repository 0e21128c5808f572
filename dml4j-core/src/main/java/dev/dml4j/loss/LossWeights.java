package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.util.Checks;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import dev.dml4j.util.Ops;

/**
 * The trainable row-per-proxy matrix [rows, D] of a loss: initialised as the reference does (seeded), settable from
 * arrays, saved and loaded, handed to the trainer as a {@link LossParameter}. It lives in its own manager and is
 * never registered in a per-call {@link NDScope}, so the scope of a forward pass cannot free it; arrays computed from
 * it inside forward belong to that scope and are freed with it.
 */
public final class LossWeights implements AutoCloseable {
    private static final int MAGIC = 0x444D4C57; // "DMLW"
    private static final int VERSION = 1;

    /** How the reference initialises a loss's weights (expressed for the row-per-proxy layout). */
    public enum Init {
        /** N(0, 1) entries (the reference's default {@code normal_}). */
        NORMAL,
        /** Kaiming normal with fan-out = rows: N(0, 2 / rows) (Proxy-Anchor's proxies). */
        KAIMING_NORMAL_FAN_OUT,
        /** Kaiming uniform with a = √5 and fan-in = rows: U(−1/√rows, 1/√rows) (SoftTriple's centers). */
        KAIMING_UNIFORM_SQRT5,
        /** U(−1, 1) entries, each column then scaled to unit L2 norm (P2SGrad's [D, C] matrix). */
        UNIFORM_UNIT_COLUMNS
    }

    private final String name;
    private final int rows;
    private final int cols;
    private double learningRateMultiplier;
    private final NDManager manager;
    private NDArray value;

    /**
     * @param name the parameter's name ("proxies", "W", "centers")
     * @param rows number of rows (proxies, classes × centers)
     * @param cols embedding size D
     * @param init the reference's initialisation
     * @param seed random seed of the initialisation (default 0: reproducible)
     * @param learningRateMultiplier suggested factor on the network's learning rate (see {@link LossParameter})
     */
    public LossWeights(String name, int rows, int cols, Init init, long seed, double learningRateMultiplier) {
        Checks.require(rows > 0, name + ": the number of rows (classes × centers) must be > 0, got " + rows);
        Checks.require(cols > 0, name + ": embedding_size must be > 0, got " + cols);
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.learningRateMultiplier = Checks.positive(learningRateMultiplier, name + " learningRateMultiplier");
        this.manager = NDManager.newBaseManager();
        adopt(Ops.create(manager, initialValues(init, rows, cols, seed)).toType(DataType.FLOAT32, false));
    }

    /** The initial values [rows][cols] of an initialisation (deterministic for a seed). */
    public static float[][] initialValues(Init init, int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[rows][cols];
        double bound = 1 / Math.sqrt(rows);
        double std = Math.sqrt(2.0 / rows);
        for (float[] row : w) {
            for (int j = 0; j < cols; j++) {
                double v = switch (init) {
                    case NORMAL -> r.nextGaussian();
                    case KAIMING_NORMAL_FAN_OUT -> r.nextGaussian() * std;
                    case KAIMING_UNIFORM_SQRT5 -> (2 * r.nextDouble() - 1) * bound;
                    case UNIFORM_UNIT_COLUMNS -> 2 * r.nextDouble() - 1;
                };
                row[j] = (float) v;
            }
        }
        if (init == Init.UNIFORM_UNIT_COLUMNS) {
            for (int j = 0; j < cols; j++) {
                double sq = 0;
                for (float[] row : w) {
                    sq += (double) row[j] * row[j];
                }
                double n = Math.sqrt(sq);
                for (float[] row : w) {
                    row[j] = (float) (row[j] / n);
                }
            }
        }
        return w;
    }

    /** The live array [rows, cols] (requires gradient). */
    public NDArray get() {
        return value;
    }

    /** The parameter's name. */
    public String name() {
        return name;
    }

    /** The shape [rows, cols]. */
    public Shape shape() {
        return new Shape(rows, cols);
    }

    /** This matrix as a trainer parameter. */
    public LossParameter parameter() {
        return new LossParameter(name, value, learningRateMultiplier);
    }

    /** The suggested learning-rate multiplier. */
    public double learningRateMultiplier() {
        return learningRateMultiplier;
    }

    /** Changes the suggested learning-rate multiplier (finite, &gt; 0). */
    public void setLearningRateMultiplier(double m) {
        this.learningRateMultiplier = Checks.positive(m, name + " learningRateMultiplier");
    }

    /** Replaces the values with a copy of {@code src} [rows, cols], keeping its floating type and device. */
    public void set(NDArray src) {
        Checks.require(src != null, name + ": weights must not be null");
        Checks.require(src.getShape().equals(shape()), name + ": weights must have shape " + shape() + " (see the loss's "
                + "Javadoc for its layout), got " + src.getShape());
        Checks.require(src.getDataType().isFloating(), name + ": weights must be float32 or float64, got "
                + src.getDataType());
        Checks.finite(src, name);
        try (NDArray detached = src.stopGradient()) {
            adopt(detached.duplicate());
        }
    }

    /** Replaces the values from a Java array [rows][cols] (float64). */
    public void set(double[][] values) {
        try (NDManager m = manager.newSubManager()) {
            set(Ops.create(m, values));
        }
    }

    /** The values as a float64 Java array [rows][cols] (reads back). */
    public double[][] toArray() {
        double[] flat;
        try (NDArray d = value.toType(DataType.FLOAT64, true)) {
            flat = d.toDoubleArray();
        }
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    /**
     * The weights in the floating type and on the device of {@code like}: when they differ the stored array is
     * replaced by a converted copy (as the reference's cast_types), so the trainer must re-read
     * {@link #parameter()} after the first batch if it created the loss in another type.
     */
    public NDArray forUse(NDArray like) {
        if (value.getDataType() != like.getDataType() || !value.getDevice().equals(like.getDevice())) {
            try (NDArray detached = value.stopGradient();
                 NDArray onDevice = detached.toDevice(like.getDevice(), true)) {
                adopt(onDevice.toType(like.getDataType(), true));
            }
        }
        return value;
    }

    /** Takes ownership of a fresh array: own manager, out of any scope, requires gradient; closes the old one. */
    private void adopt(NDArray fresh) {
        NDScope.unregister(fresh);
        fresh.attach(manager);
        fresh.setRequiresGradient(true);
        NDArray old = value;
        value = fresh;
        if (old != null) {
            old.close();
        }
    }

    /** Frees the weights. */
    @Override
    public void close() {
        manager.close();
    }

    /**
     * Writes a weight matrix: magic "DMLW", version, owner name, rows, cols, type name, then rows × cols values as
     * float64 (big-endian), so float32 weights round-trip exactly.
     */
    public static void write(NDArray w, String owner, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        Shape s = w.getShape();
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeUTF(owner);
        d.writeLong(s.get(0));
        d.writeLong(s.get(1));
        d.writeUTF(w.getDataType().name());
        double[] flat;
        try (NDArray x = w.toType(DataType.FLOAT64, true)) {
            flat = x.toDoubleArray();
        }
        for (double v : flat) {
            d.writeDouble(v);
        }
        d.flush();
    }

    /** Reads a matrix written by {@link #write}, checking it has the expected shape; the result is in {@code m}. */
    public static NDArray read(NDManager m, InputStream in, Shape expected) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a dml4j weight file (bad magic number)");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported dml4j weight file version " + version + " (this build reads "
                    + VERSION + ")");
        }
        String owner = d.readUTF();
        long r = d.readLong();
        long c = d.readLong();
        DataType type = DataType.valueOf(d.readUTF());
        if (expected != null && (r != expected.get(0) || c != expected.get(1))) {
            throw new IOException("weights of " + owner + " have shape (" + r + ", " + c + ") but this loss needs "
                    + expected + ": num_classes, centers or embedding_size differ");
        }
        double[] flat = new double[Math.toIntExact(r * c)];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = d.readDouble();
        }
        try (NDArray x = Ops.create(m, flat, new Shape(r, c))) {
            return x.toType(type, true);
        }
    }
}
