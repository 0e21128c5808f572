package dev.dml4j.util;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named parameters of a component (loss, miner, reducer, distance, regularizer), as given in a config file or
 * a golden case: reference (snake_case) names mapped to numbers, booleans, strings, lists or nested components
 * ({@code {class, params}}). Typed getters take the default; {@link #checkAllUsed} reports unknown names.
 */
public final class Params {
    private final String owner;
    private final Map<String, Object> values;
    private final Set<String> used = new LinkedHashSet<>();

    /** Wraps a map of parameters for the component named {@code owner} (used in error messages). */
    public Params(String owner, Map<String, ?> values) {
        this.owner = owner;
        this.values = values == null ? new LinkedHashMap<>() : new LinkedHashMap<>(values);
    }

    /** An empty parameter set for the component named {@code owner}. */
    public static Params empty(String owner) {
        return new Params(owner, Map.of());
    }

    /** The component these parameters belong to. */
    public String owner() {
        return owner;
    }

    /** Whether the parameter is present (and not null). */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** The raw value, or null; marks the name as used. */
    public Object raw(String name) {
        used.add(name);
        return values.get(name);
    }

    /** A real-valued parameter, or {@code def} when absent. */
    public double getDouble(String name, double def) {
        Object v = raw(name);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad(name, v, "a number");
            }
        }
        throw bad(name, v, "a number");
    }

    /** An integer parameter, or {@code def} when absent. */
    public int getInt(String name, int def) {
        Object v = raw(name);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw bad(name, v, "a whole number");
            }
        }
        throw bad(name, v, "a whole number");
    }

    /** A boolean parameter, or {@code def} when absent. */
    public boolean getBoolean(String name, boolean def) {
        Object v = raw(name);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw bad(name, v, "true or false");
    }

    /** A string parameter, or {@code def} when absent. */
    public String getString(String name, String def) {
        Object v = raw(name);
        return v == null ? def : String.valueOf(v);
    }

    /** A nested component ({@code {class, params}}) or null when absent. */
    public ComponentSpec getComponent(String name) {
        Object v = raw(name);
        if (v == null) {
            return null;
        }
        return ComponentSpec.of(v, owner + "." + name);
    }

    /** A list of numbers, or null when absent. */
    public double[] getDoubles(String name) {
        Object v = raw(name);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw bad(name, v, "a list of numbers");
                }
                out[i] = n.doubleValue();
            }
            return out;
        }
        throw bad(name, v, "a list of numbers");
    }

    /** Throws if any given parameter was never read: a misspelt name must not be ignored silently. */
    public void checkAllUsed() {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(owner + ": unknown parameter(s) " + unknown
                    + "; known here: " + (used.isEmpty() ? "none" : used));
        }
    }

    private IllegalArgumentException bad(String name, Object v, String want) {
        return new IllegalArgumentException(owner + ": parameter '" + name + "' must be " + want + ", got '" + v + "'");
    }

    @Override
    public String toString() {
        return owner + values;
    }
}
