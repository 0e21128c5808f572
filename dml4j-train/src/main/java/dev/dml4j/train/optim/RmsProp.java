package dev.dml4j.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;

/**
 * RMSprop as {@code torch.optim.RMSprop} defines it (the engine has no fused op for it), used by the "reality check"
 * protocol (Musgrave et al. 2020): g ← ∇ + λ·w; v ← αv + (1−α)g²; centered: ḡ ← αḡ + (1−α)g, d = √(v − ḡ²) + ε,
 * else d = √v + ε; with momentum μ &gt; 0: b ← μb + g/d, w ← w − η·b; without: w ← w − η·g/d.
 */
public final class RmsProp extends ParameterOptimizer {
    private final double alpha;
    private final double epsilon;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /**
     * @param alpha smoothing constant α in [0, 1) (default 0.99)
     * @param epsilon ε &gt; 0 (default 1e-8)
     * @param weightDecay L2 penalty λ ≥ 0 (default 0)
     * @param momentum μ in [0, 1) (default 0)
     * @param centered normalise by the estimated variance instead of the raw second moment (default false)
     */
    public RmsProp(double alpha, double epsilon, double weightDecay, double momentum, boolean centered) {
        Checks.require(alpha >= 0 && alpha < 1, "rmsprop alpha must be in [0, 1), got " + alpha);
        Checks.positive(epsilon, "rmsprop epsilon");
        Checks.atLeast(weightDecay, 0, "rmsprop weight_decay");
        Checks.require(momentum >= 0 && momentum < 1, "rmsprop momentum must be in [0, 1), got " + momentum);
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    protected NDArray[] newState(NDArray weight, NDManager owner) {
        int n = 1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0);
        NDArray[] out = new NDArray[n];
        for (int i = 0; i < n; i++) {
            out[i] = owner.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        }
        return out;
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, State s, float learningRate) {
        try (NDScope scope = new NDScope()) {
            NDArray w = weight.stopGradient();
            NDArray g = weightDecay == 0 ? grad : grad.add(Ops.mul(w, weightDecay));
            NDArray v = s.arrays[0];
            Ops.muli(v, alpha).addi(Ops.muli(g.square(), 1 - alpha));
            NDArray denom;
            if (centered) {
                NDArray gAvg = s.arrays[1];
                Ops.muli(gAvg, alpha).addi(Ops.mul(g, 1 - alpha));
                denom = v.sub(gAvg.square()).sqrt().addi(epsilon);
            } else {
                denom = v.sqrt().addi(epsilon);
            }
            NDArray step = g.div(denom);
            if (momentum > 0) {
                NDArray buf = s.arrays[s.arrays.length - 1];
                Ops.muli(buf, momentum).addi(step);
                step = buf;
            }
            w.subi(Ops.mul(step, learningRate));
        }
    }
}
