package dev.dml4j.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Turns {@code --config FILE} (YAML, or JSON, which is YAML too) into command-line options placed before the
 * user's own, so flags on the command line win. Keys are option names without dashes, snake_case or kebab-case
 * ({@code embedding_size: 64} = {@code --embedding-size 64}); a list repeats the option ({@code loss:} as a list of
 * {@code {class, params}} objects or strings); a map is passed as JSON; an option given on the command line
 * replaces the file's value entirely (also for lists).
 */
final class ConfigFile {
    private ConfigFile() {
    }

    /** Returns {@code args} with the options of the config file (if {@code --config} is among them) inserted. */
    static String[] expand(String[] args) {
        int at = -1;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                at = i;
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                at = i;
                file = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (file == null) {
            return args;
        }
        List<String> given = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                given.add(eq > 0 ? a.substring(0, eq) : a);
            }
        }
        List<String> fromFile = new ArrayList<>();
        for (Map.Entry<String, Object> e : read(file).entrySet()) {
            String opt = "--" + e.getKey().trim().replace('_', '-');
            if (given.contains(opt) || e.getValue() == null) {
                continue;
            }
            if (e.getValue() instanceof List<?> list) {
                for (Object v : list) {
                    fromFile.add(opt + "=" + text(v));
                }
            } else {
                fromFile.add(opt + "=" + text(e.getValue()));
            }
        }
        List<String> out = new ArrayList<>();
        int sub = 0;
        while (sub < args.length && !args[sub].startsWith("-")) {
            out.add(args[sub++]); // the subcommand name(s) first
        }
        out.addAll(fromFile);
        for (int i = sub; i < args.length; i++) {
            out.add(args[i]);
        }
        assert at >= 0;
        return out.toArray(String[]::new);
    }

    private static String text(Object v) {
        return v instanceof Map<?, ?> ? ComponentArgs.toJson(v) : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("config file not found: " + file.toAbsolutePath()));
        }
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (!(doc instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("config file " + file + " must hold a map of option: value, got "
                        + (doc == null ? "nothing" : doc.getClass().getSimpleName()));
            }
            return (Map<String, Object>) doc;
        } catch (YAMLException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid YAML/JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
