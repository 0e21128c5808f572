package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Images listed in a CSV file: columns {@code path, label[, split]}. Either the first row is a header naming the
 * columns {@code path} and {@code label} (and optionally {@code split}, {@code super_label}) in any order, or there is
 * no header and the columns are positional (path, label, optional split). Paths are relative to the CSV's folder
 * unless absolute. Labels are integer class ids ≥ 0, or names: if any label is not a non-negative integer, all
 * distinct labels are sorted and numbered 0, 1, … over the whole file (so every split shares one numbering).
 */
public final class CsvImageDataset {
    private CsvImageDataset() {
    }

    /** Reads every row. */
    public static FileImageDataset read(Path csv, ColorMode mode) throws IOException {
        return read(csv, null, mode);
    }

    /**
     * Reads the rows whose split column equals {@code split} (case-insensitive), or every row when split is null.
     *
     * @throws IOException when the file is missing or malformed, or no row has the requested split (the message
     *     lists the splits present)
     */
    public static FileImageDataset read(Path csv, String split, ColorMode mode) throws IOException {
        TextTables.require(csv, "CSV image list");
        List<TextTables.Row> rows = TextTables.csv(csv);
        if (rows.isEmpty()) {
            throw new IOException(csv + " is empty: expected rows 'path,label[,split]'");
        }
        int pathCol = 0;
        int labelCol = 1;
        int splitCol = -1;
        int superCol = -1;
        String[] first = rows.get(0).cells();
        List<String> header = Arrays.stream(first).map(s -> s.toLowerCase(Locale.ROOT)).toList();
        if (header.contains("path")) {
            pathCol = header.indexOf("path");
            labelCol = header.indexOf("label");
            splitCol = header.indexOf("split");
            superCol = header.indexOf("super_label");
            if (labelCol < 0) {
                throw new IOException(csv + ": header " + header + " has no 'label' column");
            }
            rows = rows.subList(1, rows.size());
        } else if (first.length >= 3) {
            splitCol = 2;
        }
        if (split != null && splitCol < 0) {
            throw new IOException(csv + " has no split column, so split '" + split + "' cannot be selected; add a"
                    + " third column (or a 'split' header) or read without a split");
        }
        Path base = csv.toAbsolutePath().getParent();
        List<String> labelText = new ArrayList<>();
        boolean numeric = true;
        for (TextTables.Row r : rows) {
            String l = r.cell(labelCol, csv);
            labelText.add(l);
            numeric &= l.matches("\\d{1,18}");
        }
        Map<String, Long> ids = new TreeMap<>();
        List<String> classNames = null;
        if (!numeric) {
            for (String l : new TreeSet<>(labelText)) {
                ids.put(l, (long) ids.size());
            }
            classNames = new ArrayList<>(ids.keySet());
        }
        List<Path> paths = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<Long> supers = superCol < 0 ? null : new ArrayList<>();
        TreeSet<String> splitsSeen = new TreeSet<>();
        for (int k = 0; k < rows.size(); k++) {
            TextTables.Row r = rows.get(k);
            if (splitCol >= 0) {
                String s = r.cell(splitCol, csv);
                splitsSeen.add(s);
                if (split != null && !s.equalsIgnoreCase(split)) {
                    continue;
                }
            }
            String p = r.cell(pathCol, csv);
            if (p.isEmpty()) {
                throw new IOException(csv + " line " + r.line() + ": empty path");
            }
            paths.add(TextTables.resolve(base, p));
            labels.add(numeric ? Long.parseLong(labelText.get(k)) : ids.get(labelText.get(k)));
            if (supers != null) {
                supers.add(r.longCell(superCol, csv, "super_label"));
            }
        }
        if (paths.isEmpty()) {
            throw new IOException(csv + " has no row with split '" + split + "'; splits present: " + splitsSeen);
        }
        String name = csv.getFileName().toString().replaceFirst("\\.csv$", "") + (split == null ? "" : "/" + split);
        return new FileImageDataset(paths, labels.stream().mapToLong(Long::longValue).toArray(),
                supers == null ? null : supers.stream().mapToLong(Long::longValue).toArray(), classNames, mode, name);
    }
}
