package dev.dml4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Reading the reference cases and comparing numbers with the folder's tolerances. */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    /** The folder of reference cases: system property {@code dml4j.golden.dir} (relative to the repository root). */
    public static Path dir() {
        String d = System.getProperty("dml4j.golden.dir", "../shared/golden");
        Path p = Path.of(d);
        if (!p.isAbsolute()) {
            String root = System.getProperty("dml4j.root");
            p = root != null ? Path.of(root).resolve(d) : Path.of("..").resolve(d);
        }
        return p.normalize();
    }

    /** Every case of every {@code *.json} file in the folder, with its file name. */
    public static List<JsonNode> cases() throws IOException {
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("golden folder " + dir + " does not exist; set -Ddml4j.golden.dir=DIR");
        }
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = JSON.readTree(f.toFile());
                for (JsonNode c : root.get("cases")) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** Converts JSON to plain Java values (maps, lists, numbers, strings, booleans, null). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        return JSON.convertValue(node, Map.class);
    }

    /** A component spec from a JSON {class, params} node. */
    public static ComponentSpec spec(JsonNode node) {
        return new ComponentSpec(node.get("class").asText(), toMap(node.get("params")));
    }

    /** Every component class named anywhere in a case that dml4j does not have (empty: all exist). */
    public static Set<String> missingClasses(JsonNode c) {
        Set<String> missing = new LinkedHashSet<>();
        collect(c, missing);
        return missing;
    }

    private static void collect(JsonNode n, Set<String> missing) {
        if (n.isObject()) {
            JsonNode cls = n.get("class");
            if (cls != null && cls.isTextual() && Components.find(cls.asText()) == null) {
                missing.add(cls.asText());
            }
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("expected") && !e.getKey().equals("batches")) {
                    collect(e.getValue(), missing);
                }
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) {
                if (x.isContainerNode()) {
                    collect(x, missing);
                }
            }
        }
    }

    /** A JSON matrix [rows][cols] as an NDArray of the given float type. */
    public static NDArray matrix(NDManager m, JsonNode rows, DataType type) {
        int r = rows.size();
        int c = r == 0 ? 0 : rows.get(0).size();
        double[] flat = new double[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                flat[i * c + j] = rows.get(i).get(j).asDouble();
            }
        }
        return m.create(flat, new Shape(r, c)).toType(type, false);
    }

    /** A JSON integer list as an int64 NDArray. */
    public static NDArray longs(NDManager m, JsonNode list) {
        long[] v = new long[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i).asLong();
        }
        return m.create(v);
    }

    /** Numeric tolerance for one precision. */
    public record Tolerance(double rel, double abs) {
        /** The folder's float64 tolerance. */
        public static final Tolerance FLOAT64 = new Tolerance(1e-6, 1e-9);
        /** The folder's float32 tolerance. */
        public static final Tolerance FLOAT32 = new Tolerance(1e-3, 1e-5);

        /** The tolerance for a data type. */
        public static Tolerance of(DataType t) {
            return t == DataType.FLOAT64 ? FLOAT64 : FLOAT32;
        }

        /** Whether actual matches expected. */
        public boolean close(double actual, double expected) {
            return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
        }
    }

    /** Asserts a scalar matches. */
    public static void assertScalar(String what, double actual, double expected, Tolerance tol) {
        if (!tol.close(actual, expected)) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual);
        }
    }

    /** Asserts an array (any shape) matches a JSON array of the same shape, entry by entry. */
    public static void assertArray(String what, NDArray actual, JsonNode expected, Tolerance tol) {
        if (actual == null) {
            throw new AssertionError(what + ": no gradient was computed");
        }
        double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        List<Double> e = new ArrayList<>();
        flatten(expected, e);
        if (a.length != e.size()) {
            throw new AssertionError(what + ": expected " + e.size() + " values, got " + a.length + " (shape "
                    + actual.getShape() + ")");
        }
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            if (!tol.close(a[i], e.get(i))) {
                if (bad++ < 3) {
                    first.append(String.format(" [%d] expected %.12g got %.12g;", i, e.get(i), a[i]));
                }
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + a.length + " entries differ:" + first);
        }
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            for (JsonNode x : n) {
                flatten(x, out);
            }
        } else {
            out.add(n.asDouble());
        }
    }
}
