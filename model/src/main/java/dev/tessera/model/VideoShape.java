package dev.tessera.model;

/**
 * Shapes through the pipeline for one request: pixel frames {@code F}, latent frames
 * {@code f = 1 + ceil((F−1)/4)} (the causal VAE encodes frame 0 alone, then groups of four), latent size
 * {@code H/8 × W/8}, and the DiT's token grid after 1×2×2 patches. The decoder yields {@code 1 + 4(f−1) >= F}
 * frames; the pipeline keeps the first F.
 */
public record VideoShape(int frames, int height, int width) {
    public static final int TIME_DOWN = 4, SPACE_DOWN = 8;

    public VideoShape {
        if (frames < 1) throw new IllegalArgumentException("need at least one frame: " + frames);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
    }

    public int latentFrames() { return 1 + (frames - 1 + TIME_DOWN - 1) / TIME_DOWN; }

    public int latentHeight() { return height / SPACE_DOWN; }

    public int latentWidth() { return width / SPACE_DOWN; }

    /** Frames the decoder produces for this many latent frames (≥ {@link #frames()}). */
    public int decodedFrames() { return 1 + TIME_DOWN * (latentFrames() - 1); }

    /** Spacetime tokens of the DiT for a patch of pt×ps×ps latent cells. */
    public int tokens(int pt, int ps) {
        return (latentFrames() / pt) * (latentHeight() / ps) * (latentWidth() / ps);
    }

    @Override public String toString() { return frames + "x" + width + "x" + height + " (frames x W x H)"; }
}
