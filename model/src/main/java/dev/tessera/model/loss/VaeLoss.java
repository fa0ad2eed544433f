package dev.tessera.model.loss;

import dev.tessera.engine.F;
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
    public static Result compute(VideoVae vae, Tensor x, Rng rng) {
        VideoVae.Posterior post = vae.encode(x);
        Tensor decoded = vae.decode(post.sample(rng));
        Tensor rec = F.mse(decoded, x);
        Tensor kl = post.kl();
        return new Result(rec.add(kl.mul((float) vae.config.klWeight())), rec, kl, decoded);
    }
}
