package dev.dml4j.util;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds components (losses, miners, reducers, distances, regularizers) from their reference class names and
 * parameters, as a config file or a golden case names them. Every component class offers
 * {@code public static T fromParams(Params)}; this class finds it by name in the component packages, so adding a
 * component needs no central list.
 */
public final class Components {
    private static final List<String> PACKAGES = List.of(
            "dev.dml4j.loss", "dev.dml4j.mining", "dev.dml4j.reduce", "dev.dml4j.distance", "dev.dml4j.regularize");

    /** Reference names whose Java class is spelt differently (Java naming of acronyms). */
    private static final Map<String, String> ALIASES = Map.of(
            "SNRDistance", "SnrDistance",
            "HDCMiner", "HdcMiner",
            "SignalToNoiseRatioContrastiveLoss", "SignalToNoiseRatioContrastiveLoss",
            "VICRegLoss", "VicRegLoss",
            "NTXentLoss", "NtXentLoss",
            "PNPLoss", "PnpLoss",
            "P2SGradLoss", "P2SGradLoss");

    private Components() {
    }

    /** Builds a component of the given type from a spec; unknown names or parameters give a clear error. */
    public static <T> T create(Class<T> type, ComponentSpec spec) {
        Class<?> cls = find(spec.className());
        if (cls == null) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + spec.className()
                    + "' (looked in " + PACKAGES + ")");
        }
        if (!type.isAssignableFrom(cls)) {
            throw new IllegalArgumentException("'" + spec.className() + "' is a " + cls.getSuperclass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        Params params = spec.toParams();
        Object made;
        try {
            Method m = cls.getMethod("fromParams", Params.class);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new IllegalStateException(cls.getName() + ".fromParams must be static");
            }
            made = m.invoke(null, params);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(spec.className() + " cannot be built from parameters (no fromParams)", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        params.checkAllUsed();
        return type.cast(made);
    }

    /** Builds a component from a class name and a parameter map. */
    public static <T> T create(Class<T> type, String className, Map<String, Object> params) {
        return create(type, new ComponentSpec(className, params == null ? Map.of() : params));
    }

    /** Builds an optional nested component: null when the parameter is absent. */
    public static <T> T optional(Class<T> type, Params params, String name) {
        ComponentSpec spec = params.getComponent(name);
        return spec == null ? null : create(type, spec);
    }

    /** The component class for a reference name, or null. */
    public static Class<?> find(String name) {
        List<String> names = new ArrayList<>();
        names.add(ALIASES.getOrDefault(name, name));
        names.add(name);
        for (String n : names) {
            for (String pkg : PACKAGES) {
                try {
                    return Class.forName(pkg + "." + n);
                } catch (ClassNotFoundException ignored) {
                    // try the next package
                }
            }
        }
        return null;
    }
}
