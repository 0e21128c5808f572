package dev.dml4j.train.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Tiny image files and list files for reader tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** An 8×8 RGB PNG whose pixel (x, y) is (r, g + x, b + y). */
    static Path rgbPng(Path file, int r, int g, int b) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (r << 16) | ((g + x) << 8) | (b + y));
            }
        }
        return write(img, "png", file);
    }

    /** An 8×8 grey PNG whose pixel (x, y) is v + x + 8y. */
    static Path greyPng(Path file, int v) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, v + x + 8 * y);
            }
        }
        return write(img, "png", file);
    }

    /** An 8×8 RGB JPEG of one colour. */
    static Path rgbJpeg(Path file, int rgb) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return write(img, "jpg", file);
    }

    private static Path write(BufferedImage img, String format, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes lines to a UTF-8 text file (creating folders). */
    static Path text(Path file, String... lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
