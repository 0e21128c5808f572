package dev.dml4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dml4j bench losses}: median forward+backward time of each loss on a synthetic M-per-class batch. */
@Command(name = "losses", mixinStandardHelpOptions = true,
        description = "Times forward+backward of each loss (with its miner) and prints '<case> <median ms>'.")
public final class BenchLossesCommand implements Runnable {
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})", defaultValue = "256")
    int batch;
    @Option(names = "--dim", description = "embedding size (default ${DEFAULT-VALUE})", defaultValue = "128")
    int dim;
    @Option(names = "--per-class", description = "samples per class (default ${DEFAULT-VALUE})", defaultValue = "4")
    int perClass;
    @Option(names = "--reps", description = "timed repetitions after warm-up (default ${DEFAULT-VALUE})",
            defaultValue = "20")
    int reps;

    @Override
    public void run() {
        throw new IllegalStateException("bench losses: not built yet");
    }
}
