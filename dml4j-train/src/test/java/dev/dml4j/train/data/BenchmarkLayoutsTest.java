package dev.dml4j.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.sampling.HierarchicalSampler;
import dev.dml4j.train.transform.RandomResizedCrop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny fixture trees in the layouts of CSV lists, CUB-200-2011, Cars196, SOP and In-Shop. */
class BenchmarkLayoutsTest {
    @TempDir
    Path dir;

    private static Set<Long> classes(ImageDataset ds) {
        return Arrays.stream(ds.labels()).boxed().collect(Collectors.toSet());
    }

    private static void allFilesExist(FileImageDataset ds) {
        for (int i = 0; i < ds.size(); i++) {
            assertTrue(Files.isRegularFile(ds.path(i)), "missing " + ds.path(i));
        }
    }

    @Test
    void csvWithHeaderNamesAndSplits() throws IOException {
        Fixtures.rgbPng(dir.resolve("img/a.png"), 1, 1, 1);
        Fixtures.rgbPng(dir.resolve("img/b.png"), 2, 2, 2);
        Fixtures.rgbPng(dir.resolve("img/c.png"), 3, 3, 3);
        Path csv = Fixtures.text(dir.resolve("list.csv"), "split,path,label", "train,img/a.png,cat",
                "test,\"img/b.png\",dog", "train,img/c.png,ant");
        FileImageDataset train = CsvImageDataset.read(csv, "train", ColorMode.RGB);
        assertEquals(List.of("ant", "cat", "dog"), train.classNames());
        assertArrayEquals(new long[] {1, 0}, train.labels());
        assertEquals("list/train", train.name());
        FileImageDataset test = CsvImageDataset.read(csv, "TEST", ColorMode.RGB);
        assertArrayEquals(new long[] {2}, test.labels(), "one numbering for every split");
        allFilesExist(train);
        IOException e = assertThrows(IOException.class, () -> CsvImageDataset.read(csv, "val", ColorMode.RGB));
        assertTrue(e.getMessage().contains("[test, train]"), e.getMessage());
    }

    @Test
    void csvWithoutHeaderIsPositional() throws IOException {
        Path csv = Fixtures.text(dir.resolve("l.csv"), "a.png,3", "/abs/b.png,7");
        FileImageDataset ds = CsvImageDataset.read(csv, ColorMode.GREY);
        assertArrayEquals(new long[] {3, 7}, ds.labels());
        assertEquals(dir.resolve("a.png"), ds.path(0));
        assertEquals(Path.of("/abs/b.png"), ds.path(1));
        assertEquals(1, ds.channels());
        IOException e = assertThrows(IOException.class, () -> CsvImageDataset.read(csv, "train", ColorMode.RGB));
        assertTrue(e.getMessage().contains("no split column"), e.getMessage());
        Path broken = Fixtures.text(dir.resolve("b.csv"), "a.png,1", "b.png");
        e = assertThrows(IOException.class, () -> CsvImageDataset.read(broken, ColorMode.RGB));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    /** CUB layout with 4 classes (ids 1–4), 2 images each. */
    private Path cub() {
        Path root = dir.resolve("CUB_200_2011");
        String[] names = {"001.Albatross", "002.Auklet", "003.Blackbird", "004.Bobolink"};
        StringBuilder images = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        StringBuilder classes = new StringBuilder();
        int id = 1;
        for (int c = 0; c < 4; c++) {
            classes.append(c + 1).append(' ').append(names[c]).append('\n');
            for (int k = 0; k < 2; k++) {
                String rel = names[c] + "/img_" + id + ".png";
                Fixtures.rgbPng(root.resolve("images").resolve(rel), 10 * c, k, 0);
                images.append(id).append(' ').append(rel).append('\n');
                labels.append(id).append(' ').append(c + 1).append('\n');
                id++;
            }
        }
        Fixtures.text(root.resolve("images.txt"), images.toString().strip());
        Fixtures.text(root.resolve("image_class_labels.txt"), labels.toString().strip());
        Fixtures.text(root.resolve("classes.txt"), classes.toString().strip());
        return root;
    }

    @Test
    void cubTrainsOnTheFirstHalfOfTheClasses() throws IOException {
        Path root = cub();
        FileImageDataset train = Cub200.read(dir, DataSplit.TRAIN, ColorMode.RGB); // the parent folder works too
        FileImageDataset test = Cub200.read(root, DataSplit.TEST, ColorMode.RGB);
        assertEquals(Set.of(0L, 1L), classes(train));
        assertEquals(Set.of(2L, 3L), classes(test));
        assertEquals(4, train.size());
        assertEquals("cub200/train", train.name());
        assertEquals("002.Auklet", train.classNames().get(1));
        assertEquals(8, Cub200.read(root, DataSplit.ALL, ColorMode.RGB).size());
        allFilesExist(train);
        allFilesExist(test);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(30 / 255f, test.image(3, m).toFloatArray()[0], 1e-6f, "class 4 images have red 30");
        }
        Files.writeString(root.resolve("image_class_labels.txt"), "1 1\n");
        IOException e = assertThrows(IOException.class, () -> Cub200.read(root, DataSplit.ALL, ColorMode.RGB));
        assertTrue(e.getMessage().contains("has no class"), e.getMessage());
    }

    @Test
    void carsFromAnnotationExport() throws IOException {
        Path root = dir.resolve("cars");
        StringBuilder csv = new StringBuilder("relative_im_path,bbox_x1,bbox_y1,bbox_x2,bbox_y2,class,test\n");
        for (int i = 0; i < 8; i++) {
            String rel = String.format("car_ims/%06d.png", i + 1);
            Fixtures.rgbPng(root.resolve(rel), i, 0, 0);
            csv.append(rel).append(",1,2,3,4,").append(i / 2 + 1).append(',').append(i % 2).append('\n');
        }
        Fixtures.text(root.resolve("cars_annos.csv"), csv.toString().strip());
        FileImageDataset train = Cars196.read(root, DataSplit.TRAIN, ColorMode.RGB);
        FileImageDataset test = Cars196.read(root, DataSplit.TEST, ColorMode.RGB);
        assertEquals(Set.of(0L, 1L), classes(train));
        assertEquals(Set.of(2L, 3L), classes(test));
        assertEquals(4, test.size());
        allFilesExist(test);
        Files.delete(root.resolve("cars_annos.csv"));
        Fixtures.text(root.resolve("cars_annos.txt"), "fname class", "car_ims/000001.png 1", "car_ims/000002.png 2");
        assertArrayEquals(new long[] {0}, Cars196.read(root, DataSplit.TRAIN, ColorMode.RGB).labels());
    }

    @Test
    void carsFromClassFoldersWithTrainAndTestParts() throws IOException {
        Path root = dir.resolve("cars-folders");
        Fixtures.rgbPng(root.resolve("train/Acura RL Sedan 2012/1.png"), 1, 0, 0);
        Fixtures.rgbPng(root.resolve("test/Acura RL Sedan 2012/2.png"), 1, 0, 0);
        Fixtures.rgbPng(root.resolve("train/AM General Hummer SUV 2000/3.png"), 2, 0, 0);
        Fixtures.rgbPng(root.resolve("test/Audi A5 Coupe 2012/4.png"), 3, 0, 0);
        Fixtures.rgbPng(root.resolve("train/BMW M3 Coupe 2012/5.png"), 4, 0, 0);
        FileImageDataset all = Cars196.read(root, DataSplit.ALL, ColorMode.RGB);
        assertEquals(List.of("AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Audi A5 Coupe 2012",
                "BMW M3 Coupe 2012"), all.classNames(), "sorted as the original class list");
        assertEquals(5, all.size());
        FileImageDataset train = Cars196.read(root, DataSplit.TRAIN, ColorMode.RGB);
        assertEquals(Set.of(0L, 1L), classes(train));
        assertEquals(3, train.size(), "the Acura images of both parts are merged");
    }

    @Test
    void carsMatFileAloneExplainsHowToExport() throws IOException {
        Path root = dir.resolve("cars-mat");
        Files.createDirectories(root);
        Files.write(root.resolve("cars_annos.mat"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> Cars196.read(root, DataSplit.TRAIN, ColorMode.RGB));
        assertTrue(e.getMessage().contains("scipy.io.loadmat"), e.getMessage());
    }

    /** SOP layout: 2 super-classes, classes 1–3 train and 4–6 test. */
    private Path sop() {
        Path root = dir.resolve("Stanford_Online_Products");
        String header = "image_id class_id super_class_id path";
        StringBuilder train = new StringBuilder(header).append('\n');
        StringBuilder test = new StringBuilder(header).append('\n');
        int id = 1;
        for (int cls = 1; cls <= 6; cls++) {
            int sup = cls % 2 + 1;
            String folder = sup == 1 ? "bicycle_final" : "chair_final";
            for (int k = 0; k < 2; k++) {
                String rel = folder + "/" + cls + "_" + k + ".png";
                Fixtures.rgbPng(root.resolve(rel), cls, k, 0);
                (cls <= 3 ? train : test).append(id++).append(' ').append(cls).append(' ').append(sup).append(' ')
                        .append(rel).append('\n');
            }
        }
        Fixtures.text(root.resolve("Ebay_train.txt"), train.toString().strip());
        Fixtures.text(root.resolve("Ebay_test.txt"), test.toString().strip());
        return root;
    }

    @Test
    void sopReadsLabelsAndSuperLabels() throws IOException {
        Path root = sop();
        FileImageDataset train = StanfordOnlineProducts.read(root, DataSplit.TRAIN, ColorMode.RGB);
        FileImageDataset test = StanfordOnlineProducts.read(root, DataSplit.TEST, ColorMode.RGB);
        assertEquals(Set.of(0L, 1L, 2L), classes(train));
        assertEquals(Set.of(3L, 4L, 5L), classes(test));
        assertArrayEquals(new long[] {1, 1, 0, 0, 1, 1}, train.superLabels());
        assertEquals(12, StanfordOnlineProducts.read(root, DataSplit.ALL, ColorMode.RGB).size());
        allFilesExist(train);
        // the hierarchy feeds the hierarchical sampler: batches of 2 super-classes × 2 items per class
        HierarchicalSampler s = new HierarchicalSampler(train.labels(), train.superLabels(), 4, 2, 1, 2, 0L);
        int[] batch = s.epochBatches(0).get(0);
        assertEquals(4, batch.length);
        assertEquals(2, Arrays.stream(batch).mapToLong(i -> train.superLabels()[i]).distinct().count());
        // and the loader decodes, crops and stacks them
        try (NDManager m = NDManager.newBaseManager();
             Batch b = BatchLoader.load(train, batch, new RandomResizedCrop(4), new Random(1), m)) {
            assertEquals(new Shape(4, 3, 4, 4), b.images().getShape());
        }
        Files.writeString(root.resolve("Ebay_test.txt"), "image_id class_id super_class_id path\n1 x 1 a.png\n");
        IOException e = assertThrows(IOException.class,
                () -> StanfordOnlineProducts.read(root, DataSplit.TEST, ColorMode.RGB));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("class_id"), e.getMessage());
    }

    @Test
    void inShopPartitionsShareItemIds() throws IOException {
        Path root = dir.resolve("inshop");
        String[] rows = {"img/WOMEN/Dresses/id_00000002/02_1_front.jpg id_00000002 train",
            "img/WOMEN/Dresses/id_00000002/02_2_side.jpg id_00000002 train",
            "img/MEN/Denim/id_00000007/01_1_front.jpg id_00000007 query",
            "img/MEN/Denim/id_00000007/01_2_side.jpg id_00000007 gallery",
            "img/WOMEN/Tees_Tanks/id_00000009/01_1_front.jpg id_00000009 gallery"};
        for (String r : rows) {
            Fixtures.rgbJpeg(root.resolve(r.split(" ")[0]), 0x808080);
        }
        String[] lines = new String[rows.length + 2];
        lines[0] = String.valueOf(rows.length);
        lines[1] = "image_name item_id evaluation_status";
        System.arraycopy(rows, 0, lines, 2, rows.length);
        Fixtures.text(root.resolve("Eval/list_eval_partition.txt"), lines);
        FileImageDataset train = InShop.read(root, InShop.Part.TRAIN, ColorMode.RGB);
        FileImageDataset query = InShop.read(root, InShop.Part.QUERY, ColorMode.RGB);
        FileImageDataset gallery = InShop.read(root, InShop.Part.GALLERY, ColorMode.RGB);
        assertArrayEquals(new long[] {2, 2}, train.labels());
        assertArrayEquals(new long[] {7}, query.labels());
        assertArrayEquals(new long[] {7, 9}, gallery.labels());
        // categories sorted: MEN/Denim 0, WOMEN/Dresses 1, WOMEN/Tees_Tanks 2
        assertArrayEquals(new long[] {1, 1}, train.superLabels());
        assertArrayEquals(new long[] {0, 2}, gallery.superLabels());
        assertEquals("inshop/query", query.name());
        allFilesExist(gallery);
        Fixtures.text(root.resolve("list_eval_partition.txt"), "1", "header", "img/a.jpg id_1 validation");
        IOException e = assertThrows(IOException.class, () -> InShop.read(root, InShop.Part.TRAIN, ColorMode.RGB));
        assertTrue(e.getMessage().contains("evaluation_status"), e.getMessage());
    }
}
