package dev.dml4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A JSON-lines log of every metric: one object per line ({@code {"type":"step","epoch":0,"step":12,"loss":0.41,…}}
 * or {@code {"type":"eval",…}}), appended and flushed line by line so a killed run keeps what it logged.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    /** Opens (appending) or creates the log file. */
    public MetricsLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Appends one record (insertion order of the map is kept). */
    public void write(Map<String, ?> record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics log: " + e.getMessage(), e);
        }
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
