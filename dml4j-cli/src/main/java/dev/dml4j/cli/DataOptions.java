package dev.dml4j.cli;

import dev.dml4j.train.data.FashionMnist;
import dev.dml4j.train.data.ImageDataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where images come from on the command line: {@code fashion-mnist} (the built-in copy under data/fashion-mnist/),
 * with its {@code train} or {@code test} split, optionally restricted to some classes.
 */
final class DataOptions {
    private DataOptions() {
    }

    /**
     * Opens a data set.
     *
     * @param name {@code fashion-mnist}
     * @param split {@code train} or {@code test}
     */
    static ImageDataset open(String name, String split) throws IOException {
        String n = name == null ? "fashion-mnist" : name.trim().toLowerCase(Locale.ROOT);
        String s = split == null ? "train" : split.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("train") && !s.equals("test")) {
            throw new IllegalArgumentException("unknown split '" + split + "'; use train or test");
        }
        if (n.equals("fashion-mnist")) {
            return FashionMnist.builtIn(s.equals("train"));
        }
        throw new IllegalArgumentException("unknown data set '" + name + "'; use fashion-mnist");
    }

    /**
     * Parses a class list such as {@code 0-4}, {@code 5,7,9} or {@code 0-2,8}.
     *
     * @return the class ids, sorted
     */
    static Set<Long> classes(String spec) {
        Set<Long> out = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    long a = Long.parseLong(p.substring(0, dash).trim());
                    long b = Long.parseLong(p.substring(dash + 1).trim());
                    if (b < a) {
                        throw new IllegalArgumentException("class range '" + p + "' is empty (write low-high)");
                    }
                    for (long c = a; c <= b; c++) {
                        out.add(c);
                    }
                } else {
                    out.add(Long.parseLong(p));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad class list '" + spec + "': use e.g. 0-4 or 5,7,9", e);
            }
        }
        return out;
    }

    /** The items of {@code data} whose class is in {@code keep} (a view); fails when none is left. */
    static ImageDataset onlyClasses(ImageDataset data, Set<Long> keep) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (keep.contains(data.label(i))) {
                idx.add(i);
            }
        }
        if (idx.isEmpty()) {
            throw new IllegalArgumentException("no item of " + data.name() + " has a class in " + keep);
        }
        return data.subset(idx.stream().mapToInt(Integer::intValue).toArray(), data.name() + " classes " + keep);
    }

    /** The image shape [C, H, W] of a data set (read from its first item). */
    static int[] shape(ImageDataset data) {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            long[] s = data.image(0, m).getShape().getShape();
            return new int[] {(int) s[0], (int) s[1], (int) s[2]};
        }
    }
}
