package dev.dml4j.train;

import dev.dml4j.train.optim.Optimizers;
import dev.dml4j.train.optim.ParameterOptimizer;
import dev.dml4j.util.Checks;
import java.util.Map;

/**
 * One parameter group's optimizer: its name, base learning rate and options.
 *
 * @param name {@code sgd}, {@code adam}, {@code adamw} or {@code rmsprop}
 * @param learningRate base rate (≥ 0; 0 freezes the group)
 * @param options the optimizer's snake_case options (see {@link Optimizers#create}); null = defaults
 */
public record OptimizerSpec(String name, double learningRate, Map<String, Object> options) {

    /** Checks the rate and builds the optimizer once to validate the name and options. */
    public OptimizerSpec {
        Checks.require(Double.isFinite(learningRate) && learningRate >= 0, "learning rate must be finite and >= 0, got "
                + learningRate);
        options = options == null ? Map.of() : Map.copyOf(options);
        try (ParameterOptimizer ignored = Optimizers.create(name, options)) {
            // validated
        }
    }

    /** A fresh optimizer of this kind. */
    public ParameterOptimizer build() {
        return Optimizers.create(name, options);
    }
}
