package dev.dml4j.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.dml4j.util.ArrayIO;
import dev.dml4j.util.Checks;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer that updates parameters in place from their gradients, one parameter id at a time, with the learning
 * rate given per call (so a schedule and per-group rates are the trainer's business). Unlike DJL's optimizers it owns
 * its state (moments, step counts) in a manager of its own and can write and read that state, so a resumed run
 * continues exactly. Every update zeroes the given gradient afterwards (in
 * place, so a handle from {@code getGradient()} clears the parameter's gradient).
 *
 * <p>Call {@link #update} outside any per-step {@code NDScope}: state arrays are created lazily on the first update
 * of a parameter and must outlive the step.
 */
public abstract class ParameterOptimizer implements AutoCloseable {
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, State> states = new LinkedHashMap<>();

    /** Per-parameter state: the number of updates so far and the state arrays (owned by this optimizer). */
    protected static final class State {
        /** Updates applied so far (t in the papers; 0 before the first). */
        public long step;
        /** The state arrays, as {@link #newState} made them. */
        public NDArray[] arrays;
    }

    /** A short name for logs, e.g. {@code adam}. */
    public abstract String name();

    /** The state arrays of a fresh parameter (e.g. zero moments like {@code weight}); may be empty. */
    protected abstract NDArray[] newState(NDArray weight, NDManager owner);

    /** Applies one update to {@code weight} in place; {@code s.step} already counts this update. */
    protected abstract void apply(NDArray weight, NDArray grad, State s, float learningRate);

    /**
     * Updates one parameter in place and zeroes {@code grad} in place.
     *
     * @param id a stable name of the parameter (its state is kept under this id)
     * @param weight the parameter (requires gradient)
     * @param grad its gradient (same shape)
     * @param learningRate the rate for this step, &gt; 0 (finite)
     */
    public final void update(String id, NDArray weight, NDArray grad, double learningRate) {
        Checks.require(Double.isFinite(learningRate) && learningRate >= 0, name() + ": learning rate must be finite and "
                + ">= 0, got " + learningRate + " for parameter " + id);
        Checks.require(weight.getShape().equals(grad.getShape()), name() + ": gradient of " + id + " has shape "
                + grad.getShape() + " but the parameter has " + weight.getShape());
        State s = states.computeIfAbsent(id, k -> {
            State fresh = new State();
            fresh.arrays = newState(weight, manager);
            for (NDArray a : fresh.arrays) {
                NDScope.unregister(a);
            }
            return fresh;
        });
        s.step++;
        apply(weight, grad, s, (float) learningRate);
        grad.subi(grad);
    }

    /** The number of updates applied to parameter {@code id} so far. */
    public long steps(String id) {
        State s = states.get(id);
        return s == null ? 0 : s.step;
    }

    /** Writes every parameter's step count and state arrays. */
    public void writeState(DataOutputStream out) throws IOException {
        out.writeUTF(name());
        out.writeInt(states.size());
        for (Map.Entry<String, State> e : states.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().step);
            out.writeInt(e.getValue().arrays.length);
            for (NDArray a : e.getValue().arrays) {
                ArrayIO.write(out, a);
            }
        }
    }

    /** Replaces the state with one written by {@link #writeState} of an optimizer of the same kind. */
    public void readState(DataInputStream in) throws IOException {
        String kind = in.readUTF();
        if (!kind.equals(name())) {
            throw new IOException("checkpoint holds " + kind + " optimizer state but this run uses " + name()
                    + ": resume with the same optimizer");
        }
        for (State s : states.values()) {
            for (NDArray a : s.arrays) {
                a.close();
            }
        }
        states.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            State s = new State();
            s.step = in.readLong();
            s.arrays = new NDArray[in.readInt()];
            for (int j = 0; j < s.arrays.length; j++) {
                s.arrays[j] = ArrayIO.read(in, manager);
                NDScope.unregister(s.arrays[j]);
            }
            states.put(id, s);
        }
    }

    /** Frees the state. */
    @Override
    public void close() {
        manager.close();
    }
}
