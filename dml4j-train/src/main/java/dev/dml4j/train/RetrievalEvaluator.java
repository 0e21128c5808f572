package dev.dml4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.eval.AccuracyCalculator;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.util.Checks;
import java.util.Map;

/**
 * Retrieval evaluation on a held-out set (usually unseen classes): every item is a query against all the others
 * (the reference set is the query set, each query excluded from its own neighbours), scored by
 * {@link AccuracyCalculator} ({@code precision_at_1}, {@code r_precision}, {@code mean_average_precision_at_r}, …).
 */
public final class RetrievalEvaluator implements Evaluator {
    private final ImageDataset queries;
    private final long[] labels;
    private final int batchSize;
    private final AccuracyCalculator calculator;

    /**
     * Evaluation with precision_at_1, r_precision and mean_average_precision_at_r by Euclidean distance (the
     * reference's default k-NN).
     *
     * @param queries the evaluation items (at least two)
     * @param batchSize items per forward pass when embedding (e.g. 256)
     */
    public RetrievalEvaluator(ImageDataset queries, int batchSize) {
        this(queries, batchSize, AccuracyCalculator.builder().include(AccuracyCalculator.PRECISION_AT_1,
                AccuracyCalculator.R_PRECISION, AccuracyCalculator.MAP_AT_R).build());
    }

    /**
     * @param queries the evaluation items (at least two)
     * @param batchSize items per forward pass when embedding (e.g. 256)
     * @param calculator the metrics to compute
     */
    public RetrievalEvaluator(ImageDataset queries, int batchSize, AccuracyCalculator calculator) {
        this.calculator = calculator;
        Checks.require(queries.size() >= 2, "evaluation needs at least 2 items, got " + queries.size() + " in "
                + queries.name());
        this.queries = queries;
        this.labels = queries.labels();
        this.batchSize = batchSize;
    }

    @Override
    public Map<String, Double> evaluate(EmbeddingModel model) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray e = model.embed(queries, batchSize, m);
            return calculator.getAccuracy(e, labels, e, labels, true);
        }
    }
}
