package dev.tessera.model.loss;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextEncoder;

/**
 * The DiT's training objective: for clean latents x0 [B, C, f, h, w] and captions, draw per item a logit-normal,
 * token-shifted t and noise ε, form x_t = (1−t)·x0 + t·ε, and regress the network's velocity onto ε − x0 (MSE).
 * With probability {@code dropCaption} a caption is replaced by the empty prompt, so the same network also learns the
 * unconditional velocity that classifier-free guidance needs. The text encoder is run inside, so its weights get
 * gradients too (joint training).
 */
public record FlowMatchingLoss(FlowMatching process, double dropCaption) {
    public FlowMatchingLoss {
        if (!(dropCaption >= 0 && dropCaption <= 1)) throw new IllegalArgumentException("dropCaption must be in [0,1]: " + dropCaption);
    }

    /** One loss value (a scalar on the tape) and the times drawn, for logging. */
    public record Result(Tensor loss, float[] times) {}

    /** @param tokens DiT tokens per item (for the time shift) */
    public Result compute(VelocityModel model, TextEncoder text, Tensor x0, String[] captions, int tokens, Rng rng) {
        return compute(model, text, x0, captions, tokens, rng, null);
    }

    /**
     * The same with per-cell weights: {@code weights} [B, 1, f, h, w] (broadcast over the latent channels), and the
     * loss is Σ w·(v − target)² / (C · Σ w) — the plain MSE when every weight is equal, null meaning all ones.
     */
    public Result compute(VelocityModel model, TextEncoder text, Tensor x0, String[] captions, int tokens, Rng rng, Tensor weights) {
        int b = x0.size(0);
        if (captions.length != b) throw new IllegalArgumentException(captions.length + " captions for a batch of " + b);
        float[] t = new float[b];
        String[] used = new String[b];
        for (int i = 0; i < b; i++) {
            t[i] = (float) process.sampleTime(rng.nextGaussian(), tokens);
            used[i] = rng.nextFloat() < dropCaption ? "" : captions[i];
        }
        float[] x = x0.data();
        float[] eps = new float[x.length];
        rng.fillNormal(eps, 0f, 1f);
        Tensor xt = Tensor.of(FlowMatching.interpolate(x, eps, t), x0.shape());
        Tensor target = Tensor.of(FlowMatching.target(x, eps), x0.shape());
        Tensor v = model.velocity(xt, Tensor.of(t, b), text.encode(used));
        if (weights == null) return new Result(F.mse(v, target), t);
        int[] s = x0.shape(), ws = weights.shape();
        if (ws.length != 5 || ws[0] != s[0] || ws[1] != 1 || ws[2] != s[2] || ws[3] != s[3] || ws[4] != s[4])
            throw new IllegalArgumentException("weights " + java.util.Arrays.toString(ws) + " for latents " + java.util.Arrays.toString(s));
        double total = 0;
        for (float w : weights.data()) total += w;
        if (!(total > 0)) throw new IllegalArgumentException("weights must have a positive sum");
        Tensor d = v.sub(target);
        return new Result(d.square().mul(weights).sum().mul((float) (1.0 / (s[1] * total))), t);
    }
}
