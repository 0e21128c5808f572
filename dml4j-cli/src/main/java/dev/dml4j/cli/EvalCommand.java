package dev.dml4j.cli;

import dev.dml4j.eval.AccuracyCalculator;
import dev.dml4j.train.RetrievalEvaluator;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j eval}: retrieval metrics of a saved model on a data set (every item a query against the rest):
 * precision@1, R-precision, MAP@R, MAP@k, MRR and recall@K (K = 1, 2, 4, 8, 16, 32), Euclidean k-NN.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Evaluates a saved model: every item is a query against all others.",
            "Prints one 'name value' line per metric, then the summary line."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, Double> metrics;
        ImageDataset d;
        try (EmbeddingModel m = EmbeddingModel.load(opts.model)) {
            d = opts.dataset();
            metrics = new RetrievalEvaluator(d, opts.batch, AccuracyCalculator.builder()
                    .exclude(AccuracyCalculator.NMI, AccuracyCalculator.AMI).build()).evaluate(m);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("# " + d.name() + ", " + d.size() + " items, model " + opts.model);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            w.println(String.format(Locale.ROOT, "%s %.6f", e.getKey(), e.getValue()));
        }
        w.println(TrainCommand.metricsLine(metrics));
        w.flush();
        return 0;
    }
}
