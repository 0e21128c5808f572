package dev.dml4j.util;

import java.util.List;
import java.util.Map;

/** A component named by its reference class name with its parameters, e.g. {@code {class: LpDistance, params: {p: 2}}}. */
public record ComponentSpec(String className, Map<String, Object> params) {

    /** Parses {@code {class, params}}, a bare class name, or the golden files' {@code [class, params]} pair. */
    @SuppressWarnings("unchecked")
    public static ComponentSpec of(Object v, String where) {
        if (v instanceof ComponentSpec c) {
            return c;
        }
        if (v instanceof String s) {
            return new ComponentSpec(s, Map.of());
        }
        if (v instanceof Map<?, ?> m && m.get("class") instanceof String cls) {
            Object p = m.get("params");
            return new ComponentSpec(cls, p == null ? Map.of() : (Map<String, Object>) p);
        }
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String cls && l.get(1) instanceof Map<?, ?> p) {
            return new ComponentSpec(cls, (Map<String, Object>) p);
        }
        throw new IllegalArgumentException(where + ": expected a component {class: Name, params: {...}}, got " + v);
    }

    /** These parameters wrapped for typed reading. */
    public Params toParams() {
        return new Params(className, params);
    }
}
