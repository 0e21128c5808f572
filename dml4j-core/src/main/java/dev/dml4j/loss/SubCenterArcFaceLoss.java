package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Params;
import java.util.ArrayList;
import java.util.List;

/**
 * Sub-center ArcFace (Deng et al. 2020): ArcFace where each class has {@code subCenters} weight rows and the class
 * cosine is the largest of its sub-centers'. Rows are [C × K, D], row {@code c·K + k} being sub-center k of class c.
 * {@link #outliers} finds the samples far from their class's dominant sub-center (noisy labels), as the reference's
 * {@code get_outliers}.
 */
public class SubCenterArcFaceLoss extends ArcFaceLoss {
    private final int subCenters;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param marginDegrees the additive angular margin in degrees (default 28.6)
     * @param scale the logit scale (default 64)
     * @param subCenters K, sub-centers per class (default 3, ≥ 1)
     * @param distance must be CosineSimilarity (null: it)
     * @param reducer the reducer (null: mean)
     */
    public SubCenterArcFaceLoss(int numClasses, int embeddingSize, double marginDegrees, double scale, int subCenters,
            Distance distance, Reducer reducer) {
        super(numClasses, numClasses * checkK(subCenters), embeddingSize, marginDegrees, scale, distance, reducer, 0);
        this.subCenters = subCenters;
    }

    private static int checkK(int k) {
        Checks.require(k >= 1, "SubCenterArcFaceLoss sub_centers must be >= 1, got " + k);
        return k;
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=28.6, scale=64, sub_centers=3}. */
    public static SubCenterArcFaceLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new SubCenterArcFaceLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 28.6), params.getDouble("scale", 64), params.getInt("sub_centers", 3),
                c.distance(), c.reducer()), c);
    }

    /** Sub-centers per class. */
    public int subCenters() {
        return subCenters;
    }

    /** The class cosine [N, C]: the largest cosine over each class's sub-centers. */
    @Override
    protected NDArray cosine(NDArray embeddings, NDArray w) {
        NDArray all = distance.pairwise(embeddings, w);
        if (subCenters == 1) {
            return all;
        }
        return all.reshape(-1, numClasses, subCenters).max(new int[] {2});
    }

    /** Samples far from their class's dominant sub-center, and every class's dominant sub-center. */
    public record Outliers(long[] indices, double[][] dominantCenters) {
    }

    /**
     * The reference's {@code get_outliers}: per class, the dominant sub-center is the one nearest to most of the
     * class's samples (ties: the lowest index; a class without samples: sub-center 0); samples whose angle to it is
     * more than {@code thresholdDegrees} (default 75) are outliers.
     *
     * @param embeddings [N, D]
     * @param labels [N] in [0, C)
     * @param thresholdDegrees the largest angle (degrees) to the dominant sub-center of an inlier (default 75)
     * @param normalize L2-normalise the embeddings first (default true)
     * @return outlier indices ordered by class then index (as the reference), and the dominant sub-centers [C][D],
     *     L2-normalised, one row per class
     */
    public Outliers outliers(NDArray embeddings, NDArray labels, double thresholdDegrees, boolean normalize) {
        Checks.embeddings(embeddings, "embeddings");
        Checks.labels(labels, embeddings.getShape().get(0), "labels");
        long[] lab = checkLabelRange(labels, numClasses);
        double cosThresh = Math.cos(Math.toRadians(thresholdDegrees));
        int n = lab.length;
        int d = (int) embeddings.getShape().get(1);
        double[] sims;
        double[] centers;
        try (NDScope scope = new NDScope()) {
            NDArray x = embeddings.stopGradient().toType(DataType.FLOAT64, true);
            NDArray w = weights.get().stopGradient().toType(DataType.FLOAT64, true);
            NDArray xn = normalize ? x.normalize(2, 1, 1e-12) : x;
            NDArray wn = w.normalize(2, 1, 1e-12);
            sims = xn.matMul(wn.transpose()).toDoubleArray();
            centers = wn.toDoubleArray();
        }
        int k = subCenters;
        int rows = numClasses * k;
        int[][] count = new int[numClasses][k];
        for (int i = 0; i < n; i++) {
            int c = (int) lab[i];
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (sims[i * rows + c * k + j] > sims[i * rows + c * k + best]) {
                    best = j;
                }
            }
            count[c][best]++;
        }
        int[] dominant = new int[numClasses];
        double[][] dom = new double[numClasses][d];
        for (int c = 0; c < numClasses; c++) {
            for (int j = 1; j < k; j++) {
                if (count[c][j] > count[c][dominant[c]]) {
                    dominant[c] = j;
                }
            }
            System.arraycopy(centers, (c * k + dominant[c]) * d, dom[c], 0, d);
        }
        List<Long> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            for (int i = 0; i < n; i++) {
                if (lab[i] == c && sims[i * rows + c * k + dominant[c]] < cosThresh) {
                    out.add((long) i);
                }
            }
        }
        return new Outliers(out.stream().mapToLong(Long::longValue).toArray(), dom);
    }

    /** {@link #outliers(NDArray, NDArray, double, boolean)} with the reference defaults (75°, normalised). */
    public Outliers outliers(NDArray embeddings, NDArray labels) {
        return outliers(embeddings, labels, 75, true);
    }
}
