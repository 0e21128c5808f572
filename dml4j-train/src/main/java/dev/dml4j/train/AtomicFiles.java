package dev.dml4j.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file writes: the content goes to a temporary file in the same folder, is flushed and fsync'ed, and then
 * atomically renamed over the target (and the folder is fsync'ed), so a reader — or a run resumed after
 * {@code kill -9} — sees either the old file or the complete new one, never a torn one.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes data to a stream (may throw IOException). */
    @FunctionalInterface
    public interface Writer {
        /** Writes the content. */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} writes.
     *
     * @param target the file to create or replace (its folder is created when missing)
     * @param writer writes the whole content
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = Channels.newOutputStream(ch);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; write checkpoints to a "
                        + "local folder", e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some platforms cannot open a folder for fsync; the rename itself is still atomic
        }
    }
}
