package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import dev.dml4j.train.data.HostImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Transforms applied in order (torchvision's {@code Compose}); intermediate results are freed as soon as used. */
public final class Compose implements Transform {
    private final List<Transform> steps;

    /** @param steps the transforms, applied first to last */
    public Compose(List<Transform> steps) {
        List<Transform> flat = new ArrayList<>();
        for (Transform t : steps) {
            if (t == null) {
                throw new IllegalArgumentException("Compose: a transform is null");
            }
            if (t instanceof Compose c) {
                flat.addAll(c.steps);
            } else {
                flat.add(t);
            }
        }
        this.steps = List.copyOf(flat);
    }

    /** The transforms, applied first to last. */
    public static Compose of(Transform... steps) {
        return new Compose(List.of(steps));
    }

    /** The steps, first to last. */
    public List<Transform> steps() {
        return steps;
    }

    @Override
    public NDArray apply(NDArray chw, Random rng) {
        NDArray cur = chw;
        for (Transform t : steps) {
            NDArray next = t.apply(cur, rng);
            if (cur != chw && next != cur) {
                cur.close();
            }
            cur = next;
        }
        return cur;
    }

    @Override
    public boolean supportsHost() {
        return steps.stream().allMatch(Transform::supportsHost);
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        HostImage cur = image;
        for (Transform t : steps) {
            cur = t.applyHost(cur, rng);
        }
        return cur;
    }

    @Override
    public String toString() {
        return "Compose" + steps;
    }
}
