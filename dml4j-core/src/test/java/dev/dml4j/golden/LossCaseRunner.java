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
import dev.dml4j.loss.WeightedLoss;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.regularize.Regularizer;
import dev.dml4j.util.Components;

/** Golden cases of kind {@code loss}: loss value, gradients, and the mined tuple where a miner ran first. */
class LossCaseRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        JsonNode exp = c.get("expected");
        try (NDManager m = NDManager.newBaseManager();
             MetricLoss loss = Components.create(MetricLoss.class, c.get("class").asText(), Golden.toMap(c.get("params")))) {
            NDArray emb = Golden.matrix(m, c.get("embeddings"), type);
            NDArray labels = c.hasNonNull("labels") ? Golden.longs(m, c.get("labels")) : null;
            NDArray ref = c.hasNonNull("ref_embeddings") ? Golden.matrix(m, c.get("ref_embeddings"), type) : null;
            NDArray refLabels = c.hasNonNull("ref_labels") ? Golden.longs(m, c.get("ref_labels")) : null;
            if (c.hasNonNull("weights")) {
                ((WeightedLoss) loss).setWeights(Golden.matrix(m, c.get("weights"), type));
            }
            if (c.hasNonNull("embedding_regularizer")) {
                loss.withEmbeddingRegularizer(Components.create(Regularizer.class,
                        Golden.spec(c.get("embedding_regularizer"))), 1);
            }
            if (c.hasNonNull("weight_regularizer")) {
                loss.withWeightRegularizer(Components.create(Regularizer.class,
                        Golden.spec(c.get("weight_regularizer"))), 1);
            }
            IndicesTuple tuple = null;
            if (c.hasNonNull("miner")) {
                Miner miner = Components.create(Miner.class, Golden.spec(c.get("miner")));
                tuple = miner.mine(emb, labels);
                if (exp.has("mined_tuple")) {
                    MinerCaseRunner.assertSameTuples("mined_tuple", tuple, exp.get("mined_tuple"), true);
                }
            }
            emb.setRequiresGradient(true);
            if (ref != null) {
                ref.setRequiresGradient(true);
            }
            NDArray value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                value = loss.forward(emb, labels, tuple, ref, refLabels);
                gc.backward(value);
            }
            assertScalar("loss", value.toType(DataType.FLOAT64, false).getDouble(), exp.get("loss").asDouble(), tol);
            try (NDArray g = emb.getGradient()) {
                assertArray("grad_embeddings", g, exp.get("grad_embeddings"), tol);
            }
            if (exp.has("grad_ref_embeddings")) {
                try (NDArray g = ref.getGradient()) {
                    assertArray("grad_ref_embeddings", g, exp.get("grad_ref_embeddings"), tol);
                }
            }
            if (exp.has("grad_weights")) {
                try (NDArray g = ((WeightedLoss) loss).getWeights().getGradient()) {
                    assertArray("grad_weights", g, exp.get("grad_weights"), tol);
                }
            }
        }
    }
}
