package dev.dml4j.train;

import dev.dml4j.train.optim.LearningRateSchedule;
import dev.dml4j.util.Checks;
import java.nio.file.Path;

/**
 * How to train.
 *
 * @param epochs number of epochs (≥ 1)
 * @param trunk optimizer of the trunk
 * @param embedder optimizer of the embedder head
 * @param lossWeights optimizer of the losses' own weights (proxies, centers trained by gradient, W); each weight's
 *     rate is this base rate × its {@code learningRateMultiplier}
 * @param schedule learning-rate factor per step, applied to all groups
 * @param seed seed of batch order, transforms and initial weights
 * @param outDir folder for {@code checkpoint.bin}, {@code model.dml4j}, {@code best-model.dml4j} and
 *     {@code metrics.jsonl} (null: nothing is written)
 * @param checkpointEverySteps also checkpoint every this many steps within an epoch (0: only at epoch ends)
 * @param earlyStopMetric evaluation metric to watch (higher is better), e.g. {@code precision_at_1}; null: none
 * @param patience epochs without improvement of that metric before stopping (≥ 1)
 * @param progress draw a progress bar on stderr
 */
public record TrainerConfig(int epochs, OptimizerSpec trunk, OptimizerSpec embedder, OptimizerSpec lossWeights,
        LearningRateSchedule schedule, long seed, Path outDir, int checkpointEverySteps, String earlyStopMetric,
        int patience, boolean progress) {

    /** Checks the values. */
    public TrainerConfig {
        Checks.require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        Checks.require(trunk != null && embedder != null && lossWeights != null, "every parameter group needs an "
                + "optimizer");
        schedule = schedule == null ? LearningRateSchedule.constant() : schedule;
        Checks.require(checkpointEverySteps >= 0, "checkpoint interval must be >= 0, got " + checkpointEverySteps);
        Checks.require(patience >= 1, "patience must be >= 1, got " + patience);
    }

    /** Defaults: Adam with rate 1e-4 (trunk), 1e-3 (embedder), 1e-2 (loss weights), constant rate, no output. */
    public static TrainerConfig defaults(int epochs) {
        return new TrainerConfig(epochs, new OptimizerSpec("adam", 1e-4, null), new OptimizerSpec("adam", 1e-3, null),
                new OptimizerSpec("adam", 1e-2, null), null, 0, null, 0, null, 3, false);
    }

    /** A copy with another output folder. */
    public TrainerConfig withOutDir(Path dir) {
        return new TrainerConfig(epochs, trunk, embedder, lossWeights, schedule, seed, dir, checkpointEverySteps,
                earlyStopMetric, patience, progress);
    }

    /** A copy with another number of epochs. */
    public TrainerConfig withEpochs(int n) {
        return new TrainerConfig(n, trunk, embedder, lossWeights, schedule, seed, outDir, checkpointEverySteps,
                earlyStopMetric, patience, progress);
    }
}
