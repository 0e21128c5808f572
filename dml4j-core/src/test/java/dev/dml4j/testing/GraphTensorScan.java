package dev.dml4j.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds, in compiled production classes, the DJL calls that put Java-backed tensors into the autograd graph (see
 * docs/djl-memory.md): {@code NDManager.create(...)} and the {@code NDArray} scalar arithmetic taking a
 * {@code Number}. Reads each class file's constant pool (method references) with a small class-file parser.
 */
public final class GraphTensorScan {
    /**
     * NDArray methods whose {@code (Number)} overload makes a Java-backed scalar that autograd may save ({@code add}
     * and {@code sub} are not listed: their backward does not read the scalar).
     */
    public static final Set<String> NUMBER_METHODS = Set.of("mul", "div", "pow", "maximum", "minimum", "mod",
            "muli", "divi", "powi", "modi", "rdiv", "rdivi", "rpow", "rpowi");

    private static final Set<String> ARRAY_CLASSES = Set.of("ai/djl/ndarray/NDArray",
            "ai/djl/pytorch/engine/PtNDArray", "ai/djl/ndarray/NDArrayAdapter");
    private static final Set<String> MANAGER_CLASSES = Set.of("ai/djl/ndarray/NDManager",
            "ai/djl/ndarray/BaseNDManager", "ai/djl/pytorch/engine/PtNDManager");

    private GraphTensorScan() {
    }

    /**
     * Every forbidden reference as {@code Class: owner.method(descriptor)} in the classes under
     * {@code classesDir}/{@code packageDir} (recursively), skipping classes whose binary name is in {@code allowed}.
     */
    public static List<String> violations(Path classesDir, List<String> packageDirs, Set<String> allowed)
            throws IOException {
        Set<String> out = new TreeSet<>();
        for (String pkg : packageDirs) {
            Path dir = classesDir.resolve(pkg);
            if (!Files.isDirectory(dir)) {
                throw new IOException("no compiled classes under " + dir + " (package moved? update the test)");
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    String cls = classesDir.relativize(f).toString().replace('\\', '/');
                    cls = cls.substring(0, cls.length() - 6);
                    String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
                    if (allowed.contains(outer)) {
                        continue;
                    }
                    try (InputStream in = Files.newInputStream(f)) {
                        for (String[] ref : methodRefs(in)) {
                            if (forbidden(ref[0], ref[1], ref[2])) {
                                out.add(cls.replace('/', '.') + ": " + ref[0] + "." + ref[1] + ref[2]);
                            }
                        }
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Whether a method reference (owner internal name, name, descriptor) makes a Java-backed graph tensor. */
    static boolean forbidden(String owner, String name, String desc) {
        if (MANAGER_CLASSES.contains(owner) && name.equals("create")) {
            return true;
        }
        return ARRAY_CLASSES.contains(owner) && NUMBER_METHODS.contains(name)
                && desc.startsWith("(Ljava/lang/Number;)");
    }

    /** The method references (owner, name, descriptor) in a class file's constant pool. */
    static List<String[]> methodRefs(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int n = in.readUnsignedShort();
        int[] tag = new int[n];
        int[] a = new int[n];
        int[] b = new int[n];
        String[] utf = new String[n];
        for (int i = 1; i < n; i++) {
            tag[i] = in.readUnsignedByte();
            switch (tag[i]) {
                case 1 -> utf[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // 8-byte constants take two slots
                }
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag[i]);
            }
        }
        List<String[]> refs = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            if (tag[i] == 10 || tag[i] == 11) { // Methodref, InterfaceMethodref -> Class, NameAndType
                String owner = utf[a[a[i]]];
                int nat = b[i];
                refs.add(new String[] {owner, utf[a[nat]], utf[b[nat]]});
            }
        }
        return refs;
    }
}
