package dev.tessera.train;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.VideoTensors;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.data.Buckets;
import java.util.function.UnaryOperator;

/**
 * What micro-batch number {@code m} contains, as a pure function of (seed, m): its bucket (a weighted draw among
 * the buckets the source can fill), clip indices {@code m·B … m·B+B−1}, each clip's caption language, and the
 * source's own draws. This is what makes the data order independent of how many producer threads build it, and makes
 * the data cursor of a checkpoint just the step number.
 */
public final class BatchPlan {
    private final ClipSource source;
    private final Buckets buckets;
    private final int batch;
    private final double zhFraction;
    private final Rng root;
    private final UnaryOperator<Tensor> encoder;
    private final java.util.Map<Object, float[]> latentCache = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override protected boolean removeEldestEntry(java.util.Map.Entry<Object, float[]> e) { return size() > 256; }
            });

    /**
     * @param encoder pixels → latents for DiT runs (called on the producer thread, without a tape), or null
     */
    public BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder) {
        this.source = source;
        this.buckets = buckets;
        this.batch = batch;
        this.zhFraction = zhFraction;
        this.root = new Rng(seed).fork("data");
        this.encoder = encoder;
        boolean any = false;
        for (Bucket b : buckets.buckets()) any |= source.fits(b);
        if (!any) throw new IllegalArgumentException("no bucket (" + buckets.buckets() + ") can be filled from " + source.describe());
    }

    /** The bucket of micro-batch {@code m}: weighted draws until one the source can fill (a bounded number). */
    public Bucket bucket(long m) {
        Rng rng = root.fork(m);
        for (int tries = 0; tries < 1000; tries++) {
            Bucket b = buckets.pick(rng.nextFloat());
            if (source.fits(b)) return b;
        }
        for (Bucket b : buckets.buckets()) if (source.fits(b)) return b;
        throw new IllegalStateException("no bucket fits");
    }

    private final java.util.Map<Bucket, int[]> shapes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The encoder's output shape for one clip of this bucket (remembered from the first encoding). */
    private int[] latentShape(Bucket b) {
        int[] s = shapes.get(b);
        if (s != null) return s;
        try (var g = Grad.off()) {
            s = encoder.apply(Tensor.zeros(1, 3, b.frames(), b.height(), b.width())).shape();
        }
        shapes.put(b, s);
        return s;
    }

    public Batch build(long m) {
        Bucket bucket = bucket(m);
        Rng rng = root.fork(m).fork("items");
        int plane = bucket.frames() * bucket.height() * bucket.width(), per = 3 * plane;
        float[] px = new float[batch * per];
        String[] captions = new String[batch];
        float[][] lat = new float[batch][];
        int[] latShape = null;
        for (int i = 0; i < batch; i++) {
            double u = rng.nextFloat();
            boolean zh = rng.nextFloat() < zhFraction;
            Clip c = source.clip(m * batch + i, bucket, u);
            Object key = encoder == null ? null : source.key(m * batch + i, bucket, u);
            if (c.frames().size() != bucket.frames() || c.width() != bucket.width() || c.height() != bucket.height())
                throw new IllegalStateException(source.describe() + " gave a " + c.frames().size() + "f " + c.width() + "x"
                        + c.height() + " clip for bucket " + bucket);
            float[] one = VideoTensors.toTensor(c.frames(), c.width(), c.height()).data();
            System.arraycopy(one, 0, px, i * per, per);
            captions[i] = c.caption(zh);
            if (encoder != null) {
                float[] z = key == null ? null : latentCache.get(java.util.List.of(key, bucket));
                if (z == null) {
                    try (var g = Grad.off()) {
                        Tensor t = encoder.apply(Tensor.of(java.util.Arrays.copyOfRange(px, i * per, (i + 1) * per),
                                1, 3, bucket.frames(), bucket.height(), bucket.width()));
                        z = t.toArray();
                        latShape = t.shape();
                    }
                    if (key != null) latentCache.put(java.util.List.of(key, bucket), z);
                }
                lat[i] = z;
            }
        }
        Tensor pixels = Tensor.of(px, batch, 3, bucket.frames(), bucket.height(), bucket.width());
        Tensor latents = null;
        if (encoder != null) {
            if (latShape == null) latShape = latentShape(bucket);
            int n = lat[0].length;
            float[] all = new float[batch * n];
            for (int i = 0; i < batch; i++) System.arraycopy(lat[i], 0, all, i * n, n);
            int[] shape = latShape.clone();
            shape[0] = batch;
            latents = Tensor.of(all, shape);
        }
        return new Batch(m, bucket, pixels, captions, latents);
    }
}
