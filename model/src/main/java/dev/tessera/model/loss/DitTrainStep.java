package dev.tessera.model.loss;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.engine.optim.GradClip;
import dev.tessera.model.dit.DiffusionTransformer;
import dev.tessera.model.text.TextEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The smallest complete training step for the DiT and the text encoder together (AdamW, gradient clipping at 1.0):
 * what the model tests use to prove learning. The full loop (data streaming, accumulation, EMA, checkpoints, logs)
 * belongs to the train module and builds on {@link FlowMatchingLoss} the same way.
 */
public final class DitTrainStep {
    private final DiffusionTransformer dit;
    private final TextEncoder text;
    private final FlowMatchingLoss loss;
    private final AdamW opt;
    private final Map<String, Tensor> params = new LinkedHashMap<>();

    public DitTrainStep(DiffusionTransformer dit, TextEncoder text, FlowMatchingLoss loss, double lr) {
        this.dit = dit;
        this.text = text;
        this.loss = loss;
        dit.namedParameters().forEach((k, v) -> params.put("dit." + k, v));
        text.namedParameters().forEach((k, v) -> params.put("text." + k, v));
        this.opt = new AdamW(params, lr, 0.0f);
    }

    public AdamW optimizer() { return opt; }

    /** One step on clean latents x0 [B, C, f, h, w] with their captions; returns the loss before the update. */
    public float step(Tensor x0, String[] captions, Rng rng) {
        int[] s = x0.shape();
        int tokens = dit.config.tokenFrames(s[2]) * (s[3] / dit.config.patchS()) * (s[4] / dit.config.patchS());
        opt.zeroGrad();
        Tensor l = loss.compute(dit, text, x0, captions, tokens, rng).loss();
        l.backward();
        GradClip.clipGradNorm(new java.util.ArrayList<>(params.values()), 1.0);
        opt.step();
        return l.item();
    }
}
