package dev.dml4j.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.dml4j.util.Checks;

/**
 * Stochastic gradient descent with optional momentum and L2 weight decay, computed by the engine's fused update
 * (as {@code torch.optim.SGD}: g ← ∇ + λ·w; b ← μ·b + g; w ← w − η·b).
 */
public final class Sgd extends ParameterOptimizer {
    private final float momentum;
    private final float weightDecay;

    /**
     * @param momentum μ in [0, 1) (default 0.9 in the CLI; 0 = plain SGD)
     * @param weightDecay λ ≥ 0 (default 0)
     */
    public Sgd(double momentum, double weightDecay) {
        Checks.require(momentum >= 0 && momentum < 1, "sgd momentum must be in [0, 1), got " + momentum);
        Checks.atLeast(weightDecay, 0, "sgd weight_decay");
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    protected NDArray[] newState(NDArray weight, NDManager owner) {
        return momentum == 0 ? new NDArray[0] : new NDArray[] {owner.zeros(weight.getShape(), weight.getDataType(),
                weight.getDevice())};
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, State s, float learningRate) {
        NDList in = momentum == 0 ? new NDList(weight, grad) : new NDList(weight, grad, s.arrays[0]);
        weight.getNDArrayInternal().sgdUpdate(in, new NDList(weight), learningRate, weightDecay, 1f, -1f, momentum,
                true);
    }
}
