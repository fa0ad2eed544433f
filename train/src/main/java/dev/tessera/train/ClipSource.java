package dev.tessera.train;

import dev.tessera.model.data.Bucket;

/**
 * Where training clips come from. {@link #clip} must be a pure function of its arguments (same index and bucket,
 * same frames and captions) so that the batch for a step can be rebuilt exactly on resume and built by any number
 * of producer threads in any order. Implementations must be safe to call from several threads at once.
 */
public interface ClipSource {
    /**
     * Example number {@code index}, {@code bucket.frames()} frames of {@code bucket.width()}×{@code bucket.height()}.
     * {@code u} is a uniform draw in [0, 1) the source may use for its own choices (which file, where to cut).
     */
    Clip clip(long index, Bucket bucket, double u);

    /** The buckets this source can fill (all of them for the world; the ones the files fit for a folder). */
    default boolean fits(Bucket bucket) { return true; }

    /**
     * A value equal for calls that return the same clip (null: unknown, every call is new). A DiT run keeps the
     * encoded latents of the last few hundred keys, so a small fixed set of clips (a test set, an overfit run) is
     * encoded by the VAE once instead of at every step.
     */
    default Object key(long index, Bucket bucket, double u) { return null; }

    /**
     * Where the objects are in clip {@code index} (the same clip {@link #clip} returns), on the latent cells of each
     * frame: for each frame and cell [frames, h, w] the fraction of its pixels inside a visible object's bounding box
     * ({@link ObjectCover#of(dev.tessera.world.Truth, Bucket)}); null when the source has no ground truth. The batch
     * pools it onto its VAE's latent frames. Feeds the object-weighted loss ({@code --object-weight}).
     */
    default float[] objectCover(long index, Bucket bucket, double u) { return null; }

    /** One line for the log. */
    String describe();
}
