package dev.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: {@code dml4j train} runs in a child JVM, is killed with SIGKILL after it wrote a mid-epoch
 * checkpoint, and {@code --resume} then finishes the run from that checkpoint.
 */
@Tag("slow")
class KillResumeTest {
    @TempDir
    Path tmp;

    private static long stepLines(Path log) throws java.io.IOException {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
    }

    @Test
    void killNineMidRunThenResumeFinishesFromTheLastCheckpoint() throws Exception {
        Path out = tmp.resolve("run");
        List<String> train = List.of("train", "--epochs", "2", "--samples-per-epoch", "1600", "--batch", "80",
                "--checkpoint-every", "4", "--eval-classes", "5", "--seed", "3", "--out", out.toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Ddml4j.root=" + System.getProperty("dml4j.root"), "dev.dml4j.cli.Main"));
        cmd.addAll(train);
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path log = out.resolve(Trainer.LOG);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (stepLines(log) < 10 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(child.isAlive(), "the child ended before it could be killed: "
                + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, child.exitValue());
        long before = stepLines(log);
        assertTrue(before >= 10 && before < 40, "killed mid-run, after " + before + " steps");
        assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT)), "a checkpoint was written before the kill");

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        CliTestSupport.Outcome o = CliTestSupport.run(resume.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("resuming from"), o.err());
        List<String> lines = Files.readAllLines(log);
        int resumeAt = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"type\":\"resume\"")) {
                resumeAt = i;
            }
        }
        assertTrue(resumeAt > 0, "the log marks the resume");
        String first = lines.get(resumeAt + 1);
        int resumedStep = Integer.parseInt(first.replaceAll(".*\"step\":(\\d+).*", "$1"));
        assertTrue(resumedStep % 4 == 1 && resumedStep <= before,
                "resumed right after a step checkpoint (step " + resumedStep + ", killed after " + before + ")");
        assertTrue(lines.get(lines.size() - 1).contains("\"type\":\"eval\"") && lines.get(lines.size() - 1)
                .contains("\"epoch\":2") && lines.get(lines.size() - 1).contains("\"step\":40"),
                lines.get(lines.size() - 1));
        assertTrue(Files.isRegularFile(out.resolve(Trainer.MODEL)));
        assertTrue(o.out().contains("trained: precision_at_1="), o.out());
    }
}
