package dev.dml4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.util.Components;
import java.util.ArrayList;
import java.util.List;

/** Golden cases of kind {@code miner}: the set of mined tuples. */
class MinerCaseRunner implements CaseRunner {

    @Override
    public void run(JsonNode c, DataType type) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = Golden.matrix(m, c.get("embeddings"), type);
            NDArray labels = Golden.longs(m, c.get("labels"));
            Miner miner = Components.create(Miner.class, c.get("class").asText(), Golden.toMap(c.get("params")));
            try (IndicesTuple t = miner.mine(emb, labels)) {
                JsonNode exp = c.get("expected");
                int arity = exp.get("tuple_arity").asInt();
                if ((arity == 3) != (t instanceof IndicesTuple.Triplets)) {
                    throw new AssertionError("expected a tuple of arity " + arity + ", got " + t.getClass().getSimpleName());
                }
                assertSameTuples("tuples", t, exp.get("tuples_sorted"), false);
            }
        }
    }

    /**
     * Asserts the tuple equals the expected set. {@code columns}: the expected JSON is a list of index columns
     * (mined_tuple); otherwise a list of rows. Pairs compare positive and negative pairs as one set of 4-tuples when
     * given as rows of 4 (a1, p, a2, n)... as columns they compare column by column as sets of pairs.
     */
    static void assertSameTuples(String what, IndicesTuple t, JsonNode expected, boolean columns) {
        final List<String> actual = new ArrayList<>();
        final List<String> exp = new ArrayList<>();
        if (t instanceof IndicesTuple.Triplets tr) {
            actual.addAll(rows(tr.a(), tr.p(), tr.n()));
            if (columns) {
                exp.addAll(rows(expected.get(0), expected.get(1), expected.get(2)));
            } else {
                for (JsonNode r : expected) {
                    exp.add(r.get(0).asLong() + "," + r.get(1).asLong() + "," + r.get(2).asLong());
                }
            }
        } else {
            IndicesTuple.Pairs p = (IndicesTuple.Pairs) t;
            List<String> pos = rows(p.a1(), p.p());
            List<String> neg = rows(p.a2(), p.n());
            pos.forEach(s -> actual.add("+" + s));
            neg.forEach(s -> actual.add("-" + s));
            if (columns) {
                rows(expected.get(0), expected.get(1)).forEach(s -> exp.add("+" + s));
                for (String s : rows(expected.get(2), expected.get(3))) {
                    exp.add("-" + s);
                }
            } else {
                // The reference lists pair tuples as zipped rows (a1, p, a2, n), which stops at the shorter of the
                // positive and negative lists. So: the row count must be min(#pos, #neg); the shorter list must
                // equal its column pair as a set; the longer list must contain every listed pair.
                List<String> ep = new ArrayList<>();
                List<String> en = new ArrayList<>();
                for (JsonNode r : expected) {
                    ep.add("+" + r.get(0).asLong() + "," + r.get(1).asLong());
                    en.add("-" + r.get(2).asLong() + "," + r.get(3).asLong());
                }
                long rowsExpected = Math.min(pos.size(), neg.size());
                if (expected.size() != rowsExpected) {
                    throw new AssertionError(what + ": " + pos.size() + " positive and " + neg.size()
                            + " negative pairs mined, so " + rowsExpected + " rows, but the reference has "
                            + expected.size());
                }
                List<String> ap = new ArrayList<>();
                pos.forEach(s -> ap.add("+" + s));
                List<String> an = new ArrayList<>();
                neg.forEach(s -> an.add("-" + s));
                checkSide(what + " positive pairs", ap, ep, pos.size() <= neg.size());
                checkSide(what + " negative pairs", an, en, neg.size() <= pos.size());
                return;
            }
        }
        actual.sort(null);
        exp.sort(null);
        if (!actual.equals(exp)) {
            List<String> onlyA = new ArrayList<>(actual);
            exp.forEach(onlyA::remove);
            List<String> onlyE = new ArrayList<>(exp);
            actual.forEach(onlyE::remove);
            throw new AssertionError(what + ": " + actual.size() + " mined vs " + exp.size() + " expected; only mined: "
                    + head(onlyA) + "; only expected: " + head(onlyE));
        }
    }

    private static void checkSide(String what, List<String> actual, List<String> expected, boolean exact) {
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        if (!missing.isEmpty() || (exact && actual.size() != expected.size())) {
            List<String> extra = new ArrayList<>(actual);
            expected.forEach(extra::remove);
            throw new AssertionError(what + ": missing " + head(missing) + (exact ? "; extra " + head(extra) : ""));
        }
    }

    private static String head(List<String> l) {
        return l.size() <= 8 ? l.toString() : l.subList(0, 8) + "… (" + l.size() + ")";
    }

    private static List<String> rows(NDArray... cols) {
        long[][] v = new long[cols.length][];
        for (int i = 0; i < cols.length; i++) {
            v[i] = cols[i].toType(DataType.INT64, false).toLongArray();
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < v[0].length; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ",").append(v[i][k]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> rows(JsonNode... cols) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < cols[0].size(); k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols.length; i++) {
                sb.append(i == 0 ? "" : ",").append(cols[i].get(k).asLong());
            }
            out.add(sb.toString());
        }
        return out;
    }
}
