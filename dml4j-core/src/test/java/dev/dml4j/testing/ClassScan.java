package dev.dml4j.testing;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the public concrete subclasses of a base class in the base's own package (compiled classes directory), so
 * that property tests cover every loss or miner without a list that a new component could be missing from.
 */
public final class ClassScan {
    private ClassScan() {
    }

    /** The public, non-abstract, top-level classes of {@code base}'s package assignable to {@code base}, by name. */
    public static List<Class<?>> publicConcreteSubclasses(Class<?> base) throws Exception {
        String pkg = base.getPackageName();
        Path dir = Path.of(base.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(pkg.replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                Class<?> c = Class.forName(pkg + "." + name.substring(0, name.length() - 6));
                if (base.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())
                        && Modifier.isPublic(c.getModifiers())) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
