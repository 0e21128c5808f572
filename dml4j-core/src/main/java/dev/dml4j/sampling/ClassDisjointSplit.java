package dev.dml4j.sampling;

import java.util.Arrays;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public record ClassDisjointSplit(int[] trainIndices, int[] testIndices) {
    /** Stand-in. */
    public static ClassDisjointSplit firstHalf(long[] labels) {
        long[] cls = Arrays.stream(labels).distinct().sorted().toArray();
        long cut = cls[cls.length / 2];
        int[] tr = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] < cut).toArray();
        int[] te = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] >= cut).toArray();
        return new ClassDisjointSplit(tr, te);
    }
}
