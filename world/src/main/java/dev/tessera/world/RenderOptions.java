package dev.tessera.world;

/**
 * How to render a clip: size (any aspect), frame rate, duration (up to 60 s), seed and anti-aliasing factor
 * (samples per pixel = antialias^2). Validates itself so bad input fails with one clear message.
 */
public record RenderOptions(int width, int height, double fps, double seconds, long seed, int antialias) {
    public static final double MAX_SECONDS = 60;

    public RenderOptions {
        if (width < 8 || height < 8 || width > 4096 || height > 4096)
            throw new IllegalArgumentException("size must be between 8x8 and 4096x4096, got " + width + "x" + height);
        if (!(fps >= 1 && fps <= 120)) throw new IllegalArgumentException("fps must be between 1 and 120, got " + fps);
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) throw new IllegalArgumentException("seconds must be in (0, 60], got " + seconds);
        if (antialias < 1 || antialias > 4) throw new IllegalArgumentException("antialias must be 1..4, got " + antialias);
        if (frames(seconds, fps) < 1) throw new IllegalArgumentException("clip would have no frames: " + seconds + " s at " + fps + " fps");
    }

    public static RenderOptions of(int width, int height, double fps, double seconds, long seed) {
        return new RenderOptions(width, height, fps, seconds, seed, 2);
    }

    static int frames(double seconds, double fps) { return (int) Math.round(seconds * fps); }

    public int frameCount() { return frames(seconds, fps); }
}
