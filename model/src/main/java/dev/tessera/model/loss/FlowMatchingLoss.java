package dev.tessera.model.loss;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.DirectionSwap;
import dev.tessera.model.text.TextEncoder;

/**
 * The DiT's training objective: for clean latents x0 [B, C, f, h, w] and captions, draw per item a logit-normal,
 * token-shifted t and noise ε, form x_t = (1−t)·x0 + t·ε, and regress the network's velocity onto ε − x0 (MSE).
 * With probability {@code dropCaption} a caption is replaced by the empty prompt, so the same network also learns the
 * unconditional velocity that classifier-free guidance needs. The text encoder is run inside, so its weights get
 * gradients too (joint training). An optional {@link Contrast} adds the direction contrast, an optional
 * {@code temporal} weight the frame-difference term ({@link #temporalTerm}).
 */
public record FlowMatchingLoss(FlowMatching process, double dropCaption, Contrast contrast, double temporal) {
    public FlowMatchingLoss {
        if (!(dropCaption >= 0 && dropCaption <= 1)) throw new IllegalArgumentException("dropCaption must be in [0,1]: " + dropCaption);
        if (!(temporal >= 0 && temporal <= 100)) throw new IllegalArgumentException("temporal weight must be in [0, 100]: " + temporal);
    }

    public FlowMatchingLoss(FlowMatching process, double dropCaption, Contrast contrast) { this(process, dropCaption, contrast, 0); }

    public FlowMatchingLoss(FlowMatching process, double dropCaption) { this(process, dropCaption, null, 0); }

    /**
     * Direction contrast. The velocity MSE hardly depends on the words "left" and "right": measured on the shipped DiT,
     * the object-weighted error of the clean-latent prediction is the same with a caption's left and right exchanged as
     * with the true caption (0.158 vs 0.158 at t = 0.95; the empty caption: 0.179), so left/right and motion direction
     * score at chance. For every item whose caption names a side or direction, the network also predicts the velocity
     * for the mirrored caption ({@link DirectionSwap}) at the same x_t and t, and the loss adds
     * {@code weight · softplus(sharpness · (e_true − e_mirror)) / sharpness} per such item (mean over them), e being the
     * item's (object-weighted) velocity MSE: a logistic preference for the true caption's prediction, whose pull fades
     * once the true caption's error is below the mirrored one's by a few 1/sharpness.
     */
    public record Contrast(double weight, double sharpness) {
        public Contrast {
            if (!(weight > 0 && weight <= 100)) throw new IllegalArgumentException("contrast weight must be in (0, 100]: " + weight);
            if (!(sharpness > 0 && sharpness <= 1e4)) throw new IllegalArgumentException("contrast sharpness must be in (0, 1e4]: " + sharpness);
        }
    }

    /**
     * One loss value (a scalar on the tape), the times drawn (for logging) and how many items the direction contrast
     * ran a second time, mirrored (0 without it).
     */
    public record Result(Tensor loss, float[] times, int mirrored) {
        public Result(Tensor loss, float[] times) { this(loss, times, 0); }
    }

    /**
     * Per item a training time (the process's logit-normal, shifted by {@code tokens}) and the caption it is trained
     * with (the empty prompt with probability {@code dropCaption}), drawn in this order from {@code rng}.
     */
    record Draw(float[] times, String[] captions) {
        static Draw of(FlowMatching process, double dropCaption, String[] captions, int batch, int tokens, Rng rng) {
            if (captions.length != batch) throw new IllegalArgumentException(captions.length + " captions for a batch of " + batch);
            float[] t = new float[batch];
            String[] used = new String[batch];
            for (int i = 0; i < batch; i++) {
                t[i] = (float) process.sampleTime(rng.nextGaussian(), tokens);
                used[i] = rng.nextFloat() < dropCaption ? "" : captions[i];
            }
            return new Draw(t, used);
        }
    }

    /** @param tokens DiT tokens per item (for the time shift) */
    public Result compute(VelocityModel model, TextEncoder text, Tensor x0, String[] captions, int tokens, Rng rng) {
        return compute(model, text, x0, captions, tokens, rng, null);
    }

    /**
     * The same with per-cell weights: {@code weights} [B, 1, f, h, w] (broadcast over the latent channels), and the
     * loss is {@link WeightedMse}: Σ w·(v − target)² / (C · Σ w) — the plain MSE when every weight is equal, null meaning all ones.
     */
    public Result compute(VelocityModel model, TextEncoder text, Tensor x0, String[] captions, int tokens, Rng rng, Tensor weights) {
        int b = x0.size(0);
        Draw d = Draw.of(process, dropCaption, captions, b, tokens, rng);
        float[] t = d.times();
        String[] used = d.captions();
        float[] x = x0.data();
        float[] eps = new float[x.length];
        rng.fillNormal(eps, 0f, 1f);
        Tensor xt = Tensor.of(FlowMatching.interpolate(x, eps, t), x0.shape());
        Tensor target = Tensor.of(FlowMatching.target(x, eps), x0.shape());
        Tensor v = model.velocity(xt, Tensor.of(t, b), text.encode(used));
        Tensor loss = WeightedMse.of(v, target, weights);
        if (temporal > 0 && x0.size(2) > 1) loss = loss.add(temporalTerm(v, target, weights).mul((float) temporal));
        if (contrast == null) return new Result(loss, t);
        String[] mirrored = new String[b];
        float[] mask = new float[b];
        int n = 0;
        for (int i = 0; i < b; i++) {
            String m = DirectionSwap.swap(used[i]);
            mirrored[i] = m == null ? used[i] : m;
            mask[i] = m == null ? 0f : 1f;
            n += m == null ? 0 : 1;
        }
        if (n == 0) return new Result(loss, t);
        Tensor vm = model.velocity(xt, Tensor.of(t.clone(), b), text.encode(mirrored));
        Tensor gap = WeightedMse.perItem(v, target, weights).sub(WeightedMse.perItem(vm, target, weights)).mul((float) contrast.sharpness());
        Tensor softplus = gap.relu().add(gap.abs().neg().exp().add(1f).log());
        Tensor term = softplus.mul(Tensor.of(mask, b)).sum().mul((float) (contrast.weight() / (contrast.sharpness() * n)));
        return new Result(loss.add(term), t, n);
    }

    /**
     * The frame-difference term: with the velocity error e = v − target [B, C, f, h, w] and its change between
     * neighbouring latent frames Δe_k = e[k] − e[k−1] (k = 1 … f−1), Σ w̄·Δe² / (C · Σ w̄), w̄ the mean of the two
     * frames' cell weights (all ones when {@code weights} is null). The plain MSE weighs every temporal frequency of the
     * error alike; adding {@code temporal · this} weighs an error that flips from frame to frame up to 1 + 4·temporal
     * times one that is the same in every frame, so the network is pushed hardest on what makes frames jump — how a
     * frame differs from its neighbours. Zero when the error is the same in every frame; needs f ≥ 2.
     */
    public static Tensor temporalTerm(Tensor v, Tensor target, Tensor weights) {
        int f = v.size(2);
        if (f < 2) throw new IllegalArgumentException("the frame-difference term needs at least 2 latent frames, got " + f);
        Tensor e = v.sub(target);
        Tensor w = weights == null ? null : weights.narrow(2, 1, f - 1).add(weights.narrow(2, 0, f - 1)).mul(0.5f);
        return WeightedMse.of(e.narrow(2, 1, f - 1), e.narrow(2, 0, f - 1), w); // Σ w̄·(e[k] − e[k−1])² / (C·Σ w̄)
    }
}
