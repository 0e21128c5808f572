package dev.dml4j.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * torchvision's {@code ImageFolder} layout: {@code root/<class name>/<image>}, one subfolder per class. Class ids
 * follow the sorted subfolder names (0, 1, …); images (by {@link ImageFiles#EXTENSIONS}) are listed in sorted file
 * order, recursively inside each class folder; other files are ignored.
 */
public final class ImageFolderDataset {
    private ImageFolderDataset() {
    }

    /** Reads {@code root} (subfolders = classes) with the given colour mode; the name is the folder name. */
    public static FileImageDataset read(Path root, ColorMode mode) throws IOException {
        return read(root, mode, root.getFileName() == null ? "images" : root.getFileName().toString());
    }

    /**
     * Reads {@code root} (subfolders = classes).
     *
     * @throws IOException when root is not a folder, has no class subfolders, or a class folder holds no image
     */
    public static FileImageDataset read(Path root, ColorMode mode, String name) throws IOException {
        List<Path> classDirs = classFolders(root);
        List<Path> paths = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            Path dir = classDirs.get(c);
            List<Path> files = images(dir);
            if (files.isEmpty()) {
                throw new IOException("class folder " + dir + " holds no image file (extensions "
                        + ImageFiles.EXTENSIONS + "); remove it or add images");
            }
            names.add(dir.getFileName().toString());
            for (Path f : files) {
                paths.add(f);
                labels.add((long) c);
            }
        }
        return new FileImageDataset(paths, labels.stream().mapToLong(Long::longValue).toArray(), null, names, mode,
                name);
    }

    /** The class subfolders of {@code root}, sorted by name. */
    static List<Path> classFolders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("image folder " + root + " does not exist or is not a directory");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        if (dirs.isEmpty()) {
            throw new IOException("image folder " + root + " has no class subfolders: expected root/<class>/<image>");
        }
        return dirs;
    }

    /** The image files below {@code dir} (recursive), sorted by path. */
    static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().toList();
        }
    }
}
