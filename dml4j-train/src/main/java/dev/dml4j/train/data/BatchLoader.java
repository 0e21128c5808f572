package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.dml4j.train.transform.Transform;
import java.util.Random;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public final class BatchLoader {
    private BatchLoader() {
    }

    /** Stand-in. */
    public static Batch load(ImageDataset ds, int[] indices, Transform t, Random rng, NDManager m) {
        NDList list = new NDList();
        long[] lab = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            NDArray x = ds.image(indices[i], m);
            list.add(t == null ? x : t.apply(x, rng));
            lab[i] = ds.label(indices[i]);
        }
        return new Batch(NDArrays.stack(list), m.create(lab));
    }

    private static final class NDArrays {
        static NDArray stack(NDList l) {
            return ai.djl.ndarray.NDArrays.stack(l);
        }
    }
}
