package dev.dml4j.golden;

import static dev.dml4j.golden.Golden.assertScalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.eval.AccuracyCalculator;
import dev.dml4j.eval.KnnMetric;
import java.util.Iterator;
import java.util.Map;

/**
 * Golden cases of kind {@code accuracy}: every k-NN metric the case expects, from {@link AccuracyCalculator} on
 * the case's embeddings (k from {@code params.k}, reference = query when {@code reference} is null), and NMI/AMI of
 * the query labels against the case's {@code cluster_labels}.
 */
class AccuracyRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        Golden.Tolerance tol = Golden.Tolerance.of(type);
        JsonNode exp = c.get("expected");
        JsonNode params = c.get("params");
        boolean sameSource = c.get("reference").isNull();
        AccuracyCalculator.Builder b = AccuracyCalculator.builder()
                .k(params.get("k").asText())
                .knnMetric(KnnMetric.parse(params.path("distance").asText("euclidean")))
                .exclude(AccuracyCalculator.NMI, AccuracyCalculator.AMI);
        AccuracyCalculator calc = b.build();
        long[] qLabels = labels(c.get("query_labels"));
        long[] rLabels = sameSource ? null : labels(c.get("reference_labels"));
        Map<String, Double> got;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = Golden.matrix(m, c.get("query"), type);
            NDArray r = sameSource ? null : Golden.matrix(m, c.get("reference"), type);
            got = calc.getAccuracy(q, qLabels, r, rLabels, sameSource);
        }
        Map<String, Double> clusters = AccuracyCalculator.clusteringScores(qLabels, labels(c.get("cluster_labels")));
        Iterator<Map.Entry<String, JsonNode>> it = exp.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            Double actual = key.endsWith("_given_clusters")
                    ? clusters.get(key.substring(0, key.length() - "_given_clusters".length()))
                    : got.get(key);
            if (actual == null) {
                throw new AssertionError(key + ": not computed (have " + got.keySet() + ")");
            }
            assertScalar(key, actual, e.getValue().asDouble(), tol);
        }
        // metrics the case leaves out (R-Precision and MAP@R when k < max_bin_count) are still computed but not checked
    }

    private static long[] labels(JsonNode list) {
        long[] v = new long[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i).asLong();
        }
        return v;
    }
}
