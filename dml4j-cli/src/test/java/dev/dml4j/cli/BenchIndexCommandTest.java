package dev.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchIndexCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallRunPrintsEveryFigure() {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(sw));
        int code = cl.execute("bench", "index", "--n", "2000", "--dim", "16", "--queries", "50", "--ef-search",
                "1,100", "--save", dir.resolve("b.idx").toString());
        String out = sw.toString();
        assertEquals(0, code, out);
        assertTrue(out.contains("exact: query"), out);
        assertTrue(out.contains("hnsw M=16 beamWidth=100: build"), out);
        assertTrue(out.contains("same answers after load: true"), out);
        Matcher m = Pattern.compile("efSearch=100: query [0-9.]+ ms/query, recall@10 vs exact ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, out);
    }

    @Test
    void loadReusesASavedGraph() {
        String file = dir.resolve("g.idx").toString();
        assertEquals(0, Main.run("bench", "index", "--n", "1500", "--dim", "8", "--queries", "20", "--save", file));
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(sw));
        assertEquals(0, cl.execute("bench", "index", "--n", "1500", "--dim", "8", "--queries", "20", "--load", file));
        assertTrue(sw.toString().contains("loaded from"), sw.toString());
        assertEquals(2, Main.run("bench", "index", "--n", "1000", "--dim", "8", "--queries", "20", "--load", file),
                "a file of another gallery is refused");
    }

    @Test
    void badArgumentsGiveACleanError() {
        assertEquals(2, Main.run("bench", "index", "--n", "0"));
    }
}
