package dev.dml4j.golden;

import static dev.dml4j.golden.Golden.assertArray;
import static dev.dml4j.golden.Golden.assertScalar;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.loss.GroupLoss;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;

/**
 * Golden cases of kind {@code group_loss}: the loss and its two terms, the refined assignment, and the gradients of
 * the embeddings and of the logits.
 */
class GroupLossRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        JsonNode exp = c.get("expected");
        GroupLoss loss = Components.create(GroupLoss.class, c.get("class").asText(), Golden.toMap(c.get("params")));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = Golden.matrix(m, c.get("embeddings"), type);
            NDArray logits = Golden.matrix(m, c.get("logits"), type);
            NDArray labels = Golden.longs(m, c.get("labels"));
            NDArray anchors = Golden.longs(m, c.get("anchors"));
            emb.setRequiresGradient(true);
            logits.setRequiresGradient(true);
            GroupLoss.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                r = loss.compute(emb, logits, labels, anchors);
                Ops.backward(gc, r.loss());
            }
            try (r) {
                assertScalar("loss", d(r.loss()), exp.get("loss").asDouble(), tol);
                assertScalar("group_nll", d(r.groupNll()), exp.get("group_nll").asDouble(), tol);
                assertScalar("cross_entropy", d(r.crossEntropy()), exp.get("cross_entropy").asDouble(), tol);
                assertArray("refined_probabilities", r.refinedProbabilities(), exp.get("refined_probabilities"), tol);
            }
            try (NDArray g = emb.getGradient()) {
                assertArray("grad_embeddings", g, exp.get("grad_embeddings"), tol);
            }
            try (NDArray g = logits.getGradient()) {
                assertArray("grad_logits", g, exp.get("grad_logits"), tol);
            }
        }
    }

    private static double d(NDArray x) {
        return x.toType(DataType.FLOAT64, false).getDouble();
    }
}
