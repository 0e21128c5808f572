package dev.dml4j.golden;

import static dev.dml4j.golden.Golden.assertArray;
import static dev.dml4j.golden.Golden.assertScalar;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.loss.RangeLoss;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;

/** Golden cases of kind {@code range_loss}: the loss, its intra and inter terms, and the embeddings' gradient. */
class RangeLossRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        JsonNode exp = c.get("expected");
        try (NDManager m = NDManager.newBaseManager();
             RangeLoss loss = Components.create(RangeLoss.class, c.get("class").asText(),
                     Golden.toMap(c.get("params")))) {
            NDArray emb = Golden.matrix(m, c.get("embeddings"), type);
            NDArray labels = Golden.longs(m, c.get("labels"));
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
            try (RangeLoss.Terms t = loss.terms(emb, labels)) {
                assertScalar("intra", t.intra().toType(DataType.FLOAT64, false).getDouble(),
                        exp.get("intra").asDouble(), tol);
                assertScalar("inter", t.inter().toType(DataType.FLOAT64, false).getDouble(),
                        exp.get("inter").asDouble(), tol);
            }
        }
    }
}
