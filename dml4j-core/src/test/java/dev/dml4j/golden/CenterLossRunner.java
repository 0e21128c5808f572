package dev.dml4j.golden;

import static dev.dml4j.golden.Golden.assertArray;
import static dev.dml4j.golden.Golden.assertScalar;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.loss.CenterLoss;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Golden cases of kind {@code center_loss}: the half-sum loss and its gradient, the mean form, and one step of the
 * paper's center update rule. num_classes and embedding_size come from the shape of the case's centers.
 */
class CenterLossRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        JsonNode exp = c.get("expected");
        Map<String, Object> params = new LinkedHashMap<>(Golden.toMap(c.get("params")));
        params.put("num_classes", c.get("weights").size());
        params.put("embedding_size", c.get("weights").get(0).size());
        Map<String, Object> meanParams = new LinkedHashMap<>(params);
        meanParams.put("reduction", "mean");
        try (NDManager m = NDManager.newBaseManager();
             CenterLoss loss = Components.create(CenterLoss.class, c.get("class").asText(), params);
             CenterLoss mean = Components.create(CenterLoss.class, c.get("class").asText(), meanParams)) {
            NDArray emb = Golden.matrix(m, c.get("embeddings"), type);
            NDArray labels = Golden.longs(m, c.get("labels"));
            NDArray centers = Golden.matrix(m, c.get("weights"), type);
            loss.setWeights(centers);
            mean.setWeights(centers);
            emb.setRequiresGradient(true);
            NDArray value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                value = loss.forward(emb, labels);
                Ops.backward(gc, value);
            }
            assertScalar("loss", value.toType(DataType.FLOAT64, false).getDouble(), exp.get("loss").asDouble(), tol);
            try (NDArray g = emb.getGradient()) {
                assertArray("grad_embeddings", g, exp.get("grad_embeddings"), tol);
            }
            NDArray meanValue = mean.forward(emb, labels);
            assertScalar("loss_mean", meanValue.toType(DataType.FLOAT64, false).getDouble(),
                    exp.get("loss_mean").asDouble(), tol);
            loss.updateCenters(emb, labels);
            assertArray("centers_after_update", loss.getWeights(), exp.get("centers_after_update"), tol);
            // setWeights copied: the caller's array is untouched by the update
            assertArray("weights (caller's copy)", centers, c.get("weights"), tol);
        }
    }
}
