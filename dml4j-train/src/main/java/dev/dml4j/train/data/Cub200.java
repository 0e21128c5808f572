package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CUB-200-2011 (Wah et al., 2011) in its distributed layout: {@code images.txt} ("image_id relative_path"),
 * {@code image_class_labels.txt} ("image_id class_id", classes 1–200), optional {@code classes.txt}
 * ("class_id name") and the images under {@code images/}. The deep-metric-learning convention is class-disjoint:
 * classes 1–100 train, 101–200 test (the first half of the classes in id order; the file
 * {@code train_test_split.txt}, which splits images within classes, is not used). Labels are class_id − 1.
 */
public final class Cub200 {
    private Cub200() {
    }

    /**
     * Reads the given part; {@code root} is the {@code CUB_200_2011} folder or its parent.
     *
     * @throws IOException when a list file is missing or inconsistent (ids without a label, bad numbers)
     */
    public static FileImageDataset read(Path root, DataSplit split, ColorMode mode) throws IOException {
        Path dir = Files.isRegularFile(root.resolve("images.txt")) ? root : root.resolve("CUB_200_2011");
        String layout = "CUB-200-2011 layout";
        Path imagesTxt = TextTables.require(dir.resolve("images.txt"), layout);
        Path labelsTxt = TextTables.require(dir.resolve("image_class_labels.txt"), layout);
        Map<Long, Long> classOf = new HashMap<>();
        for (TextTables.Row r : TextTables.whitespace(labelsTxt, 0)) {
            long cls = r.longCell(1, labelsTxt, "class_id");
            if (cls < 1) {
                throw new IOException(labelsTxt + " line " + r.line() + ": class ids start at 1, found " + cls);
            }
            classOf.put(r.longCell(0, labelsTxt, "image_id"), cls - 1);
        }
        List<Path> paths = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        for (TextTables.Row r : TextTables.whitespace(imagesTxt, 0)) {
            long id = r.longCell(0, imagesTxt, "image_id");
            Long cls = classOf.get(id);
            if (cls == null) {
                throw new IOException(imagesTxt + " line " + r.line() + ": image " + id + " has no class in "
                        + labelsTxt);
            }
            paths.add(TextTables.resolve(dir.resolve("images"), r.cell(1, imagesTxt)));
            labels.add(cls);
        }
        List<String> names = null;
        Path classesTxt = dir.resolve("classes.txt");
        if (Files.isRegularFile(classesTxt)) {
            names = new ArrayList<>();
            for (TextTables.Row r : TextTables.whitespace(classesTxt, 0)) {
                names.add(r.cell(1, classesTxt));
            }
        }
        FileImageDataset all = new FileImageDataset(paths, labels.stream().mapToLong(Long::longValue).toArray(), null,
                names, mode, "cub200");
        return BenchmarkSplits.classDisjoint(all, split, "cub200");
    }
}
