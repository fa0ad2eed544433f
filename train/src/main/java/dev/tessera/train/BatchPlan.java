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

    public Batch build(long m) {
        Bucket bucket = bucket(m);
        Rng rng = root.fork(m).fork("items");
        int plane = bucket.frames() * bucket.height() * bucket.width(), per = 3 * plane;
        float[] px = new float[batch * per];
        String[] captions = new String[batch];
        for (int i = 0; i < batch; i++) {
            double u = rng.nextFloat();
            boolean zh = rng.nextFloat() < zhFraction;
            Clip c = source.clip(m * batch + i, bucket, u);
            if (c.frames().size() != bucket.frames() || c.width() != bucket.width() || c.height() != bucket.height())
                throw new IllegalStateException(source.describe() + " gave a " + c.frames().size() + "f " + c.width() + "x"
                        + c.height() + " clip for bucket " + bucket);
            float[] one = VideoTensors.toTensor(c.frames(), c.width(), c.height()).data();
            System.arraycopy(one, 0, px, i * per, per);
            captions[i] = c.caption(zh);
        }
        Tensor pixels = Tensor.of(px, batch, 3, bucket.frames(), bucket.height(), bucket.width());
        Tensor latents = null;
        if (encoder != null) {
            try (var g = Grad.off()) {
                latents = encoder.apply(pixels);
            }
        }
        return new Batch(m, bucket, pixels, captions, latents);
    }
}
