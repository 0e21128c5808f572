package dev.dml4j.cli;

import picocli.CommandLine.Command;

/** {@code dml4j bench}: speed benchmarks (losses, evaluation). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks.",
        subcommands = {BenchLossesCommand.class, BenchDataCommand.class, BenchEvalCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
