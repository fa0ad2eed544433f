package dev.tessera.train;

import dev.tessera.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EMA of the trained weights with the usual warm-up: the decay used at update k is {@code min(decay, (1+k)/(10+k))},
 * so early in a run (and in short test runs) the average follows the weights instead of staying near the random
 * initialisation. (The engine's {@code Ema} has a fixed decay; this adds the warm-up and an update count to save.)
 */
public final class EmaWeights {
    private final Map<String, Tensor> params;
    private final LinkedHashMap<String, float[]> shadow = new LinkedHashMap<>();
    private final double decay;
    private long updates;

    public EmaWeights(Map<String, Tensor> params, double decay) {
        this.params = new LinkedHashMap<>(params);
        this.decay = decay;
        params.forEach((k, t) -> shadow.put(k, t.toArray()));
    }

    public void update() {
        float d = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        updates++;
        for (var e : params.entrySet()) {
            float[] s = shadow.get(e.getKey()), w = e.getValue().data();
            dev.tessera.engine.optim.Ema.blend(s, w, d);
        }
    }

    public long updates() { return updates; }

    /** The averaged weights as tensors (copies), by the same names as the parameters. */
    public Map<String, Tensor> weights() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        shadow.forEach((k, s) -> out.put(k, Tensor.of(s.clone(), params.get(k).shape())));
        return out;
    }

    public void load(Map<String, Tensor> saved, long updateCount) {
        for (var e : shadow.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("checkpoint lacks EMA weights for " + e.getKey());
            if (t.numel() != e.getValue().length) throw new IllegalArgumentException("EMA " + e.getKey() + " has the wrong size");
            System.arraycopy(t.data(), 0, e.getValue(), 0, e.getValue().length);
        }
        updates = updateCount;
    }

    /** Swaps the live weights and the averages (call twice to swap back): sampling from the EMA without a copy of the model. */
    public void swap() {
        for (var e : params.entrySet()) {
            float[] s = shadow.get(e.getKey()), w = e.getValue().buffer();
            for (int i = 0; i < s.length; i++) {
                float tmp = w[i];
                w[i] = s[i];
                s[i] = tmp;
            }
        }
    }
}
