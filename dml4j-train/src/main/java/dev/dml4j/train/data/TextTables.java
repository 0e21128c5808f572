package dev.dml4j.train.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading the small text tables of the benchmark layouts (whitespace- or comma-separated), with line numbers. */
final class TextTables {
    private TextTables() {
    }

    /** One parsed row and the 1-based line it came from. */
    record Row(int line, String[] cells) {
        /** Cell {@code k}, or an IOException naming file and line when the row is too short. */
        String cell(int k, Path file) throws IOException {
            if (k >= cells.length) {
                throw new IOException(file + " line " + line + ": expected at least " + (k + 1) + " columns, found "
                        + cells.length);
            }
            return cells[k];
        }

        /** Cell {@code k} as a long, or an IOException naming file, line and value. */
        long longCell(int k, Path file, String what) throws IOException {
            String s = cell(k, file);
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + line + ": " + what + " must be an integer, found '" + s + "'");
            }
        }
    }

    /** The file, checked to exist, with a message saying which layout needs it. */
    static Path require(Path file, String layout) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(layout + ": expected file " + file + " is missing; is the root folder right?");
        }
        return file;
    }

    /** Splits one line (1-based number {@code line}) into cells. */
    @FunctionalInterface
    private interface Splitter {
        String[] split(String text, int line) throws IOException;
    }

    /** The non-blank lines of a UTF-8 file after skipping {@code skip} lines, split on whitespace. */
    static List<Row> whitespace(Path file, int skip) throws IOException {
        return read(file, skip, (s, line) -> s.trim().split("\\s+"));
    }

    /** The non-blank lines of a UTF-8 CSV file (comma-separated, double quotes for fields holding commas). */
    static List<Row> csv(Path file) throws IOException {
        return read(file, 0, (s, line) -> splitCsv(s, file, line));
    }

    private static List<Row> read(Path file, int skip, Splitter splitter) throws IOException {
        List<Row> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            int line = 0;
            while ((s = r.readLine()) != null) {
                line++;
                if (line == 1 && s.startsWith("\uFEFF")) {
                    s = s.substring(1); // byte order mark
                }
                if (line <= skip || s.isBlank()) {
                    continue;
                }
                out.add(new Row(line, splitter.split(s, line)));
            }
        }
        return out;
    }

    private static String[] splitCsv(String s, Path file, int line) throws IOException {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new IOException(file + " line " + line + ": unterminated double quote");
        }
        cells.add(cur.toString().trim());
        return cells.toArray(String[]::new);
    }

    /** Resolves a path from a table against the folder it is relative to (absolute paths stay). */
    static Path resolve(Path base, String p) {
        Path q = Path.of(p);
        return q.isAbsolute() ? q : base.resolve(q).normalize();
    }
}
