package dev.dml4j.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * A finished HNSW graph in compact arrays (per level: sorted node list, CSR offsets, neighbour lists in the order
 * Lucene's builder left them). It is what {@link HnswIndex} searches and what the index file stores, so a loaded
 * index searches exactly the same graph as the one saved. Immutable; {@link #cursor()} gives a per-search view
 * (Lucene's graph API keeps the seek position in the graph object).
 */
final class PackedHnswGraph {
    final int size;
    final int entryNode;
    /** nodes[level]: sorted node ids on that level; null for level 0 (all nodes 0..size−1). */
    final int[][] nodes;
    /** offsets[level]: CSR offsets into neighbours[level], one more than the level's node count. */
    final int[][] offsets;
    final int[][] neighbours;

    PackedHnswGraph(int size, int entryNode, int[][] nodes, int[][] offsets, int[][] neighbours) {
        this.size = size;
        this.entryNode = entryNode;
        this.nodes = nodes;
        this.offsets = offsets;
        this.neighbours = neighbours;
    }

    int numLevels() {
        return offsets.length;
    }

    /** Copies a complete graph (Lucene's on-heap builder output) into packed arrays. */
    static PackedHnswGraph of(HnswGraph g) {
        try {
            int levels = g.numLevels();
            int n = g.size();
            int[][] nodes = new int[levels][];
            int[][] offsets = new int[levels][];
            int[][] neighbours = new int[levels][];
            for (int level = 0; level < levels; level++) {
                int[] onLevel = HnswGraph.NodesIterator.getSortedNodes(g.getNodesOnLevel(level));
                nodes[level] = level == 0 ? null : onLevel;
                int[] off = new int[onLevel.length + 1];
                int[] buf = new int[Math.max(16, onLevel.length * 8)];
                int used = 0;
                for (int i = 0; i < onLevel.length; i++) {
                    g.seek(level, onLevel[i]);
                    for (int nb = g.nextNeighbor(); nb != DocIdSetIterator.NO_MORE_DOCS;
                            nb = g.nextNeighbor()) {
                        if (used == buf.length) {
                            buf = Arrays.copyOf(buf, buf.length * 2);
                        }
                        buf[used++] = nb;
                    }
                    off[i + 1] = used;
                }
                offsets[level] = off;
                neighbours[level] = Arrays.copyOf(buf, used);
            }
            return new PackedHnswGraph(n, g.entryNode(), nodes, offsets, neighbours);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Position of {@code node} in level {@code level}'s node list, or −1 if it is not on that level. */
    int position(int level, int node) {
        if (level == 0) {
            return node >= 0 && node < size ? node : -1;
        }
        int p = Arrays.binarySearch(nodes[level], node);
        return p >= 0 ? p : -1;
    }

    /** A Lucene graph view with its own seek position, for one search at a time. */
    HnswGraph cursor() {
        return new Cursor();
    }

    private final class Cursor extends HnswGraph {
        private int[] list;
        private int next;
        private int end;

        @Override
        public void seek(int level, int target) {
            int p = position(level, target);
            if (p < 0) {
                throw new IllegalStateException("node " + target + " is not on level " + level);
            }
            list = neighbours[level];
            next = offsets[level][p];
            end = offsets[level][p + 1];
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int nextNeighbor() {
            return next < end ? list[next++] : DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int numLevels() {
            return offsets.length;
        }

        @Override
        public int entryNode() {
            return entryNode;
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return level == 0 ? new ArrayNodesIterator(size) : new ArrayNodesIterator(nodes[level],
                    nodes[level].length);
        }
    }
}
