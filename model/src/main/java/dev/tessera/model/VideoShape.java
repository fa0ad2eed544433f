package dev.tessera.model;

/**
 * Shapes through the pipeline for one request: pixel frames {@code F}, latent frames
 * {@code f = 1 + ceil((F−1)/td)} (the causal VAE encodes frame 0 alone, then groups of {@code td = timeDown} frames:
 * 4, 2 or 1, the VAE's {@code VaeConfig#timeDown}), latent size {@code H/8 × W/8}, and the DiT's token grid after its
 * patches. The decoder yields {@code 1 + td(f−1) >= F} frames; the pipeline keeps the first F.
 */
public record VideoShape(int frames, int height, int width, int timeDown) {
    /** The time compression of every VAE saved before it was a setting, and the spatial one of every VAE. */
    public static final int TIME_DOWN = 4, SPACE_DOWN = 8;

    public VideoShape {
        if (frames < 1) throw new IllegalArgumentException("need at least one frame: " + frames);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        if (timeDown != 1 && timeDown != 2 && timeDown != 4) throw new IllegalArgumentException("time compression must be 1, 2 or 4: " + timeDown);
    }

    /** With the ×4 time compression of a default VAE. */
    public VideoShape(int frames, int height, int width) { this(frames, height, width, TIME_DOWN); }

    /** The same request through a VAE with time compression ×{@code td}. */
    public VideoShape withTimeDown(int td) { return new VideoShape(frames, height, width, td); }

    public int latentFrames() { return 1 + (frames - 1 + timeDown - 1) / timeDown; }

    public int latentHeight() { return height / SPACE_DOWN; }

    public int latentWidth() { return width / SPACE_DOWN; }

    /** Frames the decoder produces for this many latent frames (≥ {@link #frames()}). */
    public int decodedFrames() { return 1 + timeDown * (latentFrames() - 1); }

    /** Spacetime tokens of the DiT for a patch of pt×ps×ps latent cells (the latent frames padded to a multiple of pt). */
    public int tokens(int pt, int ps) {
        return ((latentFrames() + pt - 1) / pt) * (latentHeight() / ps) * (latentWidth() / ps);
    }

    @Override public String toString() { return frames + "x" + width + "x" + height + " (frames x W x H)"; }
}
