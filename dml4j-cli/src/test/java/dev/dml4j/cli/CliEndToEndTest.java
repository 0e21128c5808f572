package dev.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short real run on the built-in Fashion-MNIST, then eval, embed and search on the saved model. */
class CliEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void trainThenEvalEmbedSearch() throws Exception {
        Path out = tmp.resolve("run");
        CliTestSupport.Outcome t = CliTestSupport.run("train", "--epochs", "1", "--samples-per-epoch", "800",
                "--eval-classes", "5,6", "--embedding-size", "16", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 2).matches("untrained: precision_at_1=[0-9.]+ r_precision=[0-9.]+ "
                + "map_at_r=[0-9.]+"), t.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("trained: precision_at_1="), t.out());
        Path model = out.resolve(Trainer.MODEL);
        assertTrue(Files.isRegularFile(model));

        CliTestSupport.Outcome e = CliTestSupport.run("eval", "--model", model.toString(), "--classes", "5,6");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("precision_at_1 ") && e.out().contains("2000 items"), e.out());

        Path csv = tmp.resolve("emb.csv");
        CliTestSupport.Outcome b = CliTestSupport.run("embed", "--model", model.toString(), "--classes", "5",
                "--out", csv.toString());
        assertEquals(0, b.code(), b.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(1001, rows.size());
        assertEquals(2 + 16, rows.get(1).split(",").length);
        assertTrue(rows.get(0).startsWith("index,label,e0"));

        CliTestSupport.Outcome s = CliTestSupport.run("search", "--model", model.toString(), "--classes", "5-9",
                "--query-index", "0", "-k", "3");
        assertEquals(0, s.code(), s.err());
        List<String> hits = s.out().strip().lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(3, hits.size(), s.out());
        assertTrue(hits.get(0).startsWith("1 "), s.out());

        CliTestSupport.Outcome bad = CliTestSupport.run("train", "--loss", "TripletMarginLoss:marg=0.1", "--epochs",
                "1", "--samples-per-epoch", "160", "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().strip().lines().filter(l -> l.startsWith("dml4j: ")).count(), bad.err());
        assertTrue(bad.err().contains("marg"), bad.err());
    }
}
