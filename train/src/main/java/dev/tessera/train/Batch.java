package dev.tessera.train;

import dev.tessera.engine.Tensor;
import dev.tessera.model.data.Bucket;

/**
 * One micro-batch, all of one bucket: pixels [B, 3, F, H, W] in [−1, 1] (VAE and text runs; null for DiT runs), the
 * captions drawn for it (each in English or Chinese), and for DiT runs the normalised VAE latents [B, C, f, h, w]
 * (encoded by the producer threads, or read from the cache — a cached clip is not rendered again).
 *
 * @param micro   the micro-batch number (the data cursor: step·accum + k)
 * @param objects DiT runs with an object-weighted loss: each latent cell's object cover [B, 1, f, h, w] in [0, 1]
 *                ({@link ObjectCover}); null otherwise
 */
public record Batch(long micro, Bucket bucket, Tensor pixels, String[] captions, Tensor latents, Tensor objects) {
    public int size() { return captions.length; }
}
