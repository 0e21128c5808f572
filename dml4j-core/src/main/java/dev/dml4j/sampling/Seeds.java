package dev.dml4j.sampling;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Deterministic random streams derived from a run seed and a counter (epoch, batch, fold), so that a resumed run
 * draws exactly what an uninterrupted one would have drawn.
 */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit value from {@code z}. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed derived from a base seed and a counter (e.g. epoch or batch number); distinct counters give independent streams. */
    public static long derive(long seed, long counter) {
        return mix(mix(seed) + 0x9e3779b97f4a7c15L * (counter + 1));
    }

    /** A {@link SplittableRandom} for the given seed and counter. */
    public static SplittableRandom stream(long seed, long counter) {
        return new SplittableRandom(derive(seed, counter));
    }

    /** A {@link Random} for the given seed and counter (for APIs that take java.util.Random, e.g. transforms). */
    public static Random random(long seed, long counter) {
        return new Random(derive(seed, counter));
    }

    /** Shuffles {@code a} in place (Fisher–Yates). */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * {@code size} items drawn from {@code items}: without replacement when there are at least {@code size} items,
     * with replacement otherwise (PML's {@code safe_random_choice}).
     */
    public static int[] safeRandomChoice(int[] items, int size, SplittableRandom rng) {
        int[] out = new int[size];
        if (items.length >= size) {
            // partial Fisher–Yates on a copy: the first `size` entries are a uniform sample without replacement
            int[] pool = items.clone();
            for (int i = 0; i < size; i++) {
                int j = i + rng.nextInt(pool.length - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
                out[i] = pool[i];
            }
        } else {
            for (int i = 0; i < size; i++) {
                out[i] = items[rng.nextInt(items.length)];
            }
        }
        return out;
    }
}
