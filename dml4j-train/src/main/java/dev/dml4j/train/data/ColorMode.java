package dev.dml4j.train.data;

/** How decoded image files become channels. */
public enum ColorMode {
    /** 3 channels R, G, B; grey files are repeated into all three (PIL's {@code convert("RGB")}). */
    RGB(3),
    /** 1 channel; colour files become luma 0.299 R + 0.587 G + 0.114 B (ITU-R 601, PIL's {@code convert("L")}). */
    GREY(1);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    /** The number of channels this mode produces. */
    public int channels() {
        return channels;
    }
}
