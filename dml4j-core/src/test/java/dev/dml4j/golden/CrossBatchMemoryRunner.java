package dev.dml4j.golden;

import static dev.dml4j.golden.Golden.assertArray;
import static dev.dml4j.golden.Golden.assertScalar;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.util.Components;

/** Golden cases of kind {@code cross_batch_memory}: several batches in order on one fresh instance. */
class CrossBatchMemoryRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        try (NDManager m = NDManager.newBaseManager();
             MetricLoss xbm = Components.create(MetricLoss.class, c.get("class").asText(), Golden.toMap(c.get("params")))) {
            int b = 0;
            for (JsonNode batch : c.get("batches")) {
                NDArray emb = Golden.matrix(m, batch.get("embeddings"), type);
                NDArray labels = Golden.longs(m, batch.get("labels"));
                emb.setRequiresGradient(true);
                NDArray value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    value = xbm.forward(emb, labels);
                    gc.backward(value);
                }
                JsonNode exp = batch.get("expected");
                assertScalar("batch " + b + " loss", value.toType(DataType.FLOAT64, false).getDouble(),
                        exp.get("loss").asDouble(), tol);
                try (NDArray g = emb.getGradient()) {
                    assertArray("batch " + b + " grad_embeddings", g, exp.get("grad_embeddings"), tol);
                }
                b++;
            }
        }
    }
}
