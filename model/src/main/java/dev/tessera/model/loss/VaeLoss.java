package dev.tessera.model.loss;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.vae.VideoVae;

/**
 * The VAE's objective: reconstruction MSE of a sampled latent's decoding plus β·KL(q(z|x) || N(0, I)), β from the
 * config. (No perceptual or adversarial term: our world is flat-shaded, and both would cost more CPU than the
 * sharpness they buy here — a measured trade-off left to the training work.)
 */
public final class VaeLoss {
    private VaeLoss() {}

    public record Result(Tensor loss, Tensor reconstruction, Tensor kl, Tensor decoded) {}

    /** x [B, 3, 1+4k, H, W] in [−1, 1]. */
    public static Result compute(VideoVae vae, Tensor x, Rng rng) { return compute(vae, x, rng, null); }

    /**
     * With per-pixel weights [B, 1, T, H, W] on the reconstruction ({@link WeightedMse}; null: the plain MSE), e.g.
     * 1 + λ·object cover, so small objects count for more than their area.
     */
    public static Result compute(VideoVae vae, Tensor x, Rng rng, Tensor pixelWeights) {
        VideoVae.Posterior post = vae.encode(x);
        Tensor decoded = vae.decode(post.sample(rng));
        Tensor rec = WeightedMse.of(decoded, x, pixelWeights);
        Tensor kl = post.kl();
        return new Result(rec.add(kl.mul((float) vae.config.klWeight())), rec, kl, decoded);
    }
}
