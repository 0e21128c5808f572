package dev.dml4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void rgbPngDecodesExactlyIntoChw() throws IOException {
        Path f = Fixtures.rgbPng(dir.resolve("a.png"), 200, 10, 20);
        HostImage d = ImageFiles.read(f, ColorMode.RGB);
        assertEquals(3, d.channels());
        assertEquals(8, d.height());
        assertEquals(8, d.width());
        float[] p = d.pixels();
        // pixel (x=3, y=5): R = 200, G = 13, B = 25; channel planes of 64
        assertEquals(200 / 255f, p[5 * 8 + 3], 1e-7f);
        assertEquals(13 / 255f, p[64 + 5 * 8 + 3], 1e-7f);
        assertEquals(25 / 255f, p[128 + 5 * 8 + 3], 1e-7f);
    }

    @Test
    void greyAndColourConvertBothWays() throws IOException {
        Path g = Fixtures.greyPng(dir.resolve("g.png"), 100);
        HostImage asRgb = ImageFiles.read(g, ColorMode.RGB);
        assertEquals(3, asRgb.channels());
        for (int c = 0; c < 3; c++) {
            assertEquals((100 + 2 + 8) / 255f, asRgb.pixels()[c * 64 + 8 + 2], 1e-7f, "grey repeated in channel " + c);
        }
        HostImage asGrey = ImageFiles.read(g, ColorMode.GREY);
        assertEquals(1, asGrey.channels());
        assertEquals((100 + 63) / 255f, asGrey.pixels()[63], 1e-7f);
        Path c = Fixtures.rgbPng(dir.resolve("c.png"), 200, 10, 20);
        float luma = ImageFiles.read(c, ColorMode.GREY).pixels()[0];
        assertEquals(Math.round(0.299 * 200 + 0.587 * 10 + 0.114 * 20) / 255f, luma, 1e-7f);
    }

    @Test
    void jpegDecodesApproximately() throws IOException {
        Path j = Fixtures.rgbJpeg(dir.resolve("j.jpg"), 0x3080C0);
        HostImage d = ImageFiles.read(j, ColorMode.RGB);
        assertEquals(0x30 / 255f, d.pixels()[0], 0.03f);
        assertEquals(0x80 / 255f, d.pixels()[64], 0.03f);
        assertEquals(0xC0 / 255f, d.pixels()[128], 0.03f);
    }

    @Test
    void unreadableFilesGiveClearErrors() throws IOException {
        Path bad = Fixtures.text(dir.resolve("x.png"), "not an image");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(bad, ColorMode.RGB));
        assertTrue(e.getMessage().contains("x.png"), e.getMessage());
        assertThrows(IOException.class, () -> ImageFiles.read(dir.resolve("missing.png"), ColorMode.RGB));
        FileImageDataset ds = new FileImageDataset(List.of(bad), new long[] {0}, null, null, ColorMode.RGB, "bad");
        try (NDManager m = NDManager.newBaseManager()) {
            UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> ds.image(0, m));
            assertTrue(u.getMessage().contains("item 0 of bad"), u.getMessage());
        }
    }

    @Test
    void imageFolderNumbersSortedClassFolders() throws IOException {
        Path root = dir.resolve("folder");
        Fixtures.rgbPng(root.resolve("zebra/1.png"), 1, 2, 3);
        Fixtures.rgbPng(root.resolve("ant/b.png"), 1, 2, 3);
        Fixtures.rgbPng(root.resolve("ant/a.png"), 4, 5, 6);
        Fixtures.greyPng(root.resolve("bee/sub/c.png"), 7);
        Fixtures.text(root.resolve("bee/notes.txt"), "ignored");
        FileImageDataset ds = ImageFolderDataset.read(root, ColorMode.RGB);
        assertEquals(List.of("ant", "bee", "zebra"), ds.classNames());
        assertEquals(4, ds.size());
        assertEquals(List.of(0L, 0L, 1L, 2L), java.util.Arrays.stream(ds.labels()).boxed().toList());
        assertTrue(ds.path(0).endsWith("ant/a.png"));
        assertEquals("folder", ds.name());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = ds.image(2, m);
            assertEquals(new Shape(3, 8, 8), x.getShape());
        }
        Files.createDirectories(root.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.read(root, ColorMode.RGB));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(IOException.class, () -> ImageFolderDataset.read(dir.resolve("none"), ColorMode.RGB));
    }

    @Test
    void fileSubsetKeepsSuperLabelsAndNames() {
        FileImageDataset ds = new FileImageDataset(List.of(dir.resolve("a"), dir.resolve("b"), dir.resolve("c")),
                new long[] {0, 1, 2}, new long[] {5, 6, 7}, List.of("x", "y", "z"), ColorMode.GREY, "three");
        FileImageDataset s = ds.subset(new int[] {2, 0}, "two");
        assertEquals(2, s.size());
        assertEquals(7, s.superLabels()[0]);
        assertEquals(0, s.label(1));
        assertEquals(1, s.channels());
        assertEquals(List.of("x", "y", "z"), s.classNames());
        assertThrows(IllegalArgumentException.class, () -> ds.subset(new int[] {3}, "bad"));
    }
}
