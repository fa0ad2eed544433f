package dev.tessera.model.data;

import dev.tessera.model.VideoShape;

/**
 * One training bucket: every clip in a batch has this (frames, height, width), so batches need no padding while the
 * data set mixes aspect ratios and durations (Sora's native-size training). Frame counts are 1 + 4k so the causal
 * VAE's latent covers them exactly; frames = 1 is an image (a one-frame video).
 */
public record Bucket(int frames, int height, int width) {
    public Bucket {
        if (frames < 1 || (frames - 1) % VideoShape.TIME_DOWN != 0)
            throw new IllegalArgumentException("bucket frames must be 1 + 4k: " + frames);
        if (height <= 0 || width <= 0 || height % 16 != 0 || width % 16 != 0)
            throw new IllegalArgumentException("bucket size must be a positive multiple of 16: " + width + "x" + height);
    }

    public boolean isImage() { return frames == 1; }

    /** Its shape through a VAE with the default ×4 time compression. */
    public VideoShape shape() { return new VideoShape(frames, height, width); }

    /** Its shape through a VAE with time compression ×{@code td} (1 + 4k frames divide into 1, 2 and 4). */
    public VideoShape shape(int td) { return new VideoShape(frames, height, width, td); }

    /** DiT tokens of this bucket with 1×2×2 patches on a ×4 VAE (the buckets' relative cost ≈ proportional). */
    public int tokens() { return shape().tokens(1, 2); }

    @Override public String toString() { return frames + "f " + width + "x" + height; }
}
