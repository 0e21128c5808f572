package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stanford Online Products (Oh Song et al., 2016) in its distributed layout: {@code Ebay_train.txt} (classes
 * 1–11318) and {@code Ebay_test.txt} (classes 11319–22634), each with a header line and rows
 * "image_id class_id super_class_id path" (path relative to the root, e.g. {@code bicycle_final/…JPG}). Labels are
 * class_id − 1; super-labels (the 12 product categories, for {@code HierarchicalSampler}) are
 * super_class_id − 1.
 */
public final class StanfordOnlineProducts {
    private StanfordOnlineProducts() {
    }

    /**
     * Reads the given part; {@code root} is the {@code Stanford_Online_Products} folder.
     *
     * @throws IOException when a list file is missing or malformed
     */
    public static FileImageDataset read(Path root, DataSplit split, ColorMode mode) throws IOException {
        List<Path> files = switch (split) {
            case TRAIN -> List.of(root.resolve("Ebay_train.txt"));
            case TEST -> List.of(root.resolve("Ebay_test.txt"));
            case ALL -> List.of(root.resolve("Ebay_train.txt"), root.resolve("Ebay_test.txt"));
        };
        List<Path> paths = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (Path f : files) {
            TextTables.require(f, "Stanford Online Products layout");
            for (TextTables.Row r : TextTables.whitespace(f, 1)) {
                long cls = r.longCell(1, f, "class_id");
                long sup = r.longCell(2, f, "super_class_id");
                if (cls < 1 || sup < 1) {
                    throw new IOException(f + " line " + r.line() + ": class_id and super_class_id are 1-based,"
                            + " found " + cls + " and " + sup);
                }
                paths.add(TextTables.resolve(root, r.cell(3, f)));
                ids.add(new long[] {cls - 1, sup - 1});
            }
        }
        long[] labels = ids.stream().mapToLong(a -> a[0]).toArray();
        long[] supers = ids.stream().mapToLong(a -> a[1]).toArray();
        return new FileImageDataset(paths, labels, supers, null, mode,
                "sop/" + split.name().toLowerCase(java.util.Locale.ROOT));
    }
}
