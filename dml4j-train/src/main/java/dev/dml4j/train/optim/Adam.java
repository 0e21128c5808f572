package dev.dml4j.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.dml4j.util.Checks;

/**
 * Adam (Kingma &amp; Ba 2015) and AdamW (Loshchilov &amp; Hutter 2019, decoupled weight decay), computed by the
 * engine's fused update with bias correction: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε) (AdamW also w ← w − η·λ·w; Adam adds λ·w to g).
 */
public final class Adam extends ParameterOptimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;

    /**
     * @param beta1 β₁ in [0, 1) (default 0.9)
     * @param beta2 β₂ in [0, 1) (default 0.999)
     * @param epsilon ε &gt; 0 (default 1e-8)
     * @param weightDecay λ ≥ 0 (default 0 for Adam, 0.01 for AdamW)
     * @param decoupled true for AdamW (decay applied to the weights, not added to the gradient)
     */
    public Adam(double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
        Checks.require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "adam betas must be in [0, 1), got "
                + beta1 + ", " + beta2);
        Checks.positive(epsilon, "adam epsilon");
        Checks.atLeast(weightDecay, 0, "adam weight_decay");
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    public String name() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    protected NDArray[] newState(NDArray weight, NDManager owner) {
        return new NDArray[] {owner.zeros(weight.getShape(), weight.getDataType(), weight.getDevice()),
            owner.zeros(weight.getShape(), weight.getDataType(), weight.getDevice())};
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, State s, float learningRate) {
        double coef1 = 1.0 - Math.pow(beta1, s.step);
        double coef2 = 1.0 - Math.pow(beta2, s.step);
        float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, s.arrays[0], s.arrays[1]), new NDList(weight),
                learningRate, corrected, weightDecay, 1f, -1f, beta1, beta2, epsilon, true, decoupled);
    }
}
