package dev.tessera.eval;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompt-blind videos: what a generator that ignores the prompt and draws random colour would score. SimBench scores
 * them beside the videos it judges, in the same format (size, rate, length) and on the same prompts, so every
 * dimension has a chance level measured in the same run ({@link Report#nullFloor}). They are the null hypothesis
 * for a generated video: the detectors name every pixel with a palette colour, so a mosaic of random colours
 * contains a "red ball" and a "blue cube" somewhere, and a direction or a left/right relation read off random
 * patches is right about half the time.
 *
 * <p>The mosaics' cells are 1/16 of the shorter side (8 px at 128: the size of a latent cell of an 8x VAE). Colours
 * are uniform in RGB. Every family is deterministic in its seed.
 */
public final class NullVideos {
    private NullVideos() {}

    public enum Family {
        /** Every pixel of every frame drawn anew. */
        PIXEL_NOISE("pixel_noise"),
        /** A mosaic of random colour cells drawn anew every frame. */
        FLICKER_MOSAIC("flicker_mosaic"),
        /** One mosaic for the whole clip, every pixel jittered by up to ±20 per channel each frame. */
        STILL_MOSAIC("still_mosaic"),
        /**
         * One mosaic sliding (wrapping round) at a constant random velocity of 10-30% of the frame's width per
         * second in a random direction, with the same jitter: a pan or a moving thing with no relation to the prompt.
         */
        DRIFTING_MOSAIC("drifting_mosaic"),
        /**
         * The still mosaic (same jitter) under an exposure that drifts: every channel scaled by a gain going linearly
         * from 1 to a random end in [0.6, 1.4] over the clip, times a per-frame flicker of ±5%. What a generator
         * whose frames brighten or darken as a whole looks like: a detector that reads a lamp switching on, a light
         * going out or marks appearing from a change of mean brightness alone passes it.
         */
        EXPOSURE_MOSAIC("exposure_mosaic");

        private final String id;
        Family(String id) { this.id = id; }
        public String id() { return id; }
    }

    /** All families, in the order reports list them. */
    public static final List<Family> ALL = List.of(Family.values());

    static final int JITTER = 20;

    /** One prompt-blind video of {@code frames} frames at {@code width}x{@code height}, {@code fps}. */
    public static Video make(Family family, int width, int height, double fps, int frames, long seed) {
        if (width < 1 || height < 1 || frames < 1 || !(fps > 0))
            throw new IllegalArgumentException("null video needs a positive size, rate and length, got " + width + "x" + height
                    + ", " + fps + " fps, " + frames + " frames");
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + family.ordinal());
        int cell = Math.max(1, Math.min(width, height) / 16);
        int cw = (width + cell - 1) / cell, ch = (height + cell - 1) / cell;
        int[] mosaic = mosaic(r, cw * ch);
        double angle = r.nextDouble() * 2 * Math.PI, speed = (0.1 + 0.2 * r.nextDouble()) * width / fps; // px per frame
        double vx = speed * Math.cos(angle), vy = speed * Math.sin(angle);
        double gainEnd = family == Family.EXPOSURE_MOSAIC ? 0.6 + 0.8 * r.nextDouble() : 1; // drawn only here: the other families keep their bytes
        List<Frame> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            int[] p = new int[width * height];
            switch (family) {
                case PIXEL_NOISE -> { for (int i = 0; i < p.length; i++) p[i] = r.nextInt(1 << 24); }
                case FLICKER_MOSAIC -> {
                    int[] m = mosaic(r, cw * ch);
                    for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) p[y * width + x] = m[(y / cell) * cw + x / cell];
                }
                case STILL_MOSAIC, DRIFTING_MOSAIC, EXPOSURE_MOSAIC -> {
                    boolean drift = family == Family.DRIFTING_MOSAIC;
                    int ox = drift ? (int) Math.round(vx * t) : 0, oy = drift ? (int) Math.round(vy * t) : 0;
                    double gain = family != Family.EXPOSURE_MOSAIC ? 1
                            : (1 + (gainEnd - 1) * t / Math.max(1, frames - 1)) * (0.95 + 0.1 * r.nextDouble());
                    for (int y = 0; y < height; y++)
                        for (int x = 0; x < width; x++) {
                            int sx = Math.floorMod(x - ox, cw * cell), sy = Math.floorMod(y - oy, ch * cell);
                            int c = jitter(r, mosaic[(sy / cell) * cw + sx / cell]);
                            p[y * width + x] = gain == 1 ? c : scale(c, gain);
                        }
                }
            }
            out.add(new Frame(width, height, p));
        }
        return new Video(width, height, fps, out);
    }

    private static int[] mosaic(SplittableRandom r, int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = r.nextInt(1 << 24);
        return m;
    }

    private static int jitter(SplittableRandom r, int rgb) {
        int red = clamp((rgb >> 16 & 255) + r.nextInt(2 * JITTER + 1) - JITTER);
        int green = clamp((rgb >> 8 & 255) + r.nextInt(2 * JITTER + 1) - JITTER);
        int blue = clamp((rgb & 255) + r.nextInt(2 * JITTER + 1) - JITTER);
        return red << 16 | green << 8 | blue;
    }

    private static int scale(int rgb, double gain) {
        return clamp((int) Math.round((rgb >> 16 & 255) * gain)) << 16 | clamp((int) Math.round((rgb >> 8 & 255) * gain)) << 8
                | clamp((int) Math.round((rgb & 255) * gain));
    }

    private static int clamp(int v) { return v < 0 ? 0 : Math.min(255, v); }
}
