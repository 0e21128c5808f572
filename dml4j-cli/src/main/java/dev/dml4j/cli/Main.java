package dev.dml4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dml4j} command: train, evaluate, embed, search, benchmark. With no arguments it runs the default job. */
@Command(name = "dml4j", mixinStandardHelpOptions = true, version = "dml4j 0.1.0",
        description = "Deep metric learning for the JVM.",
        subcommands = {BenchCommand.class})
public final class Main implements Runnable {

    /** Entry point; exits with the command's status code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 = success), printing one clear line on bad input. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println("dml4j: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        // the default job (no arguments); replaced by training on the built-in data once it exists
        new CommandLine(this).usage(System.out);
    }
}
