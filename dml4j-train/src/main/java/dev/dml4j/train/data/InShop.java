package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * DeepFashion In-Shop Clothes Retrieval (Liu et al., 2016): {@code list_eval_partition.txt} (in the root or in
 * {@code root/Eval/}) holds the number of images, a header line, then rows "image_name item_id evaluation_status"
 * with status {@code train}, {@code query} or {@code gallery}; image paths (e.g.
 * {@code img/WOMEN/Dresses/id_00000002/02_1_front.jpg}) are relative to the root. Labels are the item numbers
 * ({@code id_00000002} → 2), shared by query and gallery so that retrieval can match them; super-labels number the
 * clothing categories ({@code WOMEN/Dresses}, …) in sorted order, for {@code HierarchicalSampler}.
 */
public final class InShop {
    /** The three partitions of the benchmark. */
    public enum Part {
        /** Training items (3997 items, 25882 images in the full data). */
        TRAIN,
        /** Query images of the test items. */
        QUERY,
        /** Gallery images of the test items. */
        GALLERY
    }

    private InShop() {
    }

    /**
     * Reads one partition.
     *
     * @throws IOException when the partition file is missing or malformed
     */
    public static FileImageDataset read(Path root, Part part, ColorMode mode) throws IOException {
        Path list = root.resolve("list_eval_partition.txt");
        if (!Files.isRegularFile(list)) {
            list = TextTables.require(root.resolve("Eval").resolve("list_eval_partition.txt"), "In-Shop layout");
        }
        List<TextTables.Row> rows = TextTables.whitespace(list, 2);
        TreeMap<String, Long> categories = new TreeMap<>();
        for (TextTables.Row r : rows) {
            categories.put(category(r.cell(0, list)), 0L);
        }
        long k = 0;
        for (var e : categories.entrySet()) {
            e.setValue(k++);
        }
        String want = part.name().toLowerCase(Locale.ROOT);
        List<Path> paths = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (TextTables.Row r : rows) {
            String status = r.cell(2, list);
            if (!status.equals("train") && !status.equals("query") && !status.equals("gallery")) {
                throw new IOException(list + " line " + r.line() + ": evaluation_status must be train, query or"
                        + " gallery, found '" + status + "'");
            }
            if (!status.equals(want)) {
                continue;
            }
            String item = r.cell(1, list);
            String digits = item.replaceFirst("^id_", "");
            if (!digits.matches("\\d{1,18}")) {
                throw new IOException(list + " line " + r.line() + ": item_id must look like id_00000001, found '"
                        + item + "'");
            }
            paths.add(TextTables.resolve(root, r.cell(0, list)));
            ids.add(new long[] {Long.parseLong(digits), categories.get(category(r.cell(0, list)))});
        }
        if (paths.isEmpty()) {
            throw new IOException(list + " lists no image with status '" + want + "'");
        }
        return new FileImageDataset(paths, ids.stream().mapToLong(a -> a[0]).toArray(),
                ids.stream().mapToLong(a -> a[1]).toArray(), null, mode, "inshop/" + want);
    }

    /** The clothing category of an image path: the two folders after {@code img/}, e.g. {@code WOMEN/Dresses}. */
    private static String category(String imagePath) {
        String[] parts = imagePath.split("/");
        int start = parts.length > 0 && parts[0].equals("img") ? 1 : 0;
        if (parts.length - start >= 3) {
            return parts[start] + "/" + parts[start + 1];
        }
        return "";
    }
}
