package dev.tessera.engine.optim;

import jdk.incubator.vector.FloatVector;

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
            blend(s, w, decay);
        }
    }

    /**
     * {@code s[i] = d·s[i] + (1−d)·w[i]}, vectorised and split over the thread pool: the same float operations in the
     * same order as the plain loop, so the result is bit-identical to it for any thread count.
     */
    public static void blend(float[] s, float[] w, float d) {
        if (s.length != w.length) throw new IllegalArgumentException("EMA of " + s.length + " values from " + w.length);
        float e = 1 - d;
        var S = Chunks.S;
        Chunks.run(s.length, (i0, i1) -> {
            FloatVector dv = FloatVector.broadcast(S, d), ev = FloatVector.broadcast(S, e);
            int i = i0;
            for (int end = i0 + S.loopBound(i1 - i0); i < end; i += S.length())
                FloatVector.fromArray(S, s, i).mul(dv).add(FloatVector.fromArray(S, w, i).mul(ev)).intoArray(s, i);
            for (; i < i1; i++) s[i] = d * s[i] + e * w[i];
        });
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
