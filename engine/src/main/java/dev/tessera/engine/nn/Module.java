package dev.tessera.engine.nn;

import dev.tessera.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer with named parameters and named children. Names compose into stable dotted paths
 * ({@code blocks.3.attn.qkv.weight}) in registration order, which is what checkpoints store.
 *
 * <pre>{@code
 * final class Mlp extends Module {
 *     final Linear fc1, fc2;
 *     Mlp(int d, Rng rng) { fc1 = add("fc1", new Linear(d, 4 * d, true, rng)); fc2 = add("fc2", new Linear(4 * d, d, true, rng)); }
 *     Tensor forward(Tensor x) { return fc2.forward(F.gelu(fc1.forward(x))); }   // [B, N, D]
 * }
 * }</pre>
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter (marks it requiresGrad) and returns it. */
    protected Tensor param(String name, Tensor value) {
        checkName(name);
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    /** Registers a child module and returns it. */
    protected <M extends Module> M add(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("parameter/child name must be non-empty without dots: '" + name + "'");
        if (params.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("name '" + name + "' registered twice");
    }

    /** Replaces a registered parameter's tensor (e.g. loading weights in another dtype). */
    protected void replaceParam(String name, Tensor value) {
        if (!params.containsKey(name)) throw new IllegalArgumentException("no parameter '" + name + "'");
        params.put(name, value);
    }

    /** All parameters by dotted path, in registration order. */
    public Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        params.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    public Map<String, Module> children() { return java.util.Collections.unmodifiableMap(children); }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    public void zeroGrad() { namedParameters().values().forEach(Tensor::zeroGrad); }

    /** Training mode (dropout active) for this module and all children. */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    public boolean training() { return training; }

    /**
     * Re-stores every parameter in {@code dtype} (BF16/F16 halve the memory of an inference model; F32 makes it
     * trainable again). Values are rounded to the new type.
     */
    public void storeWeightsAs(dev.tessera.engine.DType dtype) {
        for (Tensor t : namedParameters().values()) if (t.dtype() != dtype) t.setData(t.to(dtype));
    }

    /** The weights by dotted name (the tensors themselves, for saving). */
    public Map<String, Tensor> stateDict() { return namedParameters(); }

    /**
     * Copies weights in by dotted name; shapes must match. With {@code strict}, missing or unexpected names are an
     * error naming them. Tensors in BF16/F16/mapped storage are converted to fp32.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) { load(state, strict, true); }

    /**
     * Points the parameters at the given tensors without copying — e.g. bf16 weights in a memory-mapped
     * checkpoint ({@code Safetensors.map}) for inference; they stay valid only while the mapping is open and
     * cannot be trained (optimisers need fp32 heap parameters).
     */
    public void shareStateDict(Map<String, Tensor> state, boolean strict) { load(state, strict, false); }

    private void load(Map<String, Tensor> state, boolean strict, boolean copy) {
        Map<String, Tensor> mine = namedParameters();
        if (strict) {
            List<String> missing = new ArrayList<>(), extra = new ArrayList<>();
            for (String k : mine.keySet()) if (!state.containsKey(k)) missing.add(k);
            for (String k : state.keySet()) if (!mine.containsKey(k)) extra.add(k);
            if (!missing.isEmpty() || !extra.isEmpty())
                throw new IllegalArgumentException("state dict mismatch: missing " + missing + ", unexpected " + extra);
        }
        for (var e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            if (!java.util.Arrays.equals(src.shape(), dst.shape()))
                throw new IllegalArgumentException("shape mismatch for " + e.getKey() + ": checkpoint " + java.util.Arrays.toString(src.shape()) + ", model " + java.util.Arrays.toString(dst.shape()));
            if (copy) System.arraycopy(src.data(), 0, dst.buffer(), 0, dst.numel());
            else dst.setData(src);
        }
    }
}
