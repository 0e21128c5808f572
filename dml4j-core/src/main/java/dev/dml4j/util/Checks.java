package dev.dml4j.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Input validation with messages that say what was wrong and how to fix it. */
public final class Checks {
    private Checks() {
    }

    /** Checks that embeddings are a finite 2-D float array [N, D]. */
    public static void embeddings(NDArray embeddings, String name) {
        if (embeddings == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (embeddings.getShape().dimension() != 2) {
            throw new IllegalArgumentException(name + " must be 2-D [N, D], got shape " + embeddings.getShape()
                    + "; reshape to (batch, embedding_size)");
        }
        DataType t = embeddings.getDataType();
        if (!t.isFloating()) {
            throw new IllegalArgumentException(name + " must be floating point (float32 or float64), got " + t);
        }
        finite(embeddings, name);
    }

    /** Checks that an array holds no NaN or infinity. */
    public static void finite(NDArray x, String name) {
        if (x.size() == 0) {
            return;
        }
        // one pass: the sum is finite unless an entry is NaN or ±∞ (or the sum overflows, which the exact check
        // below then clears)
        double sum;
        try (NDArray s = x.sum()) {
            sum = s.toArray()[0].doubleValue();
        }
        if (Double.isFinite(sum)) {
            return;
        }
        boolean bad;
        // x − x is 0 for finite entries and NaN for NaN or ±∞
        try (NDArray diff = x.sub(x); NDArray nan = diff.isNaN(); NDArray any = nan.any()) {
            bad = any.getBoolean();
        }
        if (bad) {
            boolean hasNan;
            try (NDArray nan = x.isNaN(); NDArray any = nan.any()) {
                hasNan = any.getBoolean();
            }
            throw new IllegalArgumentException(name + " contains " + (hasNan ? "NaN" : "infinite")
                    + " values (shape " + x.getShape() + "); check the network's output and learning rate");
        }
    }

    /** Checks that labels are a 1-D integer array with one label per embedding row. */
    public static void labels(NDArray labels, long n, String name) {
        if (labels == null) {
            throw new IllegalArgumentException(name + " must not be null: this loss needs one label per embedding");
        }
        if (labels.getShape().dimension() != 1) {
            throw new IllegalArgumentException(name + " must be 1-D [N], got shape " + labels.getShape());
        }
        if (labels.getShape().get(0) != n) {
            throw new IllegalArgumentException(name + " has " + labels.getShape().get(0) + " entries but there are "
                    + n + " embeddings: give exactly one label per embedding row");
        }
        if (labels.getDataType().isFloating()) {
            throw new IllegalArgumentException(name + " must be integer class ids (int32/int64), got "
                    + labels.getDataType() + "; cast with labels.toType(DataType.INT64, false)");
        }
    }

    /** Checks that labels lie in [0, numClasses). */
    public static void labelRange(NDArray labels, int numClasses, String name) {
        if (labels.size() == 0) {
            return;
        }
        long min;
        long max;
        try (NDArray l = labels.toType(DataType.INT64, true); NDArray mn = l.min(); NDArray mx = l.max()) {
            min = mn.getLong();
            max = mx.getLong();
        }
        if (min < 0) {
            throw new IllegalArgumentException(name + " contains label " + min + " < 0; labels must be in [0, num_classes="
                    + numClasses + ")");
        }
        if (max >= numClasses) {
            throw new IllegalArgumentException(name + " contains label " + max + " >= num_classes=" + numClasses
                    + "; labels must be in [0, " + numClasses + "): raise num_classes or remap the labels");
        }
    }

    /** Checks a scalar hyper-parameter is finite and at least {@code min}. */
    public static double atLeast(double v, double min, String name) {
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= " + min + ", got " + v);
        }
        return v;
    }

    /** Checks a scalar hyper-parameter is finite and strictly positive. */
    public static double positive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
        return v;
    }

    /** Checks a general condition, throwing IllegalArgumentException with the given message. */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
