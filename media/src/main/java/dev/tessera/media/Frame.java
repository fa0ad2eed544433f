package dev.tessera.media;

import java.util.Objects;

/**
 * One video frame: sRGB pixels packed as 0xRRGGBB ints, row-major, {@code rgb[y * width + x]}.
 * The array is owned by the frame; producers hand it over and consumers do not mutate it.
 */
public record Frame(int width, int height, int[] rgb) {
    public Frame {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
        Objects.requireNonNull(rgb, "rgb");
        if (rgb.length != width * height)
            throw new IllegalArgumentException("frame has " + rgb.length + " pixels, expected " + width + "x" + height);
    }

    public static Frame blank(int width, int height) { return new Frame(width, height, new int[width * height]); }

    public int get(int x, int y) { return rgb[y * width + x]; }
}
