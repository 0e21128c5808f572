package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images stored as files (JPEG/PNG), decoded on every read: what the folder, CSV and benchmark readers (CUB-200-2011,
 * Cars196, Stanford Online Products, In-Shop) return. Holds only paths and labels in memory; optionally a second
 * label level (super-classes, for {@code HierarchicalSampler}) and class names.
 */
public final class FileImageDataset extends ArrayLabelledDataset {
    private final List<Path> paths;
    private final long[] superLabels;
    private final List<String> classNames;
    private final ColorMode mode;
    private final String name;

    /**
     * @param paths one image file per item
     * @param labels one class id ≥ 0 per item
     * @param superLabels one super-class id per item, or null when the data have no hierarchy
     * @param classNames the class name of each class id (index = id), or null
     * @param mode how files become channels
     * @param name the data set's name for logs
     */
    public FileImageDataset(List<Path> paths, long[] labels, long[] superLabels, List<String> classNames,
            ColorMode mode, String name) {
        super(checkedLabels(paths, labels, superLabels, name));
        this.paths = List.copyOf(paths);
        this.superLabels = superLabels == null ? null : superLabels.clone();
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        this.mode = mode;
        this.name = name;
    }

    /** A copy of the labels after checking one (super-)label per path and ids ≥ 0. */
    private static long[] checkedLabels(List<Path> paths, long[] labels, long[] superLabels, String name) {
        if (paths.size() != labels.length || (superLabels != null && superLabels.length != labels.length)) {
            throw new IllegalArgumentException("need one label (and super-label) per path: " + paths.size()
                    + " paths, " + labels.length + " labels" + (superLabels == null ? "" : ", " + superLabels.length
                    + " super-labels"));
        }
        for (long l : labels) {
            if (l < 0) {
                throw new IllegalArgumentException("labels must be class ids >= 0, got " + l + " in " + name);
            }
        }
        return labels.clone();
    }

    /** The super-class id of every item, or null when the data have no second label level. */
    public long[] superLabels() {
        return superLabels == null ? null : superLabels.clone();
    }

    /** Class names indexed by class id, or null when the source names none. */
    public List<String> classNames() {
        return classNames;
    }

    /** The image file of item {@code index}. */
    public Path path(int index) {
        return paths.get(index);
    }

    /** Decodes item {@code index}; an unreadable file raises UncheckedIOException naming the file. */
    @Override
    public NDArray image(int index, NDManager manager) {
        return hostImage(index).toNDArray(manager);
    }

    /** Decodes item {@code index} into Java memory; an unreadable file raises UncheckedIOException naming it. */
    @Override
    public HostImage hostImage(int index) {
        try {
            return ImageFiles.read(paths.get(index), mode);
        } catch (IOException e) {
            throw new UncheckedIOException("item " + index + " of " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int channels() {
        return mode.channels();
    }

    /** The colour mode files are decoded with. */
    public ColorMode colorMode() {
        return mode;
    }

    @Override
    public String name() {
        return name;
    }

    /** The selected items as a new file data set that keeps super-labels and class names. */
    @Override
    public FileImageDataset subset(int[] indices, String subsetName) {
        List<Path> p = new ArrayList<>(indices.length);
        long[] l = new long[indices.length];
        long[] s = superLabels == null ? null : new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= labels.length) {
                throw new IllegalArgumentException("subset index " + i + " outside [0, " + labels.length + ") of "
                        + name);
            }
            p.add(paths.get(i));
            l[k] = labels[i];
            if (s != null) {
                s[k] = superLabels[i];
            }
        }
        return new FileImageDataset(p, l, s, classNames, mode, subsetName);
    }
}
