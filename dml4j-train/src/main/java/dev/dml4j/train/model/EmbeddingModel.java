package dev.dml4j.train.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dml4j.train.data.BatchLoader;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.util.Checks;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trunk (small CNN, ResNet-18/50 or a TorchScript network) followed by an embedder head (linear to D, optional
 * batch norm, optional L2 normalisation): images [B, C, H, W] float32 in, embeddings [B, D] out. Owns its
 * parameters in a manager of its own. Parameters are split into the groups {@code trunk} and {@code embedder} so
 * the trainer can give each its own optimizer and learning rate.
 */
public final class EmbeddingModel implements AutoCloseable {
    private static final int MAGIC = 0x444d4c4d; // "DMLM"
    /** 2: the TorchScript trunk's file is stored in the model file (version 1 files still load, from the path). */
    private static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelSpec spec;
    private final NDManager manager;
    private final Model torchModel;
    /** The TorchScript file's bytes (stored with the model so a saved model loads without it), or null. */
    private final byte[] torchScript;
    private final Block trunk;
    private final Block embedder;
    private final long featureSize;

    /** A trainable parameter: a stable id ({@code trunk.…} or {@code embedder.…}) and its live array. */
    public record NamedParameter(String id, NDArray array) {
    }

    private EmbeddingModel(ModelSpec spec, long seed) throws IOException {
        this.spec = spec;
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        Shape input = new Shape(2, spec.channels(), spec.height(), spec.width());
        Model tm = null;
        byte[] ts = null;
        Block t;
        long f;
        switch (spec.backbone()) {
            case "small-cnn" -> {
                int[] w = spec.widths() == null ? SmallCnn.DEFAULT_WIDTHS : spec.widths();
                t = SmallCnn.build(spec.height(), spec.width(), w, Pooling.parse(spec.pooling()));
                t.initialize(manager, DataType.FLOAT32, input);
                f = w[w.length - 1];
            }
            case "resnet18", "resnet50" -> {
                t = resnetTrunk(spec);
                t.initialize(manager, DataType.FLOAT32, input);
                f = t.getOutputShapes(new Shape[] {input})[0].get(1);
            }
            default -> {
                Path p = Path.of(spec.torchscript());
                if (!Files.isRegularFile(p)) {
                    throw new IOException("TorchScript file not found: " + p.toAbsolutePath());
                }
                ts = Files.readAllBytes(p);
                tm = Model.newInstance("trunk", Device.cpu(), "PyTorch");
                try {
                    tm.load(p, null, Map.of("trainParam", "true"));
                } catch (MalformedModelException | RuntimeException e) {
                    tm.close();
                    throw new IOException("cannot load TorchScript file " + p + ": " + e.getMessage(), e);
                }
                t = tm.getBlock();
                f = probeFeatureSize(t, input);
            }
        }
        this.torchModel = tm;
        this.torchScript = ts;
        this.trunk = t;
        this.featureSize = f;
        this.embedder = EmbedderHead.build(spec.embeddingSize(), spec.batchNorm(), spec.l2Normalize());
        embedder.initialize(manager, DataType.FLOAT32, new Shape(2, f));
        trackGradients();
    }

    /**
     * Builds a freshly initialised model (DJL's default initialisers, seeded through the engine).
     *
     * @param spec what to build
     * @param seed the engine seed used for the initial weights
     * @throws IOException when a TorchScript file is missing or unreadable
     */
    public static EmbeddingModel create(ModelSpec spec, long seed) throws IOException {
        return new EmbeddingModel(spec, seed);
    }

    private static Block resnetTrunk(ModelSpec spec) {
        int layers = spec.backbone().equals("resnet18") ? 18 : 50;
        Checks.require(spec.height() >= 32 && spec.width() >= 32, spec.backbone() + " (DJL's ResNetV1) needs images of "
                + "at least 32x32 pixels, got " + spec.height() + "x" + spec.width() + "; use --model small-cnn for "
                + "small images");
        SequentialBlock full = ResNetV1.builder().setImageShape(new Shape(spec.channels(), spec.height(),
                spec.width())).setNumLayers(layers).setOutSize(10).build();
        List<Block> children = new ArrayList<>();
        for (Pair<String, Block> c : full.getChildren()) {
            children.add(c.getValue());
        }
        // drop the classifier tail (global pooling, flatten, linear): lambda and linear blocks at the end
        int end = children.size();
        while (end > 0 && (children.get(end - 1) instanceof LambdaBlock || children.get(end - 1) instanceof Linear)) {
            end--;
        }
        SequentialBlock t = new SequentialBlock();
        t.addAll(children.subList(0, end));
        t.add(Pooling.parse(spec.pooling()).block());
        t.add(Blocks.batchFlattenBlock());
        return t;
    }

    private long probeFeatureSize(Block t, Shape input) {
        try (NDManager m = manager.newSubManager()) {
            NDArray out = t.forward(new ParameterStore(m, false), new NDList(m.zeros(input)), false)
                    .singletonOrThrow();
            Checks.require(out.getShape().dimension() == 2, "the TorchScript network must return [B, F] features "
                    + "for images [B, C, H, W], got shape " + out.getShape());
            return out.getShape().get(1);
        }
    }

    private void trackGradients() {
        for (NamedParameter p : parameters()) {
            if (!p.array().hasGradient()) {
                p.array().setRequiresGradient(true);
            }
        }
    }

    /** What this model is. */
    public ModelSpec spec() {
        return spec;
    }

    /** The trunk's output size F (the embedder's input). */
    public long featureSize() {
        return featureSize;
    }

    /** The manager that owns the parameters (a per-step sub-manager of it keeps steps' arrays apart). */
    public NDManager manager() {
        return manager;
    }

    /**
     * Embeds a batch.
     *
     * @param images [B, C, H, W] float32 (B ≥ 2 in training mode when the model has batch norm)
     * @param training true: batch statistics and running-stat updates; false: inference
     * @return [B, D] in the images' manager
     */
    public NDArray forward(NDArray images, boolean training) {
        Shape s = images.getShape();
        Checks.require(s.dimension() == 4 && s.get(1) == spec.channels() && s.get(2) == spec.height()
                && s.get(3) == spec.width(), "the model expects images [B, " + spec.channels() + ", " + spec.height()
                + ", " + spec.width() + "], got " + s);
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        NDList feat = trunk.forward(ps, new NDList(images), training);
        return embedder.forward(ps, feat, training).singletonOrThrow();
    }

    /** The trunk's trainable parameters, in a stable order. */
    public List<NamedParameter> trunkParameters() {
        return trainable("trunk", trunk);
    }

    /** The embedder's trainable parameters, in a stable order. */
    public List<NamedParameter> embedderParameters() {
        return trainable("embedder", embedder);
    }

    /** Every trainable parameter (trunk, then embedder). */
    public List<NamedParameter> parameters() {
        List<NamedParameter> all = new ArrayList<>(trunkParameters());
        all.addAll(embedderParameters());
        return all;
    }

    private static List<NamedParameter> trainable(String group, Block b) {
        List<NamedParameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().getArray() != null) {
                out.add(new NamedParameter(group + "." + p.getKey(), p.getValue().getArray()));
            }
        }
        return out;
    }

    /**
     * Embeds every item of a data set in inference mode, in batches, without gradient.
     *
     * @param data the items
     * @param batchSize items per forward pass (e.g. 256)
     * @param out the manager of the result
     * @return [N, D] float32 in {@code out}
     */
    public NDArray embed(ImageDataset data, int batchSize, NDManager out) {
        Checks.require(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
        Checks.require(data.size() > 0, "cannot embed an empty data set (" + data.name() + ")");
        List<NDArray> parts = new ArrayList<>();
        try (NDManager tmp = out.newSubManager()) {
            for (int start = 0; start < data.size(); start += batchSize) {
                int end = Math.min(data.size(), start + batchSize);
                try (NDManager step = tmp.newSubManager()) {
                    int[] idx = java.util.stream.IntStream.range(start, end).toArray();
                    NDArray images = BatchLoader.load(data, idx, null, null, step).images();
                    NDArray e = forward(images, false).stopGradient();
                    e.attach(tmp);
                    parts.add(e);
                }
            }
            NDArray all = NDArrays.concat(new NDList(parts));
            all.attach(out);
            return all;
        }
    }

    /**
     * Writes the spec (JSON header), the TorchScript trunk's file when there is one, and every parameter, including
     * batch-norm running statistics.
     */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(JSON.writeValueAsString(spec));
        out.writeInt(torchScript == null ? 0 : torchScript.length);
        if (torchScript != null) {
            out.write(torchScript);
        }
        trunk.saveParameters(out);
        embedder.saveParameters(out);
    }

    /** Reads parameters written by {@link #write} of a model with the same spec (and TorchScript file) into this one. */
    public void readParameters(DataInputStream in) throws IOException {
        Header stored = readHeader(in);
        if (!sameArchitecture(stored.spec(), spec)) {
            throw new IOException("the saved model is " + JSON.writeValueAsString(stored.spec()) + " but this run "
                    + "builds " + JSON.writeValueAsString(spec) + ": use the same model settings");
        }
        if (stored.torchScript() != null && torchScript != null
                && !java.util.Arrays.equals(stored.torchScript(), torchScript)) {
            throw new IOException("the saved model was trained with another TorchScript file than "
                    + spec.torchscript() + ": use the same file");
        }
        readParameterValues(in);
    }

    /** Reads the trunk's and the head's parameter values, which follow the header in a model file. */
    private void readParameterValues(DataInputStream in) throws IOException {
        try {
            trunk.loadParameters(manager, in);
            embedder.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("corrupt model parameters: " + e.getMessage(), e);
        }
        trackGradients();
    }

    /** Same settings; a TorchScript trunk's path may differ (its bytes are compared where both are known). */
    private static boolean sameArchitecture(ModelSpec a, ModelSpec b) throws IOException {
        return JSON.writeValueAsString(withoutPath(a)).equals(JSON.writeValueAsString(withoutPath(b)));
    }

    private static ModelSpec withPath(ModelSpec s, String torchscript) {
        return new ModelSpec(s.backbone(), torchscript, s.channels(), s.height(), s.width(), s.embeddingSize(),
                s.pooling(), s.batchNorm(), s.l2Normalize(), s.widths());
    }

    private static ModelSpec withoutPath(ModelSpec s) {
        return s.torchscript() == null ? s : withPath(s, "(any path)");
    }

    /** A model file's header: the spec and, from version 2 on, the TorchScript trunk's bytes (null when none). */
    private record Header(ModelSpec spec, byte[] torchScript) {
    }

    private static Header readHeader(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a dml4j model file (bad magic number); save one with 'dml4j train'");
        }
        int v = in.readInt();
        if (v != VERSION && v != 1) {
            throw new IOException("unsupported dml4j model file version " + v + " (this build reads 1 and "
                    + VERSION + ")");
        }
        ModelSpec spec = JSON.readValue(in.readUTF(), ModelSpec.class);
        if (v == 1) {
            return new Header(spec, null);
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt dml4j model file: TorchScript size " + n);
        }
        byte[] ts = in.readNBytes(n);
        if (ts.length != n) {
            throw new IOException("dml4j model file is truncated inside its TorchScript trunk");
        }
        return new Header(spec, n == 0 ? null : ts);
    }

    /** Saves the model to a file (see {@link #write}). */
    public void save(Path file) throws IOException {
        dev.dml4j.train.AtomicFiles.write(file, this::write);
    }

    /**
     * Loads a model saved by {@link #save}: rebuilds it from the stored spec, then reads its parameters. A TorchScript
     * trunk comes from the model file itself (written to a temporary file for the engine), so the original .pt file
     * is not needed; files of version 1 still load it from the stored path.
     */
    public static EmbeddingModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model file not found: " + file.toAbsolutePath());
        }
        // one pass over the file: header (spec, TorchScript bytes), then the parameter values
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            Header header = readHeader(in);
            ModelSpec spec = header.spec();
            Path trunkFile = null;
            if (header.torchScript() != null) {
                trunkFile = Files.createTempFile("dml4j-trunk", ".pt");
                Files.write(trunkFile, header.torchScript());
                spec = withPath(spec, trunkFile.toString());
            }
            try {
                EmbeddingModel m = create(spec, 0);
                try {
                    m.readParameterValues(in);
                } catch (IOException | RuntimeException e) {
                    m.close();
                    throw e;
                }
                return m;
            } finally {
                if (trunkFile != null) {
                    Files.deleteIfExists(trunkFile); // the engine has read it
                }
            }
        }
    }

    /** Frees the parameters. */
    @Override
    public void close() {
        if (torchModel != null) {
            torchModel.close();
        }
        manager.close();
    }
}
