package dev.tessera.engine.optim;

import jdk.incubator.vector.FloatVector;

import dev.tessera.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter): Adam moments with bias correction and decoupled weight decay. Parameters are
 * held by name so the moment buffers can be saved and restored bit-exactly ({@link #state()} / {@link #loadState}).
 * Weight decay applies to tensors of rank ≥ 2 only (matrices, conv kernels), not to biases and norm gains.
 */
public final class AdamW {
    private final LinkedHashMap<String, Tensor> params;
    private final LinkedHashMap<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private final float beta1, beta2, eps, weightDecay;
    private double lr;
    private long step;

    public AdamW(Map<String, Tensor> params, double lr, float beta1, float beta2, float eps, float weightDecay) {
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (var e : this.params.entrySet()) {
            m.put(e.getKey(), new float[e.getValue().numel()]);
            v.put(e.getKey(), new float[e.getValue().numel()]);
        }
    }

    /** Defaults: betas (0.9, 0.999), eps 1e-8. */
    public AdamW(Map<String, Tensor> params, double lr, float weightDecay) { this(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay); }

    public void setLr(double lr) { this.lr = lr; }

    public double lr() { return lr; }

    public long stepCount() { return step; }

    /** One update from the accumulated gradients (parameters without a gradient are left alone). */
    public void step() {
        step++;
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        for (var e : params.entrySet()) {
            Tensor p = e.getValue();
            if (p.grad() == null) continue;
            float[] w = p.buffer(), g = p.grad().data(), mm = m.get(e.getKey()), vv = v.get(e.getKey());
            float decay = p.dim() >= 2 ? (float) (1 - lr * weightDecay) : 1f;
            Chunks.run(w.length, (i0, i1) -> update(w, g, mm, vv, i0, i1, decay, stepSize, invSqrtBc2));
        }
    }

    /**
     * Elements [i0, i1) of one parameter: vectorised, with the same float operations in the same order as the plain
     * loop at the tail (IEEE sqrt and division are exact in both), so the update is bit-identical to a scalar loop
     * and to any split over threads.
     */
    private void update(float[] w, float[] g, float[] mm, float[] vv, int i0, int i1, float decay, float stepSize,
                        float invSqrtBc2) {
        float b1 = beta1, b2 = beta2, c1 = 1 - beta1, c2 = 1 - beta2, ep = eps;
        var S = Chunks.S;
        FloatVector vb1 = FloatVector.broadcast(S, b1), vb2 = FloatVector.broadcast(S, b2);
        FloatVector vc1 = FloatVector.broadcast(S, c1), vc2 = FloatVector.broadcast(S, c2);
        FloatVector vdec = FloatVector.broadcast(S, decay), vstep = FloatVector.broadcast(S, stepSize);
        FloatVector vinv = FloatVector.broadcast(S, invSqrtBc2), veps = FloatVector.broadcast(S, ep);
        int i = i0;
        for (int end = i0 + S.loopBound(i1 - i0); i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, mm, i).mul(vb1).add(gv.mul(vc1));
            FloatVector v2 = FloatVector.fromArray(S, vv, i).mul(vb2).add(gv.mul(vc2).mul(gv));
            mv.intoArray(mm, i);
            v2.intoArray(vv, i);
            FloatVector wv = FloatVector.fromArray(S, w, i).mul(vdec)
                    .sub(mv.mul(vstep).div(v2.sqrt().mul(vinv).add(veps)));
            wv.intoArray(w, i);
        }
        for (; i < i1; i++) {
            mm[i] = b1 * mm[i] + c1 * g[i];
            vv[i] = b2 * vv[i] + c2 * g[i] * g[i];
            w[i] = w[i] * decay - stepSize * mm[i] / ((float) Math.sqrt(vv[i]) * invSqrtBc2 + ep);
        }
    }

    public void zeroGrad() { params.values().forEach(Tensor::zeroGrad); }

    /** Moments as tensors named {@code <param>.exp_avg} / {@code <param>.exp_avg_sq}; pair with {@link #stepCount()}. */
    public Map<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            int[] shape = e.getValue().shape();
            out.put(e.getKey() + ".exp_avg", Tensor.of(m.get(e.getKey()).clone(), shape));
            out.put(e.getKey() + ".exp_avg_sq", Tensor.of(v.get(e.getKey()).clone(), shape));
        }
        return out;
    }

    /** Metadata to save beside {@link #state()}: step count and hyper-parameters. */
    public Map<String, String> stateMetadata() {
        return Map.of("step", Long.toString(step), "lr", Double.toString(lr), "beta1", Float.toString(beta1),
                "beta2", Float.toString(beta2), "eps", Float.toString(eps), "weight_decay", Float.toString(weightDecay));
    }

    /** Restores moments and step count saved by {@link #state()} / {@link #stateMetadata()}. */
    public void loadState(Map<String, Tensor> state, Map<String, String> metadata) {
        for (var e : params.entrySet()) {
            for (String kind : new String[] {"exp_avg", "exp_avg_sq"}) {
                Tensor t = state.get(e.getKey() + "." + kind);
                if (t == null) throw new IllegalArgumentException("optimizer state lacks " + e.getKey() + "." + kind);
                if (t.numel() != e.getValue().numel()) throw new IllegalArgumentException("optimizer state " + e.getKey() + "." + kind + " has " + t.numel() + " elements, parameter has " + e.getValue().numel());
                System.arraycopy(t.data(), 0, (kind.equals("exp_avg") ? m : v).get(e.getKey()), 0, t.numel());
            }
        }
        String s = metadata.get("step");
        if (s == null) throw new IllegalArgumentException("optimizer metadata lacks 'step'");
        step = Long.parseLong(s);
        if (metadata.containsKey("lr")) lr = Double.parseDouble(metadata.get("lr"));
    }
}
