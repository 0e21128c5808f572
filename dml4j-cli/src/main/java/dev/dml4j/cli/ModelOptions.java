package dev.dml4j.cli;

import dev.dml4j.train.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by eval, embed and search: a saved model and the data set (with split and classes) to use. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model saved by 'dml4j train' "
            + "(model.dml4j or best-model.dml4j)")
    Path model;
    @Option(names = "--data", description = "data set: fashion-mnist (built in; default)", defaultValue = "fashion-mnist")
    String data;
    @Option(names = "--split", description = "train or test (default ${DEFAULT-VALUE})", defaultValue = "test")
    String split;
    @Option(names = "--classes", paramLabel = "LIST", description = "only these classes, e.g. 5-9 (default: all)")
    String classes;
    @Option(names = "--batch", description = "images per forward pass (default ${DEFAULT-VALUE})", defaultValue = "500")
    int batch;

    /** The selected items. */
    ImageDataset dataset() throws IOException {
        ImageDataset d = DataOptions.open(data, split);
        return classes == null ? d : DataOptions.onlyClasses(d, DataOptions.classes(classes));
    }
}
