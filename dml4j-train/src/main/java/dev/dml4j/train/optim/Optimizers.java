package dev.dml4j.train.optim;

import dev.dml4j.util.Params;
import java.util.Locale;
import java.util.Map;

/** Builds an optimizer by name ({@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop}) from snake_case options. */
public final class Optimizers {
    /** The names {@link #create} accepts. */
    public static final String NAMES = "sgd, adam, adamw, rmsprop";

    private Optimizers() {
    }

    /**
     * Builds an optimizer.
     *
     * @param name one of {@link #NAMES} (case-insensitive)
     * @param options sgd: momentum (0.9), weight_decay (0); adam: beta1 (0.9), beta2 (0.999), epsilon (1e-8),
     *     weight_decay (0); adamw: the same with weight_decay (0.01); rmsprop: alpha (0.99), epsilon (1e-8),
     *     weight_decay (0), momentum (0), centered (false)
     */
    public static ParameterOptimizer create(String name, Map<String, ?> options) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Params p = new Params(n, options == null ? Map.of() : options);
        ParameterOptimizer o = switch (n) {
            case "sgd" -> new Sgd(p.getDouble("momentum", 0.9), p.getDouble("weight_decay", 0));
            case "adam" -> new Adam(p.getDouble("beta1", 0.9), p.getDouble("beta2", 0.999),
                    p.getDouble("epsilon", 1e-8), p.getDouble("weight_decay", 0), false);
            case "adamw" -> new Adam(p.getDouble("beta1", 0.9), p.getDouble("beta2", 0.999),
                    p.getDouble("epsilon", 1e-8), p.getDouble("weight_decay", 0.01), true);
            case "rmsprop" -> new RmsProp(p.getDouble("alpha", 0.99), p.getDouble("epsilon", 1e-8),
                    p.getDouble("weight_decay", 0), p.getDouble("momentum", 0), p.getBoolean("centered", false));
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; use one of " + NAMES);
        };
        p.checkAllUsed();
        return o;
    }
}
