package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A view of some items of another data set, in the given order. */
public final class SubsetDataset implements ImageDataset {
    private final ImageDataset base;
    private final int[] indices;
    private final String name;

    /**
     * @param base the full data set
     * @param indices positions in {@code base}, each in [0, base.size())
     * @param name the subset's name
     */
    public SubsetDataset(ImageDataset base, int[] indices, String name) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IllegalArgumentException("subset index " + i + " outside [0, " + base.size() + ") of "
                        + base.name());
            }
        }
        this.base = base;
        this.indices = indices.clone();
        this.name = name;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public long label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public NDArray image(int index, NDManager manager) {
        return base.image(indices[index], manager);
    }

    @Override
    public HostImage hostImage(int index) {
        return base.hostImage(indices[index]);
    }

    @Override
    public int channels() {
        return base.channels();
    }

    @Override
    public String name() {
        return name;
    }
}
