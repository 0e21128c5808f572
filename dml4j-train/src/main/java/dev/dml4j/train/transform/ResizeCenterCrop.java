package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * The evaluation transform of the field: {@code Resize(resize)} (shorter side) then {@code CenterCrop(crop)}, e.g.
 * 256 → 224 for ImageNet-style backbones.
 */
public final class ResizeCenterCrop implements Transform {
    private final Compose steps;
    private final int resize;
    private final int crop;

    /**
     * @param resize the shorter side after resizing, in pixels (e.g. 256)
     * @param crop the side of the square centre crop, in pixels (e.g. 224)
     */
    public ResizeCenterCrop(int resize, int crop) {
        this.steps = Compose.of(new Resize(resize), new CenterCrop(crop));
        this.resize = resize;
        this.crop = crop;
    }

    @Override
    public NDArray apply(NDArray chw, Random rng) {
        return steps.apply(chw, rng);
    }

    @Override
    public boolean supportsHost() {
        return true;
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        return steps.applyHost(image, rng);
    }

    @Override
    public String toString() {
        return "ResizeCenterCrop(" + resize + ", " + crop + ")";
    }
}
