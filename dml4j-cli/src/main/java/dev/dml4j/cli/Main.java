package dev.dml4j.cli;

import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dml4j} command: train, evaluate, embed, search, benchmark. With no arguments it runs the default job. */
@Command(name = "dml4j", mixinStandardHelpOptions = true, version = "dml4j 0.1.0",
        description = {"Deep metric learning for the JVM.",
            "With no arguments: trains a small CNN on Fashion-MNIST classes 0-4 and evaluates retrieval on the "
                + "unseen classes 5-9 (same as 'dml4j train')."},
        subcommands = {TrainCommand.class, EvalCommand.class, EmbedCommand.class, SearchCommand.class,
            BenchCommand.class})
public final class Main implements Runnable {

    /** Entry point; exits with the command's status code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Sets libtorch's intra-op threads, unless {@code -Dai.djl.pytorch.num_threads} is given: {@code DML4J_THREADS}
     * when set, else 1. One thread is the measured best for the small CNN on this kind of machine: with two
     * threads on two cores that other processes also use, OpenMP's barriers made a training step about 12 times
     * slower (see docs/benchmarks.md); larger models on a machine of their own can raise it. One inter-op thread.
     */
    static void configureThreads() {
        String env = System.getenv("DML4J_THREADS");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", env != null && env.matches("[1-9]\\d*") ? env : "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** Runs the command line and returns its exit code (0 = success), printing one clear line on bad input. */
    public static int run(String... args) {
        if (args.length == 0) {
            args = new String[] {"train"}; // the default job
        }
        configureThreads();
        CommandLine cl = new CommandLine(new Main());
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            if (t instanceof IllegalArgumentException || t instanceof java.io.IOException
                    || t instanceof IllegalStateException) {
                cmd.getErr().println("dml4j: " + t.getMessage());
                return 2;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("dml4j: " + ex.getMessage() + " (see "
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        String[] expanded;
        try {
            expanded = ConfigFile.expand(args);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
            cl.getErr().println("dml4j: " + t.getMessage());
            return 2;
        }
        return cl.execute(expanded);
    }

    /** Without a subcommand (but with options): prints the usage. */
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
