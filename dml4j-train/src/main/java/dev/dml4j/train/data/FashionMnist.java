package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public final class FashionMnist implements ImageDataset {
    private final byte[] px;
    private final long[] lab;
    private final String name;

    private FashionMnist(byte[] px, long[] lab, String name) {
        this.px = px;
        this.lab = lab;
        this.name = name;
    }

    /** Stand-in. */
    public static FashionMnist builtIn(boolean train) throws IOException {
        Path dir = Path.of(System.getProperty("dml4j.root", "."), "data", "fashion-mnist");
        String p = train ? "train" : "t10k";
        byte[] img = read(dir.resolve(p + "-images-idx3-ubyte.gz"), 16);
        byte[] l = read(dir.resolve(p + "-labels-idx1-ubyte.gz"), 8);
        long[] lab = new long[l.length];
        for (int i = 0; i < l.length; i++) {
            lab[i] = l[i] & 0xff;
        }
        return new FashionMnist(img, lab, "fashion-mnist/" + (train ? "train" : "test"));
    }

    private static byte[] read(Path f, int skip) throws IOException {
        try (InputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(f)))) {
            in.readNBytes(skip);
            return in.readAllBytes();
        }
    }

    @Override
    public int size() {
        return lab.length;
    }

    @Override
    public long label(int index) {
        return lab[index];
    }

    @Override
    public NDArray image(int index, NDManager manager) {
        float[] v = new float[784];
        for (int i = 0; i < 784; i++) {
            v[i] = (px[index * 784 + i] & 0xff) / 255f;
        }
        return manager.create(v, new Shape(1, 28, 28));
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public String name() {
        return name;
    }
}
