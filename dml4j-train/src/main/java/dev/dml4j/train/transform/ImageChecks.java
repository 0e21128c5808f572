package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;

/** Shape checks shared by the transforms. */
final class ImageChecks {
    private ImageChecks() {
    }

    /** Checks that a random transform was given a random source. */
    static void rng(java.util.Random rng, String who) {
        if (rng == null) {
            throw new IllegalArgumentException(who + " is random and needs a java.util.Random, got null; pass e.g."
                    + " new Random(seed) (BatchLoader derives one per batch from the run's seed)");
        }
    }

    /** Checks that {@code x} is a floating [C, H, W] image with positive sides; returns {C, H, W}. */
    static int[] chw(NDArray x, String who) {
        if (x == null) {
            throw new IllegalArgumentException(who + ": image is null");
        }
        long[] s = x.getShape().getShape();
        if (s.length != 3) {
            throw new IllegalArgumentException(who + " expects one image [C, H, W], got shape " + x.getShape()
                    + (s.length == 4 ? "; apply transforms per image, before batching" : ""));
        }
        if (s[1] < 1 || s[2] < 1) {
            throw new IllegalArgumentException(who + ": image has an empty side, shape " + x.getShape());
        }
        if (!x.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + " expects a float image with values in [0, 1], got "
                    + x.getDataType() + "; convert with toType(DataType.FLOAT32, false).div(255)");
        }
        return new int[] {(int) s[0], (int) s[1], (int) s[2]};
    }
}
