package dev.dml4j.train.optim;

import dev.dml4j.util.Checks;
import java.util.Locale;

/**
 * A learning-rate factor per step, multiplied onto every group's base rate: {@code constant}, {@code step} (×gamma
 * every {@code stepEpochs} epochs) or {@code cosine} (from 1 down to 0 over the whole run), each with an optional
 * linear warm-up over the first {@code warmupSteps} steps.
 *
 * @param kind {@code constant}, {@code step} or {@code cosine}
 * @param stepEpochs epochs between decays for {@code step} (≥ 1; default 10)
 * @param gamma decay factor for {@code step}, in (0, 1] (default 0.1)
 * @param warmupSteps steps of linear warm-up from 0 (default 0 = none)
 */
public record LearningRateSchedule(String kind, int stepEpochs, double gamma, long warmupSteps) {

    /** Checks the values. */
    public LearningRateSchedule {
        kind = kind == null ? "constant" : kind.trim().toLowerCase(Locale.ROOT);
        Checks.require(kind.equals("constant") || kind.equals("step") || kind.equals("cosine"),
                "unknown learning-rate schedule '" + kind + "'; use constant, step or cosine");
        Checks.require(stepEpochs >= 1, "lr step_epochs must be >= 1, got " + stepEpochs);
        Checks.require(gamma > 0 && gamma <= 1, "lr gamma must be in (0, 1], got " + gamma);
        Checks.require(warmupSteps >= 0, "lr warmup_steps must be >= 0, got " + warmupSteps);
    }

    /** A constant rate without warm-up. */
    public static LearningRateSchedule constant() {
        return new LearningRateSchedule("constant", 10, 0.1, 0);
    }

    /**
     * The factor on the base rates at one step.
     *
     * @param epoch the current epoch (0-based)
     * @param step the global step (0-based)
     * @param totalSteps the number of steps in the whole run (for cosine)
     */
    public double factor(int epoch, long step, long totalSteps) {
        double f = switch (kind) {
            case "step" -> Math.pow(gamma, epoch / stepEpochs);
            case "cosine" -> 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, step / (double) Math.max(1, totalSteps))));
            default -> 1;
        };
        if (warmupSteps > 0 && step < warmupSteps) {
            f *= (step + 1) / (double) warmupSteps;
        }
        return f;
    }
}
