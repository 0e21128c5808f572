package dev.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.util.ComponentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line behaviour that needs no training: help, clear one-line errors, config files, component syntax. */
class CliTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"train"}, new String[] {"eval"}, new String[] {"embed"},
                new String[] {"search"}, new String[] {"bench", "train"})) {
            String[] args = Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            CliTestSupport.Outcome o = CliTestSupport.run(args);
            assertEquals(0, o.code(), String.join(" ", args));
            assertTrue(o.out().contains("Usage: dml4j " + String.join(" ", cmd)), o.out());
        }
        assertTrue(CliTestSupport.run("train", "--help").out().contains("--loss"));
    }

    @Test
    void benchLossesPrintsOneTimedLinePerCaseIncludingTheCosineFloor() {
        CliTestSupport.Outcome o = CliTestSupport.run("bench", "losses", "--batch", "16", "--dim", "8", "--per-class",
                "4", "--reps", "3", "--warmup-seconds", "0", "--case", "cosine_floor,proxy_anchor,normalized_softmax");
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().strip().lines().toList();
        assertEquals(List.of("cosine_floor", "proxy_anchor", "normalized_softmax"),
                lines.stream().map(l -> l.split(" ")[0]).toList(), o.out());
        for (String l : lines) {
            double ms = Double.parseDouble(l.split(" ")[1]);
            assertTrue(ms > 0 && ms < 10_000, l);
        }
    }

    private static void assertOneLineError(CliTestSupport.Outcome o, String expected) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertTrue(o.err().startsWith("dml4j: ") && o.err().contains(expected), o.err());
    }

    @Test
    void badInputGivesOneClearLineAndExitCode2() {
        assertOneLineError(CliTestSupport.run("train", "--loss", "NoSuchLoss"), "unknown loss 'NoSuchLoss'");
        assertOneLineError(CliTestSupport.run("train", "--miner", "TripletMarginLoss"), "unknown miner");
        assertOneLineError(CliTestSupport.run("train", "--batch", "81"), "multiple of --m-per-class");
        assertOneLineError(CliTestSupport.run("train", "--model", "torchscript", "--torchscript",
                tmp.resolve("none.pt").toString()), "TorchScript file not found");
        assertOneLineError(CliTestSupport.run("train", "--no-such-flag"), "no-such-flag");
        assertOneLineError(CliTestSupport.run("train", "--epochs", "many"), "many");
        assertOneLineError(CliTestSupport.run("eval", "--model", tmp.resolve("missing.dml4j").toString()),
                "model file not found");
        assertOneLineError(CliTestSupport.run("train", "--config", tmp.resolve("nope.yaml").toString()),
                "config file not found");
        assertOneLineError(CliTestSupport.run("search", "--model", "m.dml4j"), "--query-index");
        assertOneLineError(CliTestSupport.run("bench", "losses", "--threads", "0"), "--threads must be >= 1");
    }

    @Test
    void configFileBecomesOptionsThatFlagsOverride() throws Exception {
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, String.join("\n",
                "embedding_size: 32",
                "epochs: 2",
                "l2-normalize: true",
                "loss:",
                "  - {class: TripletMarginLoss, params: {margin: 0.2}}",
                "  - CenterLoss:alpha=0.5",
                "loss_weights: [1, 0.01]",
                "miner: none",
                ""));
        String[] out = ConfigFile.expand(new String[] {"train", "--config", cfg.toString(), "--epochs", "5"});
        List<String> args = List.of(out);
        assertEquals("train", args.get(0));
        assertTrue(args.contains("--embedding-size=32"), args.toString());
        assertTrue(args.contains("--l2-normalize=true"), args.toString());
        assertTrue(args.contains("--loss={\"class\":\"TripletMarginLoss\",\"params\":{\"margin\":0.2}}"),
                args.toString());
        assertTrue(args.contains("--loss=CenterLoss:alpha=0.5"), args.toString());
        assertTrue(args.contains("--loss-weights=1") && args.contains("--loss-weights=0.01"), args.toString());
        assertTrue(!args.contains("--epochs=2") && args.indexOf("5") == args.size() - 1, "the flag wins: " + args);
        Path json = tmp.resolve("run.json");
        Files.writeString(json, "{\"epochs\": 3, \"miner\": \"BatchHardMiner\"}");
        assertTrue(List.of(ConfigFile.expand(new String[] {"train", "--config=" + json})).contains("--epochs=3"));
        Files.writeString(json, "[1, 2]");
        assertOneLineError(CliTestSupport.run("train", "--config", json.toString()), "must hold a map");
    }

    @Test
    void componentSyntax() {
        ComponentSpec s = ComponentArgs.parse("TripletMarginLoss:margin=0.2,swap=true,triplets_per_anchor=all",
                "--loss");
        assertEquals("TripletMarginLoss", s.className());
        assertEquals(Map.of("margin", 0.2, "swap", true, "triplets_per_anchor", "all"), s.params());
        assertEquals(Map.of("num_classes", 5, "embedding_size", 8),
                ComponentArgs.withSizes(ComponentArgs.parse("ProxyAnchorLoss", "--loss"), 5, 8).params());
        assertEquals(Map.of(), ComponentArgs.withSizes(ComponentArgs.parse("ContrastiveLoss", "--loss"), 5, 8)
                .params());
        ComponentSpec j = ComponentArgs.parse("{\"class\":\"ContrastiveLoss\",\"params\":{\"distance\":"
                + "{\"class\":\"CosineSimilarity\"}}}", "--loss");
        assertEquals("ContrastiveLoss", j.className());
        assertTrue(j.params().containsKey("distance"));
        assertEquals(List.of(0L, 1L, 2L, 7L), List.copyOf(DataOptions.classes("0-2,7")));
    }
}
