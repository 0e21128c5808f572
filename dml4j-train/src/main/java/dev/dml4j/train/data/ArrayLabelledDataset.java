package dev.dml4j.train.data;

/** Base of the readers that hold their labels in one array: {@code size}, {@code label} and {@code labels} read it. */
abstract class ArrayLabelledDataset implements ImageDataset {
    /** One class id per item, owned by this data set (never changed after construction). */
    protected final long[] labels;

    /** @param labels one class id per item; the array is kept, not copied */
    protected ArrayLabelledDataset(long[] labels) {
        this.labels = labels;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long label(int index) {
        return labels[index];
    }

    @Override
    public long[] labels() {
        return labels.clone();
    }
}
