package dev.tessera.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * An n-dimensional fp32 view (shape, strides, offset) over a {@link Storage}, with an optional place on the autograd
 * tape. Views (reshape, permute, narrow, expand) share storage; every other op returns a new contiguous tensor and,
 * when the tape is on and an input requires a gradient, records how to send the gradient back.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 8, 16);                        // [B, D]
 * Tensor w = Tensor.randn(rng, 32, 16).requiresGrad(true);    // [O, D]
 * Tensor y = x.matmul(w.t()).relu().mean();                   // scalar
 * y.backward();                                               // w.grad() is [O, D]
 * }</pre>
 */
public final class Tensor {
    Storage storage; // not final only so a parameter can be pointed at loaded weights (see setData)
    final int[] shape;
    int[] strides;
    int offset;

    boolean requiresGrad;
    Tensor grad;
    Node node;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    Tensor(float[] data, int[] shape) {
        this(new Storage.Heap(data), shape, Shapes.contiguousStrides(shape), 0);
        if (data.length != Shapes.numel(shape))
            throw new IllegalArgumentException(data.length + " values do not fill shape " + Shapes.str(shape));
    }

    // ---------------------------------------------------------------- creation

    /** Wraps {@code data} (not copied) as a contiguous tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        for (int s : shape) if (s < 0) throw new IllegalArgumentException("negative size in shape " + Shapes.str(shape));
        return new Tensor(data, shape.clone());
    }

    /** 1-D tensor holding {@code values} (copied). */
    public static Tensor vector(float... values) { return new Tensor(values.clone(), new int[] {values.length}); }

    public static Tensor scalar(float v) { return new Tensor(new float[] {v}, new int[0]); }

    public static Tensor zeros(int... shape) { return new Tensor(new float[checkedNumel(shape)], shape.clone()); }

    public static Tensor ones(int... shape) { return full(1f, shape); }

    public static Tensor full(float v, int... shape) {
        float[] d = new float[checkedNumel(shape)];
        Arrays.fill(d, v);
        return new Tensor(d, shape.clone());
    }

    public static Tensor zerosLike(Tensor t) { return zeros(t.shape); }

    /** 0, 1, ..., n-1 as floats. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return new Tensor(d, new int[] {n});
    }

    /** Standard normal values drawn from {@code rng} (advances it by one draw per element). */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[checkedNumel(shape)];
        rng.fillNormal(d, 0f, 1f);
        return new Tensor(d, shape.clone());
    }

    /** Uniform values in [lo, hi). */
    public static Tensor rand(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[checkedNumel(shape)];
        rng.fillUniform(d, lo, hi);
        return new Tensor(d, shape.clone());
    }

    /** A tensor over any storage (e.g. a memory-mapped segment), contiguous. */
    public static Tensor wrap(Storage storage, int... shape) {
        if (storage.length() != Shapes.numel(shape))
            throw new IllegalArgumentException("storage of " + storage.length() + " elements does not fit shape " + Shapes.str(shape));
        return new Tensor(storage, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    private static int checkedNumel(int[] shape) {
        for (int s : shape) if (s < 0) throw new IllegalArgumentException("negative size in shape " + Shapes.str(shape));
        return Shapes.numelInt(shape);
    }

    // ---------------------------------------------------------------- inspection

    public int[] shape() { return shape.clone(); }

    /** Size of dim {@code d}; negative counts from the end. */
    public int size(int d) { return shape[Shapes.axis(d, shape.length)]; }

    public int dim() { return shape.length; }

    public int numel() { return Shapes.numelInt(shape); }

    public int[] strides() { return strides.clone(); }

    public int offset() { return offset; }

    public Storage storage() { return storage; }

    public DType dtype() { return storage.dtype(); }

    public boolean isContiguous() {
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    /** Element at a full index, as fp32. */
    public float get(int... idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException("index of rank " + idx.length + " for tensor " + Shapes.str(shape));
        long p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of " + Shapes.str(shape));
            p += (long) idx[i] * strides[i];
        }
        return storage.get(p);
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() on a tensor of shape " + Shapes.str(shape));
        return storage.get(offset);
    }

    /**
     * The elements in row-major order. Returns the backing array itself when this is a contiguous heap fp32 tensor
     * starting at 0 (no copy), so treat the result as read-only; use {@link #toArray()} for a private copy.
     */
    public float[] data() {
        float[] a = storage.heapArray();
        if (a != null && offset == 0 && a.length == numel() && isContiguous()) return a;
        return Shapes.gather(storage, offset, shape, strides);
    }

    /** A fresh copy of the elements in row-major order. */
    public float[] toArray() {
        float[] d = data();
        return d == storage.heapArray() ? d.clone() : d;
    }

    /** The live array for in-place updates (optimisers, initialisers); only for contiguous heap fp32 tensors. */
    public float[] buffer() {
        float[] a = storage.heapArray();
        if (a == null || offset != 0 || a.length != numel() || !isContiguous())
            throw new IllegalStateException("buffer() needs a contiguous fp32 heap tensor; this is " + dtype() + " " + Shapes.str(shape));
        return a;
    }

    @Override
    public String toString() {
        float[] d = data();
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(dtype() == DType.F32 ? "" : " " + dtype()).append(" [");
        for (int i = 0; i < Math.min(d.length, 8); i++) sb.append(i > 0 ? ", " : "").append(d[i]);
        if (d.length > 8) sb.append(", ...");
        return sb.append(requiresGrad ? "] grad" : "]").toString();
    }

    /**
     * Points this tensor at {@code src}'s elements without copying (same shape); e.g. a model parameter reading
     * bf16 weights straight from a memory-mapped checkpoint for inference. Gradient history is unaffected.
     */
    public void setData(Tensor src) {
        if (!Arrays.equals(src.shape, shape)) throw new IllegalArgumentException("setData: shape " + Shapes.str(src.shape) + " for tensor " + Shapes.str(shape));
        storage = src.storage;
        strides = src.strides.clone();
        offset = src.offset;
    }

    /** A contiguous fp32 copy with no history. */
    public Tensor copy() { return new Tensor(Shapes.gather(storage, offset, shape, strides), shape.clone()); }

    /** Splits dim into {@code chunks} equal views (the size must divide evenly), e.g. adaLN's six modulations. */
    public Tensor[] chunk(int chunks, int dim) {
        int d = Shapes.axis(dim, shape.length);
        if (chunks <= 0 || shape[d] % chunks != 0) throw new IllegalArgumentException("chunk: size " + shape[d] + " of dim " + d + " not divisible into " + chunks);
        int len = shape[d] / chunks;
        Tensor[] out = new Tensor[chunks];
        for (int i = 0; i < chunks; i++) out[i] = narrow(d, i * len, len);
        return out;
    }

    // ---------------------------------------------------------------- dtype

    /** A copy in {@code dtype} storage (F32, BF16 or F16); detached from the tape. */
    public Tensor to(DType dtype) {
        float[] d = data();
        return switch (dtype) {
            case F32 -> new Tensor(d == storage.heapArray() ? d.clone() : d, shape.clone());
            case BF16, F16 -> {
                short[] bits = new short[d.length];
                for (int i = 0; i < d.length; i++) bits[i] = dtype == DType.BF16 ? DType.toBf16(d[i]) : DType.toF16(d[i]);
                yield new Tensor(new Storage.Half(bits, dtype), shape.clone(), Shapes.contiguousStrides(shape), 0);
            }
            default -> throw new IllegalArgumentException("cannot convert a tensor to " + dtype);
        };
    }

    // ---------------------------------------------------------------- autograd

    /** Marks this tensor as a leaf that collects a gradient; returns this. */
    public Tensor requiresGrad(boolean on) {
        if (on && node != null) throw new IllegalStateException("requiresGrad(true) on a computed tensor; call detach() first");
        requiresGrad = on;
        return this;
    }

    public boolean requiresGrad() { return requiresGrad; }

    /** Accumulated gradient (same shape, contiguous fp32) or null. */
    public Tensor grad() { return grad; }

    public void zeroGrad() { grad = null; }

    /** The same data with no tape history. */
    public Tensor detach() { return new Tensor(storage, shape, strides, offset); }

    /** Sets the gradient directly (used by tests and by optimisers restoring state). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) throw new IllegalArgumentException("grad shape " + Shapes.str(g.shape) + " for tensor " + Shapes.str(shape));
        grad = g;
    }

    /** Adds {@code g} (contiguous, this tensor's shape) into this tensor's gradient, taking ownership of {@code g}. */
    private void accumulate(float[] g) {
        if (!requiresGrad) return;
        if (grad == null) {
            grad = new Tensor(g, shape.clone());
        } else {
            float[] a = grad.buffer();
            for (int i = 0; i < a.length; i++) a[i] += g[i];
        }
    }

    /** Back-propagates from this scalar: every leaf with requiresGrad gets d(this)/d(leaf) added to its grad. */
    public void backward() {
        if (numel() != 1) throw new IllegalStateException("backward() needs a scalar, got shape " + Shapes.str(shape));
        backward(new float[] {1f});
    }

    /** Back-propagates a given output gradient (contiguous, this tensor's shape). */
    public void backward(float[] seed) {
        if (!requiresGrad) throw new IllegalStateException("backward() on a tensor that does not require grad (no input requires grad, or the tape was off)");
        if (seed.length != numel()) throw new IllegalArgumentException("backward seed has " + seed.length + " values for a tensor of shape " + Shapes.str(shape));
        List<Tensor> order = topoOrder();
        IdentityHashMap<Tensor, float[]> grads = new IdentityHashMap<>();
        grads.put(this, seed.clone());
        try (var g = Grad.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                float[] gt = grads.remove(t);
                if (gt == null) continue;
                if (t.node == null) {
                    t.accumulate(gt);
                    continue;
                }
                Node n = t.node;
                // Inputs' contributions go to the map, not the leaves' grad fields, so intermediate gradients
                // are freed as soon as their node has run.
                Acc outer = ACC.get(); // non-null when this backward runs inside another (gradient checkpointing)
                ACC.set(new Acc(grads));
                try {
                    n.backward.apply(gt);
                } finally {
                    if (outer != null) ACC.set(outer);
                    else ACC.remove();
                }
                t.node = Node.RELEASED; // free saved activations; a second backward through this graph is an error
            }
        }
    }

    /** The pending gradients of one backward() call, keyed by tensor identity. */
    private record Acc(IdentityHashMap<Tensor, float[]> grads) {}

    private static final ThreadLocal<Acc> ACC = new ThreadLocal<>();

    /**
     * Called by ops' backward code: adds {@code g} to the pending gradient of {@code input}, <em>taking ownership</em>
     * of the array (it may become that input's gradient buffer and be added into later). So a backward must hand
     * each array to addGrad at most once and not touch it afterwards — pass {@code g.clone()} to share one.
     */
    static void addGrad(Tensor input, float[] g) {
        if (input == null || !input.requiresGrad) return;
        Acc acc = ACC.get();
        if (acc == null) throw new IllegalStateException("addGrad outside backward()");
        float[] cur = acc.grads.get(input);
        if (cur == null) {
            acc.grads.put(input, g);
        } else {
            for (int i = 0; i < cur.length; i++) cur[i] += g[i];
        }
    }

    private List<Tensor> topoOrder() {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        seen.put(this, true);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int k = (Integer) top[1];
            Tensor[] ins = t.node == null ? new Tensor[0] : t.node.inputs;
            if (k < ins.length) {
                top[1] = k + 1;
                Tensor c = ins[k];
                if (c != null && c.requiresGrad && seen.put(c, true) == null) stack.push(new Object[] {c, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /** Result of an op: wraps {@code data} and records {@code backward} when the tape needs it. */
    static Tensor result(float[] data, int[] shape, Node.Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (backward != null && Grad.needed(inputs)) {
            out.requiresGrad = true;
            out.node = new Node(inputs, backward);
        }
        return out;
    }

    /** As {@link #result} for data laid out with the given strides (e.g. attention writing [B,H,N,D] as [B,N,H,D]). */
    static Tensor resultStrided(float[] data, int[] shape, int[] strides, Node.Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(new Storage.Heap(data), shape, strides, 0);
        if (backward != null && Grad.needed(inputs)) {
            out.requiresGrad = true;
            out.node = new Node(inputs, backward);
        }
        return out;
    }

    private Tensor viewResult(int[] newShape, int[] newStrides, int newOffset, Node.Backward backward) {
        Tensor out = new Tensor(storage, newShape, newStrides, newOffset);
        if (Grad.needed(this)) {
            out.requiresGrad = true;
            out.node = new Node(new Tensor[] {this}, backward);
        }
        return out;
    }

    // ---------------------------------------------------------------- views

    /** Same elements in a new shape; one dim may be -1. A view when the layout allows, else a copy. */
    public Tensor reshape(int... newShape) {
        int[] ns = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape " + Arrays.toString(newShape));
                infer = i;
            } else {
                if (ns[i] < 0) throw new IllegalArgumentException("negative size in reshape " + Arrays.toString(newShape));
                known *= ns[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " to " + Arrays.toString(newShape));
            ns[infer] = (int) (numel() / known);
        }
        if (Shapes.numel(ns) != numel()) throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " (" + numel() + " elements) to " + Shapes.str(ns));
        Tensor src = isContiguous() ? this : contiguous();
        return src.viewResult(ns, Shapes.contiguousStrides(ns), src.offset, g -> addGrad(src, g));
    }

    /** Alias of {@link #reshape}. */
    public Tensor view(int... newShape) { return reshape(newShape); }

    /** Collapses dims {@code from..to} (inclusive) into one. */
    public Tensor flatten(int from, int to) {
        int a = Shapes.axis(from, shape.length), b = Shapes.axis(to, shape.length);
        int[] ns = new int[shape.length - (b - a)];
        int k = 0;
        for (int i = 0; i < a; i++) ns[k++] = shape[i];
        int m = 1;
        for (int i = a; i <= b; i++) m *= shape[i];
        ns[k++] = m;
        for (int i = b + 1; i < shape.length; i++) ns[k++] = shape[i];
        return reshape(ns);
    }

    /** Reorders dims: result dim i is this tensor's dim {@code perm[i]}. A view. */
    public Tensor permute(int... perm) {
        if (perm.length != shape.length) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " for rank " + shape.length);
        int[] ns = new int[perm.length], st = new int[perm.length], inv = new int[perm.length];
        boolean[] used = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = Shapes.axis(perm[i], shape.length);
            if (used[p]) throw new IllegalArgumentException("permute repeats dim " + p + ": " + Arrays.toString(perm));
            used[p] = true;
            ns[i] = shape[p];
            st[i] = strides[p];
            inv[p] = i;
        }
        return viewResult(ns, st, offset, g -> addGrad(this, Shapes.gather(new Storage.Heap(g), 0, shape, permutedStrides(ns, inv))));
    }

    private static int[] permutedStrides(int[] outShape, int[] inv) {
        int[] cs = Shapes.contiguousStrides(outShape);
        int[] st = new int[inv.length];
        for (int i = 0; i < inv.length; i++) st[i] = cs[inv[i]];
        return st;
    }

    /** Swaps two dims (a view). */
    public Tensor transpose(int d0, int d1) {
        int[] p = new int[shape.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        int a = Shapes.axis(d0, shape.length), b = Shapes.axis(d1, shape.length);
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** Swaps the last two dims (a view): {@code x.matmul(w.t())} reads w in place. */
    public Tensor t() {
        if (shape.length < 2) throw new IllegalArgumentException("t() needs rank >= 2, got " + Shapes.str(shape));
        return transpose(-2, -1);
    }

    /** Elements {@code start .. start+length-1} along {@code dim} (a view). */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shapes.axis(dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d])
            throw new IllegalArgumentException("narrow(" + dim + ", " + start + ", " + length + ") out of range for " + Shapes.str(shape));
        int[] ns = shape.clone();
        ns[d] = length;
        int[] inShape = shape;
        return viewResult(ns, strides.clone(), offset + start * strides[d], g -> {
            float[] full = new float[Shapes.numelInt(inShape)];
            scatterNarrow(full, inShape, d, start, g, ns);
            addGrad(this, full);
        });
    }

    /** Python-style slice {@code [start:end]} along dim (end exclusive, negatives from the end). */
    public Tensor slice(int dim, int start, int end) {
        int d = Shapes.axis(dim, shape.length);
        int s = start < 0 ? start + shape[d] : start, e = end < 0 ? end + shape[d] : Math.min(end, shape[d]);
        return narrow(d, s, Math.max(0, e - s));
    }

    /** Index {@code i} along {@code dim}, removing that dim (a view). */
    public Tensor select(int dim, int i) {
        int d = Shapes.axis(dim, shape.length);
        return narrow(d, i, 1).squeeze(d);
    }

    static void scatterNarrow(float[] full, int[] fullShape, int d, int start, float[] part, int[] partShape) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= fullShape[i];
        for (int i = d + 1; i < fullShape.length; i++) inner *= fullShape[i];
        int len = partShape[d], fullLen = fullShape[d];
        for (int o = 0; o < outer; o++)
            System.arraycopy(part, o * len * inner, full, (o * fullLen + start) * inner, len * inner);
    }

    /** Broadcasts size-1 dims (and new leading dims) to {@code target} without copying (stride 0). */
    public Tensor expand(int... target) {
        if (target.length < shape.length) throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to " + Arrays.toString(target));
        int lead = target.length - shape.length;
        int[] ns = target.clone(), st = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            if (i < lead) {
                st[i] = 0;
                continue;
            }
            int s = shape[i - lead];
            if (ns[i] == -1) ns[i] = s;
            if (s == ns[i]) st[i] = strides[i - lead];
            else if (s == 1) st[i] = 0;
            else throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to " + Arrays.toString(target));
        }
        int[] inShape = shape;
        return viewResult(ns, st, offset, g -> addGrad(this, Shapes.sumTo(g, ns, inShape)));
    }

    /** Inserts a size-1 dim at {@code dim} (a view). */
    public Tensor unsqueeze(int dim) {
        int d = dim < 0 ? dim + shape.length + 1 : dim;
        if (d < 0 || d > shape.length) throw new IllegalArgumentException("unsqueeze(" + dim + ") for rank " + shape.length);
        int[] ns = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == d) {
                ns[i] = 1;
                st[i] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                ns[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return viewResult(ns, st, offset, g -> addGrad(this, g));
    }

    /** Removes size-1 dim {@code dim} (a view). */
    public Tensor squeeze(int dim) {
        int d = Shapes.axis(dim, shape.length);
        if (shape[d] != 1) throw new IllegalArgumentException("squeeze(" + dim + ") on size " + shape[d] + " in " + Shapes.str(shape));
        int[] ns = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == d) continue;
            ns[j] = shape[i];
            st[j++] = strides[i];
        }
        return viewResult(ns, st, offset, g -> addGrad(this, g));
    }

    /** This tensor if already contiguous fp32 on the heap, else a contiguous fp32 copy (on the tape). */
    public Tensor contiguous() {
        if (isContiguous() && storage.heapArray() != null) return this;
        float[] d = Shapes.gather(storage, offset, shape, strides);
        return result(d, shape.clone(), g -> addGrad(this, g), this);
    }

    // ---------------------------------------------------------------- ops (see F for the rest)

    public Tensor add(Tensor o) { return Pointwise.binary(Pointwise.ADD, this, o); }

    public Tensor sub(Tensor o) { return Pointwise.binary(Pointwise.SUB, this, o); }

    public Tensor mul(Tensor o) { return Pointwise.binary(Pointwise.MUL, this, o); }

    public Tensor div(Tensor o) { return Pointwise.binary(Pointwise.DIV, this, o); }

    public Tensor add(float c) { return Pointwise.affine(this, 1f, c); }

    public Tensor sub(float c) { return Pointwise.affine(this, 1f, -c); }

    public Tensor mul(float c) { return Pointwise.affine(this, c, 0f); }

    public Tensor div(float c) { return Pointwise.affine(this, 1f / c, 0f); }

    public Tensor neg() { return Pointwise.affine(this, -1f, 0f); }

    public Tensor exp() { return Pointwise.unary(Pointwise.EXP, this); }

    public Tensor log() { return Pointwise.unary(Pointwise.LOG, this); }

    public Tensor sqrt() { return Pointwise.unary(Pointwise.SQRT, this); }

    public Tensor square() { return Pointwise.unary(Pointwise.SQUARE, this); }

    public Tensor abs() { return Pointwise.unary(Pointwise.ABS, this); }

    public Tensor tanh() { return Pointwise.unary(Pointwise.TANH, this); }

    public Tensor sigmoid() { return Pointwise.unary(Pointwise.SIGMOID, this); }

    public Tensor relu() { return Pointwise.unary(Pointwise.RELU, this); }

    public Tensor pow(float p) { return Pointwise.pow(this, p); }

    /** Matrix product over the last two dims with broadcast batch dims: [..., M, K] · [..., K, N] → [..., M, N]. */
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }

    /** Sum of all elements (a scalar). */
    public Tensor sum() { return Reduce.sumAll(this); }

    public Tensor mean() { return Reduce.sumAll(this).mul(1f / Math.max(1, numel())); }

    public Tensor sum(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim); }

    public Tensor mean(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim).mul(1f / shape[Shapes.axis(dim, shape.length)]); }

    /** Maximum along dim; the gradient goes to the first maximal element. */
    public Tensor max(int dim, boolean keepDim) { return Reduce.max(this, dim, keepDim); }

    public Tensor softmax(int dim) { return Reduce.softmax(this, dim, false); }
}
