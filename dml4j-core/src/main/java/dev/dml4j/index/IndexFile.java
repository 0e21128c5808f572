package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The index file format (version 1; all numbers big-endian):
 * <pre>
 * header  "DML4JIDX" (8 bytes) · version int · backend byte (0 exact, 1 HNSW) · metric name (short length + ASCII)
 *         · dim int · count int · hasIds byte · header CRC32C int (over the header bytes before it)
 * body    vectors count×dim float32 (row-major) · labels count×int64
 *         · ids if hasIds: per item int byte length (−1 = no id) + UTF-8 bytes
 *         · exact: blockSize int
 *         · HNSW: M int · beamWidth int · efSearch int · seed long · numLevels int · entryNode int, then per level:
 *           node count int, (levels ≥ 1) the sorted node ids, and per node: degree int + neighbour ids
 * trailer CRC32C int over every byte before it
 * </pre>
 * The HNSW graph is stored, not rebuilt on load. Reading checks the header checksum before allocating anything,
 * checks every size against the file length and every neighbour id against the count, and returns an index only
 * once the whole-file checksum matches: a corrupt, truncated or foreign file gives an {@link IOException} saying
 * which, never an index with wrong answers.
 */
final class IndexFile {
    static final byte[] MAGIC = "DML4JIDX".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final byte EXACT = 0;
    private static final byte HNSW = 1;
    private static final int BUFFER = 1 << 16;

    private IndexFile() {
    }

    /** Writes {@code index} to {@code file} through a temporary file in the same folder and an atomic rename. */
    static void write(Path file, EmbeddingIndex index) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                writeTo(os, index);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeTo(OutputStream raw, EmbeddingIndex index) throws IOException {
        VectorStore store;
        byte backend;
        if (index instanceof ExactIndex e) {
            store = e.store;
            backend = EXACT;
        } else if (index instanceof HnswIndex h) {
            store = h.store;
            backend = HNSW;
        } else {
            throw new IllegalArgumentException("cannot save a " + index.getClass().getName()
                    + ": only ExactIndex and HnswIndex have a file format");
        }
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc),
                BUFFER));
        boolean hasIds = store.hasIds();
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeByte(backend);
        byte[] metric = store.metric().name().getBytes(StandardCharsets.US_ASCII);
        out.writeShort(metric.length);
        out.write(metric);
        out.writeInt(store.dim());
        out.writeInt(store.size());
        out.writeByte(hasIds ? 1 : 0);
        out.flush();
        out.writeInt((int) crc.getValue());

        ByteBuffer row = ByteBuffer.allocate(store.dim() * Float.BYTES);
        for (int i = 0; i < store.size(); i++) {
            row.clear();
            row.asFloatBuffer().put(store.row(i));
            out.write(row.array());
        }
        for (int i = 0; i < store.size(); i++) {
            out.writeLong(store.label(i));
        }
        if (hasIds) {
            for (int i = 0; i < store.size(); i++) {
                String id = store.id(i);
                if (id == null) {
                    out.writeInt(-1);
                } else {
                    byte[] b = id.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
        }
        if (index instanceof ExactIndex e) {
            out.writeInt(e.blockSize());
        } else {
            writeGraph(out, (HnswIndex) index);
        }
        out.flush();
        out.writeInt((int) crc.getValue());
        out.flush();
    }

    private static void writeGraph(DataOutputStream out, HnswIndex h) throws IOException {
        out.writeInt(h.m());
        out.writeInt(h.beamWidth());
        out.writeInt(h.efSearch());
        out.writeLong(h.seed());
        PackedHnswGraph g = h.graph();
        if (g == null) {
            out.writeInt(0);
            out.writeInt(-1);
            return;
        }
        out.writeInt(g.numLevels());
        out.writeInt(g.entryNode);
        for (int level = 0; level < g.numLevels(); level++) {
            int[] off = g.offsets[level];
            int count = off.length - 1;
            out.writeInt(count);
            if (level > 0) {
                for (int node : g.nodes[level]) {
                    out.writeInt(node);
                }
            }
            int[] nb = g.neighbours[level];
            for (int i = 0; i < count; i++) {
                out.writeInt(off[i + 1] - off[i]);
                for (int j = off[i]; j < off[i + 1]; j++) {
                    out.writeInt(nb[j]);
                }
            }
        }
    }

    /** Reads an index written by {@link #write}. */
    static EmbeddingIndex read(Path file) throws IOException {
        long length;
        try {
            length = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IOException("index file " + file + " does not exist", e);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            return new Reader(file, length, raw).read();
        }
    }

    /** One read of one file: tracks the section being read so errors can say where the file broke. */
    private static final class Reader {
        private final Path file;
        private final long length;
        private final CRC32C crc = new CRC32C();
        private final DataInputStream in;
        private String section = "header";

        Reader(Path file, long length, InputStream raw) {
            this.file = file;
            this.length = length;
            // the checksum sits above the buffer, so it covers exactly the bytes parsed so far
            this.in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, BUFFER), crc));
        }

        EmbeddingIndex read() throws IOException {
            try {
                return readAll();
            } catch (EOFException e) {
                throw new IOException("index file " + file + " is truncated: it ends (" + length
                        + " bytes) while reading the " + section + "; it was not completely written or copied", e);
            }
        }

        private IOException corrupt(String what) {
            return new IOException("index file " + file + " is corrupt: " + what + " (in the " + section
                    + "); re-save or re-copy it");
        }

        private EmbeddingIndex readAll() throws IOException {
            byte[] magic = new byte[MAGIC.length];
            if (length < MAGIC.length) {
                throw new IOException("index file " + file + " is not a dml4j index: only " + length
                        + " bytes, too short for the header");
            }
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("index file " + file + " is not a dml4j index (wrong magic bytes "
                        + Arrays.toString(magic) + "; expected \"DML4JIDX\")");
            }
            int version = in.readInt();
            byte backend = in.readByte();
            int metricLen = in.readUnsignedShort();
            if (metricLen > 64) {
                throw corrupt("metric name length " + metricLen);
            }
            byte[] metricBytes = new byte[metricLen];
            in.readFully(metricBytes);
            int dim = in.readInt();
            int count = in.readInt();
            byte hasIds = in.readByte();
            int headerCrc = (int) crc.getValue();
            int storedHeaderCrc = in.readInt();
            if (headerCrc != storedHeaderCrc) {
                throw corrupt("header checksum mismatch");
            }
            if (version != VERSION) {
                throw new IOException("index file " + file + " has format version " + version
                        + " but this dml4j reads version " + VERSION + "; save it again with this version");
            }
            KnnMetric metric;
            try {
                metric = KnnMetric.valueOf(new String(metricBytes, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw corrupt("unknown metric '" + new String(metricBytes, StandardCharsets.US_ASCII) + "'");
            }
            if (backend != EXACT && backend != HNSW) {
                throw corrupt("unknown backend " + backend);
            }
            if (dim < 1 || count < 0 || (hasIds != 0 && hasIds != 1)) {
                throw corrupt("dim " + dim + ", count " + count + ", hasIds " + hasIds);
            }
            if ((long) count * dim * Float.BYTES + (long) count * Long.BYTES > length) {
                throw new IOException("index file " + file + " is truncated: its header announces " + count
                        + " vectors of dimension " + dim + " but the file has only " + length + " bytes");
            }
            VectorStore store = new VectorStore(dim, metric);
            section = "vectors";
            byte[] rowBytes = new byte[dim * Float.BYTES];
            float[][] rows = new float[count][];
            for (int i = 0; i < count; i++) {
                in.readFully(rowBytes);
                float[] row = new float[dim];
                ByteBuffer.wrap(rowBytes).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(row);
                rows[i] = row;
            }
            section = "labels";
            long[] labels = new long[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readLong();
            }
            String[] ids = new String[count];
            if (hasIds == 1) {
                section = "ids";
                for (int i = 0; i < count; i++) {
                    int len = in.readInt();
                    if (len < -1 || len > length) {
                        throw corrupt("id length " + len + " at item " + i);
                    }
                    if (len >= 0) {
                        byte[] b = new byte[len];
                        in.readFully(b);
                        ids[i] = new String(b, StandardCharsets.UTF_8);
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                store.append(rows[i], labels[i], ids[i]);
                rows[i] = null;
            }
            EmbeddingIndex index;
            section = "backend parameters";
            if (backend == EXACT) {
                int blockSize = in.readInt();
                if (blockSize < 1) {
                    throw corrupt("block size " + blockSize);
                }
                index = new ExactIndex(store, blockSize);
            } else {
                index = readHnsw(store, count);
            }
            section = "checksum trailer";
            int computed = (int) crc.getValue();
            int stored = in.readInt();
            if (computed != stored) {
                throw corrupt(String.format("checksum mismatch (stored %08x, computed %08x)", stored, computed));
            }
            if (in.read() != -1) {
                throw corrupt("unexpected bytes after the checksum trailer");
            }
            return index;
        }

        private HnswIndex readHnsw(VectorStore store, int count) throws IOException {
            int m = in.readInt();
            int beamWidth = in.readInt();
            int efSearch = in.readInt();
            long seed = in.readLong();
            HnswIndex h;
            try {
                h = new HnswIndex(store, m, beamWidth, efSearch, seed);
            } catch (IllegalArgumentException e) {
                throw corrupt("HNSW parameters: " + e.getMessage());
            }
            section = "HNSW graph";
            int levels = in.readInt();
            int entry = in.readInt();
            if (levels == 0 && count == 0) {
                return h;
            }
            if (levels < 1 || levels > 64 || entry < 0 || entry >= count) {
                throw corrupt(levels + " levels, entry node " + entry + " for " + count + " nodes");
            }
            int[][] nodes = new int[levels][];
            int[][] offsets = new int[levels][];
            int[][] neighbours = new int[levels][];
            int maxDegree = 2 * m + 1;
            for (int level = 0; level < levels; level++) {
                int n = in.readInt();
                if (level == 0 ? n != count : n < 1 || n > count) {
                    throw corrupt(n + " nodes on level " + level + " of a graph of " + count);
                }
                if (level > 0) {
                    int[] onLevel = new int[n];
                    for (int i = 0; i < n; i++) {
                        onLevel[i] = in.readInt();
                        if (onLevel[i] < 0 || onLevel[i] >= count || (i > 0 && onLevel[i] <= onLevel[i - 1])) {
                            throw corrupt("node id " + onLevel[i] + " on level " + level);
                        }
                    }
                    nodes[level] = onLevel;
                }
                int[] off = new int[n + 1];
                int[] nb = new int[Math.max(16, n * 4)];
                for (int i = 0; i < n; i++) {
                    int degree = in.readInt();
                    if (degree < 0 || degree > maxDegree) {
                        throw corrupt("degree " + degree + " (max " + maxDegree + ") on level " + level);
                    }
                    if (off[i] + degree > nb.length) {
                        nb = Arrays.copyOf(nb, Math.max(nb.length * 2, off[i] + degree));
                    }
                    for (int j = 0; j < degree; j++) {
                        int v = in.readInt();
                        if (v < 0 || v >= count) {
                            throw corrupt("neighbour id " + v + " outside [0, " + count + ")");
                        }
                        nb[off[i] + j] = v;
                    }
                    off[i + 1] = off[i] + degree;
                }
                offsets[level] = off;
                neighbours[level] = Arrays.copyOf(nb, off[n]);
            }
            PackedHnswGraph g = new PackedHnswGraph(count, entry, nodes, offsets, neighbours);
            if (g.position(levels - 1, entry) < 0) {
                throw corrupt("entry node " + entry + " is not on the top level");
            }
            h.restore(g);
            return h;
        }
    }
}
