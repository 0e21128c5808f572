package dev.dml4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dml4j.loss.WeightedLoss;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses a component (loss or miner) given on the command line: either {@code Name} or {@code Name:k=v,k=v} with
 * reference (snake_case) parameter names and numbers / booleans / strings as values, or a JSON object
 * {@code {"class": "Name", "params": {...}}} (needed for nested components such as a distance).
 */
final class ComponentArgs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComponentArgs() {
    }

    /** Parses one component argument; {@code what} names it in errors (e.g. "--loss"). */
    @SuppressWarnings("unchecked")
    static ComponentSpec parse(String arg, String what) {
        String s = arg.trim();
        if (s.startsWith("{")) {
            try {
                return ComponentSpec.of(JSON.readValue(s, Map.class), what);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(what + ": invalid JSON '" + s + "': " + e.getOriginalMessage(), e);
            }
        }
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon).trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + ": missing class name in '" + arg + "' (e.g. TripletMarginLoss"
                    + ":margin=0.1)");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (colon >= 0 && colon < s.length() - 1) {
            for (String kv : s.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(what + ": parameter '" + kv + "' in '" + arg + "' is not "
                            + "name=value");
                }
                params.put(kv.substring(0, eq).trim(), value(kv.substring(eq + 1).trim()));
            }
        }
        return new ComponentSpec(name, params);
    }

    private static Object value(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        if (l.equals("true") || l.equals("false")) {
            return Boolean.parseBoolean(l);
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException ignored) {
            // not an int
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException ignored) {
            return v;
        }
    }

    /**
     * Adds {@code num_classes} and {@code embedding_size} to a loss with class weights (proxies, W, centers) when the
     * user left them out, since the trainer knows both.
     */
    static ComponentSpec withSizes(ComponentSpec spec, int numClasses, int embeddingSize) {
        Class<?> c = Components.find(spec.className());
        if (c == null || !WeightedLoss.class.isAssignableFrom(c)) {
            return spec;
        }
        Map<String, Object> p = new LinkedHashMap<>(spec.params());
        p.putIfAbsent("num_classes", numClasses);
        p.putIfAbsent("embedding_size", embeddingSize);
        return new ComponentSpec(spec.className(), p);
    }

    /** The JSON form of a component, for config files. */
    static String toJson(Object component) {
        try {
            return JSON.writeValueAsString(component);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write component " + component, e);
        }
    }
}
