package dev.tessera.train;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.VideoShape;
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
    private final java.util.Map<Object, LatentStore.Entry> latentCache;
    private final LatentStore store;
    private final boolean objects;
    private final java.util.Map<Object, float[]> coverCache;
    private final int timeDown;

    /**
     * @param encoder pixels → latents for DiT runs (called on the producer thread, without a tape), or null
     */
    public BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder) {
        this(source, buckets, batch, zhFraction, seed, encoder, 0, 256, null, false);
    }

    /** With a ×4 VAE. */
    BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder,
              long clips, int cacheSize, LatentStore store, boolean objects) {
        this(source, buckets, batch, zhFraction, seed, encoder, clips, cacheSize, store, objects, dev.tessera.model.VideoShape.TIME_DOWN);
    }

    /**
     * @param clips      0: clip indices grow without end; N: they wrap modulo N (a fixed set of N clips)
     * @param cacheSize  encoded latents kept in memory, least recently used dropped first
     * @param store      encoded latents on disk, behind the memory cache (the run's {@link LatentStore}), or null
     * @param objects    also give each batch its clips' object cover ({@link ClipSource#objectCover}) on the latent grid:
     *                   DiT runs keep it beside the latents (memory and store) so a cached clip is not rendered again for
     *                   it; pixel batches (decoder fine-tunes) take it from the source with each clip
     * @param timeDown   the VAE's time compression: the latent frames the cover is pooled onto
     */
    BatchPlan(ClipSource source, Buckets buckets, int batch, double zhFraction, long seed, UnaryOperator<Tensor> encoder,
              long clips, int cacheSize, LatentStore store, boolean objects, int timeDown) {
        this.clips = clips;
        this.timeDown = timeDown;
        this.store = store;
        this.objects = objects;
        this.coverCache = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(java.util.Map.Entry<Object, float[]> e) { return size() > cacheSize; }
        });
        this.latentCache = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(java.util.Map.Entry<Object, LatentStore.Entry> e) { return size() > cacheSize; }
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

    /**
     * Micro-batch {@code m}. For DiT runs (an encoder) the batch carries latents and no pixels, and a clip whose
     * latent is cached (in memory or in the store) is neither rendered nor encoded again: its captions come with
     * the latent. Cached or not, the batch is the same.
     */
    public Batch build(long m) {
        Bucket bucket = bucket(m);
        Rng rng = root.fork(m).fork("items");
        int plane = bucket.frames() * bucket.height() * bucket.width(), per = 3 * plane;
        float[] px = encoder == null ? new float[batch * per] : null;
        String[] captions = new String[batch];
        float[][] lat = new float[batch][], cover = objects ? new float[batch][] : null;
        int[] latShape = null;
        for (int i = 0; i < batch; i++) {
            double u = rng.nextFloat();
            boolean zh = rng.nextFloat() < zhFraction;
            long index = clips > 0 ? Math.floorMod(group(m) * batch + i, clips) : m * batch + i;
            Object key = encoder == null ? null : source.key(index, bucket, u);
            LatentStore.Entry e = key == null ? null : cached(key, bucket);
            if (e == null) {
                Clip c = source.clip(index, bucket, u);
                if (c.frames().size() != bucket.frames() || c.width() != bucket.width() || c.height() != bucket.height())
                    throw new IllegalStateException(source.describe() + " gave a " + c.frames().size() + "f " + c.width() + "x"
                            + c.height() + " clip for bucket " + bucket);
                float[] one = VideoTensors.toTensor(c.frames(), c.width(), c.height()).data();
                if (encoder == null) {
                    System.arraycopy(one, 0, px, i * per, per);
                    captions[i] = c.caption(zh);
                    if (objects) cover[i] = sourceCover(index, bucket, u);
                    continue;
                }
                Tensor z;
                try (var g = Grad.off()) {
                    z = encoder.apply(Tensor.of(one, 1, 3, bucket.frames(), bucket.height(), bucket.width())).copy();
                }
                e = new LatentStore.Entry(z, c.captionEn(), c.captionZh());
                if (key != null) remember(key, bucket, e);
            }
            captions[i] = Clip.caption(e.captionEn(), e.captionZh(), zh);
            lat[i] = e.latent().data();
            latShape = e.latent().shape();
            if (objects) cover[i] = cover(key, index, bucket, u);
        }
        Tensor objectCover = objects ? stackCover(cover, bucket.shape(timeDown)) : null;
        if (encoder == null)
            return new Batch(m, bucket, Tensor.of(px, batch, 3, bucket.frames(), bucket.height(), bucket.width()), captions, null, objectCover);
        int n = lat[0].length;
        float[] all = new float[batch * n];
        for (int i = 0; i < batch; i++) System.arraycopy(lat[i], 0, all, i * n, n);
        int[] shape = latShape.clone();
        shape[0] = batch;
        if (objects && (shape[2] != objectCover.size(2) || shape[3] != objectCover.size(3) || shape[4] != objectCover.size(4)))
            throw new IllegalStateException("object cover " + java.util.Arrays.toString(objectCover.shape()) + " for latents " + java.util.Arrays.toString(shape));
        return new Batch(m, bucket, null, captions, Tensor.of(all, shape), objectCover);
    }

    /** Clip {@code index}'s object cover: from memory, the store (under the latent's key + "|objects"), or the source. */
    private float[] cover(Object key, long index, Bucket bucket, double u) {
        Object k = key == null ? null : java.util.List.of(key, bucket);
        float[] c = k == null ? null : coverCache.get(k);
        if (c != null) return c;
        try {
            LatentStore.Entry e = store == null || key == null ? null : store.get(storeKey(key, bucket) + "|objects");
            if (e != null) c = e.latent().data();
            else {
                c = sourceCover(index, bucket, u);
                if (store != null && key != null) store.put(storeKey(key, bucket) + "|objects", new LatentStore.Entry(Tensor.of(c, c.length), "", ""));
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        if (k != null) coverCache.put(k, c);
        return c;
    }

    /** The items' covers as one tensor [B, 1, f, h, w] on the latent grid of shape {@code v}. */
    private static Tensor stackCover(float[][] cover, VideoShape v) {
        int f = v.latentFrames(), h = v.latentHeight(), w = v.latentWidth(), cells = f * h * w;
        float[] cv = new float[cover.length * cells];
        for (int i = 0; i < cover.length; i++) {
            if (cover[i].length != cells)
                throw new IllegalStateException("object cover of " + cover[i].length + " cells for a " + v + " clip (" + cells + " latent cells)");
            System.arraycopy(cover[i], 0, cv, i * cells, cells);
        }
        return Tensor.of(cv, cover.length, 1, f, h, w);
    }

    private float[] sourceCover(long index, Bucket bucket, double u) {
        float[] c = source.objectCover(index, bucket, u);
        if (c == null) throw new IllegalStateException(source.describe() + " has no object ground truth (--object-weight needs --data world)");
        return ObjectCover.pool(c, bucket, timeDown);
    }

    private LatentStore.Entry cached(Object key, Bucket bucket) {
        Object k = java.util.List.of(key, bucket);
        LatentStore.Entry e = latentCache.get(k);
        if (e != null || store == null) return e;
        try {
            e = store.get(storeKey(key, bucket));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        if (e != null) latentCache.put(k, e);
        return e;
    }

    private void remember(Object key, Bucket bucket, LatentStore.Entry e) {
        latentCache.put(java.util.List.of(key, bucket), e);
        if (store == null) return;
        try {
            store.put(storeKey(key, bucket), e);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String storeKey(Object key, Bucket b) {
        return key + "|" + b.frames() + "x" + b.height() + "x" + b.width();
    }
}
