package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Stanford Cars / Cars196 (Krause et al., 2013), class-disjoint as in the deep-metric-learning literature: classes
 * 1–98 train, 99–196 test (the first half of the classes in id order), over all 16185 images. The original
 * {@code cars_annos.mat} is a MATLAB file, which dml4j does not parse; two layouts are supported instead:
 * <ol>
 *   <li>an export of the annotations next to the images, {@code root/cars_annos.csv} (comma-separated) or
 *       {@code root/cars_annos.txt} (whitespace-separated), with a header naming a path column
 *       ({@code relative_im_path}, {@code fname}, {@code filename} or {@code path}, relative to root) and a class
 *       column ({@code class}, {@code class_id} or {@code label}; ids 1–196 as in the .mat); other columns are
 *       ignored;</li>
 *   <li>one folder per class, {@code root/<class name>/<image>}, or {@code root/train/<class name>/…} plus
 *       {@code root/test/<class name>/…} (the popular "by classes folder" re-packaging; both parts are merged by
 *       class name). Class ids follow the sorted folder names, which for the original names is the original
 *       class order.</li>
 * </ol>
 * Labels are class id − 1 (0–195).
 */
public final class Cars196 {
    private static final List<String> PATH_COLUMNS = List.of("relative_im_path", "fname", "filename", "path");
    private static final List<String> CLASS_COLUMNS = List.of("class", "class_id", "label");

    private Cars196() {
    }

    /**
     * Reads the given part from {@code root} (see the class comment for the layouts).
     *
     * @throws IOException when neither layout is found (the message says how to export cars_annos.mat) or a file
     *     is malformed
     */
    public static FileImageDataset read(Path root, DataSplit split, ColorMode mode) throws IOException {
        FileImageDataset all;
        Path csv = root.resolve("cars_annos.csv");
        Path txt = root.resolve("cars_annos.txt");
        if (Files.isRegularFile(csv)) {
            all = fromTable(root, csv, TextTables.csv(csv), mode);
        } else if (Files.isRegularFile(txt)) {
            all = fromTable(root, txt, TextTables.whitespace(txt, 0), mode);
        } else if (hasClassFolders(root)) {
            all = fromFolders(root, mode);
        } else {
            throw new IOException("Cars196: no supported layout in " + root + ". dml4j reads root/cars_annos.csv (or"
                    + " .txt) with columns relative_im_path,class, or one folder per class"
                    + (Files.isRegularFile(root.resolve("cars_annos.mat"))
                    ? ". cars_annos.mat is MATLAB; export it once, e.g. python3 -c \"import scipy.io,csv;"
                    + "a=scipy.io.loadmat('cars_annos.mat')['annotations'][0];w=csv.writer(open('cars_annos.csv','w'));"
                    + "w.writerow(['relative_im_path','class']);[w.writerow([x[0][0],int(x[5][0][0])]) for x in a]\""
                    : ""));
        }
        return BenchmarkSplits.classDisjoint(all, split, "cars196");
    }

    private static boolean hasClassFolders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (var s = Files.list(root)) {
            return s.anyMatch(Files::isDirectory);
        }
    }

    private static FileImageDataset fromTable(Path root, Path file, List<TextTables.Row> rows, ColorMode mode)
            throws IOException {
        if (rows.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        List<String> header = Arrays.stream(rows.get(0).cells()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
        int pathCol = firstOf(header, PATH_COLUMNS);
        int classCol = firstOf(header, CLASS_COLUMNS);
        if (pathCol < 0 || classCol < 0) {
            throw new IOException(file + ": header " + header + " must name a path column " + PATH_COLUMNS
                    + " and a class column " + CLASS_COLUMNS);
        }
        List<Path> paths = new ArrayList<>();
        long[] labels = new long[rows.size() - 1];
        for (int k = 1; k < rows.size(); k++) {
            TextTables.Row r = rows.get(k);
            long cls = r.longCell(classCol, file, "class");
            if (cls < 1) {
                throw new IOException(file + " line " + r.line() + ": class ids are 1-based as in cars_annos.mat,"
                        + " found " + cls);
            }
            labels[k - 1] = cls - 1;
            paths.add(TextTables.resolve(root, r.cell(pathCol, file)));
        }
        return new FileImageDataset(paths, labels, null, null, mode, "cars196");
    }

    private static int firstOf(List<String> header, List<String> names) {
        for (String n : names) {
            if (header.contains(n)) {
                return header.indexOf(n);
            }
        }
        return -1;
    }

    private static FileImageDataset fromFolders(Path root, ColorMode mode) throws IOException {
        List<Path> parts = Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test"))
                ? List.of(root.resolve("train"), root.resolve("test")) : List.of(root);
        TreeMap<String, List<Path>> byClass = new TreeMap<>();
        for (Path part : parts) {
            for (Path dir : ImageFolderDataset.classFolders(part)) {
                byClass.computeIfAbsent(dir.getFileName().toString(), k -> new ArrayList<>())
                        .addAll(ImageFolderDataset.images(dir));
            }
        }
        List<Path> paths = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        long c = 0;
        for (var e : byClass.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IOException("Cars196: class folder '" + e.getKey() + "' holds no image");
            }
            for (Path p : e.getValue()) {
                paths.add(p);
                labels.add(c);
            }
            c++;
        }
        return new FileImageDataset(paths, labels.stream().mapToLong(Long::longValue).toArray(), null,
                new ArrayList<>(byClass.keySet()), mode, "cars196");
    }
}
