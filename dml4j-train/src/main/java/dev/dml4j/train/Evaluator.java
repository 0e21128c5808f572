package dev.dml4j.train;

import dev.dml4j.train.model.EmbeddingModel;
import java.util.Map;

/** Scores a model, e.g. retrieval metrics on held-out classes; higher values are better. */
@FunctionalInterface
public interface Evaluator {
    /** The metrics of the model in its current state (name → value). */
    Map<String, Double> evaluate(EmbeddingModel model);
}
