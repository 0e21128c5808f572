package dev.dml4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.train.AtomicFiles;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dml4j embed}: writes the embeddings of a data set as CSV ({@code index,label,e0,…,e(D-1)}). */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "Writes the embeddings of a data set to a CSV file: index,label,e0,...,e(D-1).")
public final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the CSV file to write")
    Path out;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int dim;
        ImageDataset d;
        try (EmbeddingModel m = EmbeddingModel.load(opts.model); NDManager mgr = NDManager.newBaseManager()) {
            d = opts.dataset();
            NDArray e = m.embed(d, opts.batch, mgr);
            dim = (int) e.getShape().get(1);
            float[] v = e.toFloatArray();
            final int size = dim;
            AtomicFiles.write(out, o -> {
                StringBuilder sb = new StringBuilder("index,label");
                for (int j = 0; j < size; j++) {
                    sb.append(",e").append(j);
                }
                o.write((sb + "\n").getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < d.size(); i++) {
                    sb.setLength(0);
                    sb.append(i).append(',').append(d.label(i));
                    for (int j = 0; j < size; j++) {
                        sb.append(',').append(v[i * size + j]);
                    }
                    o.write((sb + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        spec.commandLine().getOut().printf("wrote %d embeddings of size %d (%s) to %s%n", d.size(), dim, d.name(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
