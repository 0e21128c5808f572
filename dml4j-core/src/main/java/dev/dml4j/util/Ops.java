package dev.dml4j.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor operations that DJL lacks or that need care for exact, NaN-free gradients (log-sum-exp with masks,
 * masked fills, pairwise distances, scatter-add, row picking). Every loss uses these instead of its own copy.
 */
public final class Ops {
    private Ops() {
    }

    /** The most negative finite value of a floating type (the reference's "negative infinity" for masks). */
    public static double negInf(DataType t) {
        return t == DataType.FLOAT64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
    }

    /**
     * The most negative exponent worth passing to {@code exp} in this type: −80 for float32 (e<sup>−80</sup> is
     * still a normal float), −700 for float64. Masked-out entries are clipped to it before an exponential: libtorch's
     * exp (MKL's vsExp) takes a slow error path, about 13× slower, for every entry that underflows, and a
     * −{@link #posInf} mask entry always does. Next to the max term e<sup>0</sup> = 1 of a shifted log-sum-exp,
     * e<sup>−80</sup> (times any batch size) is below float32's rounding, so sums and logs are unchanged.
     */
    public static double minExpArg(DataType t) {
        return t == DataType.FLOAT64 ? -700 : -80;
    }

    /** The largest finite value of a floating type (the reference's "positive infinity" for masks). */
    public static double posInf(DataType t) {
        return t == DataType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
    }

    /** The smallest positive normal value of a floating type (the reference's "small value"). */
    public static double smallVal(DataType t) {
        return t == DataType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
    }

    /** A zero scalar that still carries the gradient graph of {@code x} (sum of x·0), the reference's "zero loss". */
    public static NDArray zeroLoss(NDArray x) {
        try (NDArray z = mul(x, 0)) {
            return z.sum();
        }
    }

    /**
     * {@code x} in floating type {@code type}, keeping the autograd graph: DJL's {@code toType} on the PyTorch engine
     * returns a copy without gradient history, so a trainable float32 parameter cast for float64 embeddings would get
     * no gradient. Returns {@code x} itself when it already has that type.
     */
    public static NDArray castKeepingGradient(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        // zeros of the target type plus x: type promotion casts inside the graph
        try (NDArray z = x.getManager().zeros(x.getShape(), type, x.getDevice())) {
            return z.add(x);
        }
    }

    /**
     * A 0-d scalar of value {@code v} with the data type and device of {@code like}, in memory owned by libtorch
     * ({@code full}), so autograd may keep it after it is closed (docs/djl-memory.md).
     */
    public static NDArray scalar(NDArray like, double v) {
        NDManager m = like.getManager();
        if (like.getDataType() != DataType.FLOAT64 || (double) (float) v == v || Double.isNaN(v)) {
            return m.full(new Shape(), (float) v, like.getDataType(), like.getDevice());
        }
        // full() takes a float: make v exactly in float64 (0 + v, an owned result), then cast
        try (NDArray z = m.full(new Shape(), 0f, DataType.FLOAT64, like.getDevice()); NDArray s = z.add(v)) {
            return s.toType(like.getDataType(), true);
        }
    }

    /**
     * The engine-owned scalar v for arithmetic with x, typed so the result has the type DJL's {@code x.op(Number)}
     * gave: x's type, except float32 for a fractional v with integer x and int32 for an integral v with boolean x.
     */
    private static NDArray operand(NDArray x, double v) {
        DataType t = x.getDataType();
        boolean integral = v == Math.rint(v) && !Double.isInfinite(v);
        if (t.isFloating() || (t.isInteger() && integral)) {
            return scalar(x, v);
        }
        DataType st = integral ? DataType.INT32 : DataType.FLOAT32;
        try (NDArray like = x.getManager().zeros(new Shape(), st, x.getDevice())) {
            return scalar(like, v);
        }
    }

    /** {@code op(x, s)} with s the engine-owned scalar v of {@link #operand}, closed afterwards. */
    private static NDArray withScalar(NDArray x, double v, java.util.function.BinaryOperator<NDArray> op) {
        try (NDArray s = operand(x, v)) {
            return op.apply(x, s);
        }
    }

    /** x · v with an engine-owned scalar (use instead of {@code x.mul(Number)}, whose scalar autograd may read freed). */
    public static NDArray mul(NDArray x, double v) {
        return withScalar(x, v, NDArray::mul);
    }

    /** x ·= v in place with an engine-owned scalar (use instead of {@code x.muli(Number)}); returns x. */
    public static NDArray muli(NDArray x, double v) {
        return withScalar(x, v, NDArray::muli);
    }

    /** x / v with an engine-owned scalar (use instead of {@code x.div(Number)}). */
    public static NDArray div(NDArray x, double v) {
        return withScalar(x, v, NDArray::div);
    }

    /** x ^ v with an engine-owned exponent (use instead of {@code x.pow(Number)}). */
    public static NDArray pow(NDArray x, double v) {
        return withScalar(x, v, NDArray::pow);
    }

    /** max(x, v) elementwise with an engine-owned scalar (use instead of {@code x.maximum(Number)}). */
    public static NDArray maximum(NDArray x, double v) {
        return withScalar(x, v, NDArray::maximum);
    }

    /** min(x, v) elementwise with an engine-owned scalar (use instead of {@code x.minimum(Number)}). */
    public static NDArray minimum(NDArray x, double v) {
        return withScalar(x, v, NDArray::minimum);
    }

    /** x mod v with an engine-owned scalar (use instead of {@code x.mod(Number)}). */
    public static NDArray mod(NDArray x, double v) {
        return withScalar(x, v, NDArray::mod);
    }

    /**
     * An engine-owned copy of a tensor made from Java data (by {@code NDManager.create}), closing the argument: DJL's
     * PyTorch engine wraps Java memory without copying, which autograd may read after the tensor is closed.
     */
    public static NDArray owned(NDArray fromJava) {
        try (NDArray a = fromJava) {
            return a.duplicate();
        }
    }

    /** An engine-owned int64 vector of {@code v} (see {@link #owned}). */
    public static NDArray create(NDManager m, long[] v) {
        return owned(m.create(v));
    }

    /** An engine-owned float32 vector of {@code v} (see {@link #owned}). */
    public static NDArray create(NDManager m, float[] v) {
        return owned(m.create(v));
    }

    /** An engine-owned float64 vector of {@code v} (see {@link #owned}). */
    public static NDArray create(NDManager m, double[] v) {
        return owned(m.create(v));
    }

    /** An engine-owned float32 array of {@code v} with the given shape (see {@link #owned}). */
    public static NDArray create(NDManager m, float[] v, Shape shape) {
        return owned(m.create(v, shape));
    }

    /** An engine-owned float64 array of {@code v} with the given shape (see {@link #owned}). */
    public static NDArray create(NDManager m, double[] v, Shape shape) {
        return owned(m.create(v, shape));
    }

    /** An engine-owned float32 matrix of {@code v} (see {@link #owned}). */
    public static NDArray create(NDManager m, float[][] v) {
        return owned(m.create(v));
    }

    /** An engine-owned float64 matrix of {@code v} (see {@link #owned}). */
    public static NDArray create(NDManager m, double[][] v) {
        return owned(m.create(v));
    }

    /** {@code x} (a fresh array, consumed) in the data type and on the device of {@code like}; copies are closed. */
    private static NDArray likeOf(NDArray x, NDArray like) {
        NDArray typed = x.toType(like.getDataType(), false);
        if (typed != x) {
            x.close();
        }
        NDArray out = typed.toDevice(like.getDevice(), false);
        if (out != typed) {
            typed.close();
        }
        return out;
    }

    /**
     * {@code x} where {@code mask} is false, {@code value} where it is true (mask broadcasts to x); the result keeps
     * x's data type.
     */
    public static NDArray maskedFill(NDArray x, NDArray mask, double value) {
        // the fill is a 0-d array of x's type (a 0-d float64 would promote a float32 x to float64 in where()),
        // expanded (a view) to x's shape, as the engine's where() wants the condition and the first value alike
        try (NDArray fill = scalar(x, value); NDArray fullFill = fill.broadcast(x.getShape());
             NDArray fullMask = mask.getShape().equals(x.getShape()) ? null : mask.broadcast(x.getShape())) {
            return NDArrays.where(fullMask == null ? mask : fullMask, fullFill, x);
        }
    }

    /**
     * {@code x} where {@code keep} is true, {@code otherwise} elsewhere (keep broadcasts to x; the result keeps x's data
     * type): {@link #maskedFill} with the mask the other way round, without negating it.
     */
    public static NDArray where(NDArray keep, NDArray x, double otherwise) {
        try (NDArray fill = scalar(x, otherwise);
             NDArray fullKeep = keep.getShape().equals(x.getShape()) ? null : keep.broadcast(x.getShape())) {
            return NDArrays.where(fullKeep == null ? keep : fullKeep, x, fill);
        }
    }

    /**
     * log(Σ exp x) along {@code axis} (kept as size 1), over the entries where {@code keepMask} is true (all if null),
     * with an extra exp(0) term when {@code addOne}; rows with no kept entry give 0. The max is subtracted with its
     * gradient stopped, so it is exact and stable.
     */
    public static NDArray logSumExp(NDArray x, NDArray keepMask, boolean addOne, int axis) {
        NDManager m = x.getManager();
        NDArray in = keepMask == null ? x : where(keepMask, x, negInf(x.getDataType()));
        NDArray withOne = in;
        if (addOne) {
            Shape s = in.getShape();
            long[] dims = s.getShape().clone();
            dims[axis < 0 ? dims.length + axis : axis] = 1;
            try (NDArray zeros = m.zeros(new Shape(dims), in.getDataType(), in.getDevice())) {
                withOne = in.concat(zeros, axis);
            }
        }
        NDArray out;
        try (NDArray mx = withOne.max(new int[] {axis}, true).stopGradient();
             NDArray safeMax = maskedFill(mx, mx.lte(negInf(x.getDataType()) / 2), 0.0);
             NDArray shifted = withOne.sub(safeMax);
             NDArray clipped = shifted.clip(minExpArg(x.getDataType()), 0);
             NDArray e = clipped.exp();
             NDArray s = e.sum(new int[] {axis}, true);
             NDArray l = s.log()) {
            out = l.add(safeMax);
        }
        if (keepMask != null) {
            try (NDArray anyKept = keepMask.toType(DataType.INT32, false).sum(new int[] {axis}, true).gt(0);
                 NDArray none = anyKept.logicalNot();
                 NDArray o = out) {
                out = maskedFill(o, none, 0.0);
            }
        }
        if (withOne != in) {
            withOne.close();
        }
        if (in != x) {
            in.close();
        }
        return out;
    }

    /**
     * How often each pair (rows[i], cols[i]) occurs, as an [m, n] matrix in the floating type and on the device of
     * {@code like} (counted on the host: mined tuples may repeat a pair, e.g. triplets sharing an anchor-negative).
     */
    public static NDArray pairCounts(NDArray rows, NDArray cols, long m, long n, NDArray like) {
        long[] r;
        long[] c;
        try (NDArray ri = rows.toType(DataType.INT64, true); NDArray ci = cols.toType(DataType.INT64, true)) {
            r = ri.toLongArray();
            c = ci.toLongArray();
        }
        double[] counts = new double[Math.toIntExact(m * n)];
        for (int i = 0; i < r.length; i++) {
            counts[Math.toIntExact(r[i] * n + c[i])] += 1;
        }
        return likeOf(create(like.getManager(), counts, new Shape(m, n)), like);
    }

    /**
     * Masked log-sum-exp along axis 1 of a 2-D x (kept as [M, 1]) over the entries where {@code keepMask} (boolean,
     * same shape) is true; rows with no kept entry give {@code emptyValue} (0 as the reference, or
     * {@link #negInf} for "log of an empty sum") with zero gradient. The stopped-gradient row max makes it exact.
     */
    public static NDArray maskedRowLogSumExp(NDArray x, NDArray keepMask, double emptyValue) {
        double neg = negInf(x.getDataType());
        try (NDArray in = where(keepMask, x, neg);
             NDArray inMax = in.max(new int[] {1}, true);
             NDArray mx = inMax.stopGradient();
             NDArray empty = mx.lte(neg / 2);
             NDArray safeMax = maskedFill(mx, empty, 0.0);
             NDArray shifted = in.sub(safeMax);
             NDArray clipped = shifted.clip(minExpArg(x.getDataType()), 0);
             NDArray e = clipped.exp();
             NDArray s = e.sum(new int[] {1}, true);
             NDArray nonEmpty = s.gt(0);
             NDArray ones = s.onesLike();
             NDArray safeSum = NDArrays.where(nonEmpty, s, ones);
             NDArray l = safeSum.log();
             NDArray out = l.add(safeMax)) {
            // empty rows: log of a sum of 1 (not of 0), so no -inf/NaN enters the backward pass
            return maskedFill(out, empty, emptyValue);
        }
    }

    /** The int64 indices 0..n−1 on the device of {@code like}. */
    public static NDArray arange(NDArray like, long n) {
        return like.getManager().arange(0, (int) n, 1, DataType.INT64, like.getDevice());
    }

    /** Rows {@code idx} of a column vector v [M, 1] (or [M]) as a 1-D array, with gradient. */
    public static NDArray rowsOf(NDArray v, NDArray idx) {
        try (NDArray flat = v.reshape(-1); NDArray i = idx.toType(DataType.INT64, true)) {
            return flat.get(i);
        }
    }

    /**
     * Squared Euclidean distances between rows of q [M,D] and r [N,D] (r may be q itself), as ‖q‖² + ‖r‖² − 2 q·rᵀ
     * clamped at 0.
     */
    public static NDArray squaredEuclidean(NDArray q, NDArray r) {
        return squaredEuclidean(q, r, false);
    }

    /**
     * {@link #squaredEuclidean(NDArray, NDArray)}; with {@code unitRows} the squared norms ‖q‖², ‖r‖² are taken
     * without gradient: for L2-normalised rows they are constant (1, or 0 for a zero row), so their gradient is 0
     * and autograd need not compute it. Same values.
     */
    public static NDArray squaredEuclidean(NDArray q, NDArray r, boolean unitRows) {
        // relu, not maximum(d, 0): same values, and its backward is one select where maximum's splits ties (several
        // kernels; 230 -> 80 us for 256 x 256). At d = 0 exactly the gradient is 0, as the reference's cdist gives.
        try (NDArray d = unclampedSquaredEuclidean(q, r, unitRows)) {
            return relu(d);
        }
    }

    /**
     * Euclidean distances between rows of q [M,D] and r [N,D] (r may be q itself): the square root of
     * {@link #squaredEuclidean} with a finite gradient everywhere (0 with zero gradient where the squared distance is
     * ≤ 0, as {@link #safeSqrt}).
     */
    public static NDArray euclidean(NDArray q, NDArray r) {
        return euclidean(q, r, false);
    }

    /** {@link #euclidean(NDArray, NDArray)}, with {@code unitRows} as in {@link #squaredEuclidean(NDArray, NDArray, boolean)}. */
    public static NDArray euclidean(NDArray q, NDArray r, boolean unitRows) {
        // clamping at 0 is not needed before the mask: entries ≤ 0 give 0 with zero gradient either way
        try (NDArray d = unclampedSquaredEuclidean(q, r, unitRows)) {
            return safeSqrt(d);
        }
    }

    /** ‖q‖² + ‖r‖² − (q + q)·rᵀ (q + q = 2q exactly, so this equals ‖q‖² + ‖r‖² − 2 q·rᵀ bit for bit); may be < 0. */
    private static NDArray unclampedSquaredEuclidean(NDArray q, NDArray r, boolean unitRows) {
        try (NDArray qq = rowSquaredNorms(q, unitRows);
             NDArray rr = r == q ? qq.transpose() : rowSquaredNorms(r, unitRows).transpose();
             NDArray q2 = q.add(q); NDArray qr2 = r == q ? selfProduct(q2, q) : product(q2, r);
             NDArray sum = qq.add(rr)) {
            return sum.sub(qr2);
        }
    }

    /** left · rightᵀ for rows left [M, D] and right [N, D] → [M, N]. */
    public static NDArray product(NDArray left, NDArray right) {
        try (NDArray rt = right.transpose()) {
            return left.matMul(rt);
        }
    }

    /**
     * left · rightᵀ where left is right times a constant (the Gram matrix of a batch with itself, or 2× it): the same
     * values as {@code left.matMul(right.transpose())}, bit for bit, but one matrix product in the backward pass instead
     * of two. The product takes right without gradient, and its transpose minus itself (exactly 0) is added, so the
     * backward pass sends G + Gᵀ through the left side alone — the whole gradient, as ∂/∂x of c·x·xᵀ is c(G + Gᵀ)x.
     * For a batch of 256 × 128 this saves one of the three 256 × 256 × 128 products of a distance matrix.
     */
    public static NDArray selfProduct(NDArray left, NDArray right) {
        if (!left.hasGradient()) {
            return product(left, right);
        }
        try (NDArray fixed = right.stopGradient(); NDArray m = product(left, fixed); NDArray md = m.stopGradient();
             NDArray mt = m.transpose(); NDArray mdt = md.transpose(); NDArray zero = mt.sub(mdt)) {
            return m.add(zero);
        }
    }

    /** ‖x_i‖² as a column [N, 1]; without gradient when {@code constant}. */
    private static NDArray rowSquaredNorms(NDArray x, boolean constant) {
        if (constant) {
            try (NDArray detached = x.stopGradient()) {
                return rowSquaredNorms(detached, false);
            }
        }
        try (NDArray sq = x.square()) {
            return sq.sum(new int[] {1}, true);
        }
    }

    /**
     * √x for x ≥ 0 with a finite gradient everywhere: entries ≤ 0 give 0 with zero gradient (the diagonal of a
     * distance matrix, identical embeddings), where a plain sqrt would give an infinite gradient and NaN.
     */
    public static NDArray safeSqrt(NDArray x) {
        // relu's backward selects (x <= 0 ? 0 : g), it does not multiply, so the infinite or NaN slope of the root at
        // 0 never reaches x. Same values and gradients as masking with where() before and after the root, at a third
        // of the cost (one cheap backward kernel instead of two where() and a comparison; 460 -> 165 us for 256 x 256)
        try (NDArray pos = relu(x)) {
            return pos.sqrt();
        }
    }

    /** Picks {@code mat[rows[i], cols[i]]} for every i (1-D result), with gradient. */
    public static NDArray pick(NDArray mat, NDArray rows, NDArray cols) {
        long n = mat.getShape().get(1);
        try (NDArray flat = mat.reshape(-1);
             NDArray r = rows.toType(DataType.INT64, true);
             NDArray c = cols.toType(DataType.INT64, true);
             NDArray rn = mul(r, n);
             NDArray idx = rn.add(c)) {
            return flat.get(idx);
        }
    }

    /** Rows of x at the given indices ({@code x[idx]}), with gradient. */
    public static NDArray rows(NDArray x, NDArray idx) {
        try (NDArray i = idx.toType(DataType.INT64, true)) {
            return x.get(i);
        }
    }

    /** Σ of rows of x [N,D] into {@code numRows} buckets by {@code idx} [N] (index-add), via one-hot(idx)ᵀ·x. */
    public static NDArray scatterAddRows(NDArray x, NDArray idx, int numRows) {
        try (NDArray oh = oneHot(idx, numRows, x.getDataType()); NDArray t = oh.transpose()) {
            return t.matMul(x);
        }
    }

    /** One-hot rows [N, depth] of integer labels in the given floating type. */
    public static NDArray oneHot(NDArray idx, int depth, DataType type) {
        try (NDArray i = idx.toType(DataType.INT64, true); NDArray oh = i.oneHot(depth)) {
            return oh.toType(type, true);
        }
    }

    /** Label equality matrix [M,N]: labels[i] == refLabels[j]. */
    public static NDArray sameLabel(NDArray labels, NDArray refLabels) {
        try (NDArray a = labels.expandDims(1); NDArray b = refLabels.expandDims(0)) {
            return a.eq(b);
        }
    }

    /** A boolean identity matrix [n, n] on the device of {@code like}. */
    public static NDArray eyeMask(NDArray like, int n) {
        return like.getManager().eye(n, n, 0, DataType.BOOLEAN, like.getDevice());
    }

    /** Converts a boolean or number array to the floating type of {@code like}. */
    public static NDArray asFloat(NDArray mask, NDArray like) {
        return mask.toType(like.getDataType(), false);
    }

    /** Whether a 0-d or 1-element array is nonzero (reads one value back to the JVM). */
    public static boolean isTrue(NDArray x) {
        try (NDArray b = x.toType(DataType.BOOLEAN, true)) {
            return b.getBoolean();
        }
    }

    /** Whether any entry along {@code axis} is true (a boolean array without that axis). */
    public static NDArray any(NDArray mask, int axis) {
        try (NDArray i = mask.toType(DataType.INT32, false); NDArray s = i.sum(new int[] {axis})) {
            return s.gt(0);
        }
    }

    /** The number of true entries of a boolean array (reads back one value). */
    public static long count(NDArray mask) {
        if (mask.getDataType() == DataType.BOOLEAN) {
            // the engine sums booleans as int64 directly: no converted copy of a large mask
            try (NDArray s = mask.sum()) {
                return s.getLong();
            }
        }
        try (NDArray i = mask.toType(DataType.INT64, true); NDArray s = i.sum()) {
            return s.getLong();
        }
    }

    /** max(x, 0) with the reference's gradient (0 at x = 0). */
    public static NDArray relu(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    /** log(1 + exp(x)), the smooth hinge. */
    public static NDArray softplus(NDArray x) {
        return ai.djl.nn.Activation.softPlus(x);
    }

    /**
     * Runs back-propagation from a scalar loss and frees the gradient seed that DJL's
     * {@code GradientCollector.backward} allocates (a ones array in the loss's manager, never closed by DJL: one
     * leaked array per training step otherwise). Use this instead of calling {@code gc.backward(loss)} directly.
     */
    public static void backward(ai.djl.training.GradientCollector gc, NDArray loss) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            gc.backward(loss);
        }
    }

    /** The elementwise closer of two distance values: min for distances, max for similarities. */
    public static NDArray closer(NDArray a, NDArray b, boolean inverted) {
        return inverted ? a.maximum(b) : a.minimum(b);
    }
}
