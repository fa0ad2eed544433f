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
 * source's own draws. With a fixed set of N clips the micro-batches repeat in groups: group {@code g = m mod ⌈N/B⌉}
 * holds clips {@code g·B … g·B+B−1} (mod N) and draws its bucket from g, not m, so a clip keeps its size and
 * duration in every epoch (when N is a multiple of B) and its latent is encoded once, not once per bucket. This is what makes the data order independent of how many producer threads build it, and makes
 * the data cursor of a checkpoint just the step number.
 */
public final class BatchPlan {
    private final ClipSource source;
    private final Buckets buckets;
    private final int batch;
    private final double zhFraction;
    private final Rng root;
    private final UnaryOperator<Tensor> encoder;
    private final long clips;
    private final java.util.Map<Object, Tensor> latentCache;

    /**
     * @param encoder pixels → latents for DiT runs (called on the producer thread, without a tape), or null
     */
    public BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder) {
        this(source, buckets, batch, zhFraction, seed, encoder, 0, 256);
    }

    /**
     * @param clips      0: clip indices grow without end; N: they wrap modulo N (a fixed set of N clips)
     * @param cacheSize  encoded latents kept, least recently used dropped first
     */
    public BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder,
                     long clips, int cacheSize) {
        this.clips = clips;
        this.latentCache = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(java.util.Map.Entry<Object, Tensor> e) { return size() > cacheSize; }
        });
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

    /** Micro-batch m's group: m itself for an endless stream, m mod ⌈N/B⌉ for a fixed set of N clips. */
    private long group(long m) {
        return clips > 0 ? Math.floorMod(m, (clips + batch - 1) / batch) : m;
    }

    /** The bucket of micro-batch {@code m}: weighted draws until one the source can fill (a bounded number). */
    public Bucket bucket(long m) {
        Rng rng = root.fork(group(m));
        for (int tries = 0; tries < 1000; tries++) {
            Bucket b = buckets.pick(rng.nextFloat());
            if (source.fits(b)) return b;
        }
        for (Bucket b : buckets.buckets()) if (source.fits(b)) return b;
        throw new IllegalStateException("no bucket fits");
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
            long index = clips > 0 ? Math.floorMod(group(m) * batch + i, clips) : m * batch + i;
            Clip c = source.clip(index, bucket, u);
            Object key = encoder == null ? null : source.key(index, bucket, u);
            if (c.frames().size() != bucket.frames() || c.width() != bucket.width() || c.height() != bucket.height())
                throw new IllegalStateException(source.describe() + " gave a " + c.frames().size() + "f " + c.width() + "x"
                        + c.height() + " clip for bucket " + bucket);
            float[] one = VideoTensors.toTensor(c.frames(), c.width(), c.height()).data();
            System.arraycopy(one, 0, px, i * per, per);
            captions[i] = c.caption(zh);
            if (encoder != null) {
                Tensor z = key == null ? null : latentCache.get(java.util.List.of(key, bucket));
                if (z == null) {
                    try (var g = Grad.off()) {
                        z = encoder.apply(Tensor.of(java.util.Arrays.copyOfRange(px, i * per, (i + 1) * per),
                                1, 3, bucket.frames(), bucket.height(), bucket.width())).copy();
                    }
                    if (key != null) latentCache.put(java.util.List.of(key, bucket), z);
                }
                lat[i] = z.data();
                latShape = z.shape();
            }
        }
        Tensor pixels = Tensor.of(px, batch, 3, bucket.frames(), bucket.height(), bucket.width());
        Tensor latents = null;
        if (encoder != null) {
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
