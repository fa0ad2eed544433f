package dev.tessera.engine.optim;

import dev.tessera.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exponential moving average of weights (the copy diffusion models sample from): ema = d·ema + (1-d)·w. */
public final class Ema {
    private final LinkedHashMap<String, Tensor> params;
    private final LinkedHashMap<String, Tensor> shadow = new LinkedHashMap<>();
    private final float decay;

    public Ema(Map<String, Tensor> params, float decay) {
        this.params = new LinkedHashMap<>(params);
        this.decay = decay;
        params.forEach((k, t) -> shadow.put(k, Tensor.of(t.toArray(), t.shape())));
    }

    public void update() {
        for (var e : params.entrySet()) {
            float[] s = shadow.get(e.getKey()).buffer(), w = e.getValue().data();
            for (int i = 0; i < s.length; i++) s[i] = decay * s[i] + (1 - decay) * w[i];
        }
    }

    /** The averaged weights by parameter name (save these, or load them into a model for sampling). */
    public Map<String, Tensor> weights() { return java.util.Collections.unmodifiableMap(shadow); }

    /** Restores saved averages. */
    public void load(Map<String, Tensor> saved) {
        for (var e : shadow.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("EMA state lacks " + e.getKey());
            if (t.numel() != e.getValue().numel()) throw new IllegalArgumentException("EMA state " + e.getKey() + " has wrong size");
            System.arraycopy(t.data(), 0, e.getValue().buffer(), 0, t.numel());
        }
    }
}
