package dev.tessera.train;

import dev.tessera.model.data.Bucket;
import dev.tessera.world.Dataset;
import dev.tessera.world.HeldOut;
import dev.tessera.world.Sample;
import dev.tessera.world.Split;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The world simulator's deterministic dataset stream (docs/world.md): clip {@code index} of a run is world sample
 * {@code index + offset(seed)} of the TRAIN split, rendered at the bucket's size, frame count and the run's fps, with
 * its English and Chinese captions. The world redraws scenes that match a held-out combination, so those never reach
 * training. One {@link Dataset} per bucket (it is only a config); rendering happens on the producer threads.
 */
public final class WorldSource implements ClipSource {
    private final long offset;
    private final int fps;
    private final int antialias;
    private final Map<Bucket, Dataset> datasets = new ConcurrentHashMap<>();

    private WorldSource(long seed, int fps, int antialias) {
        // a different run seed reads a different stretch of the (2^40-sample) TRAIN split
        this.offset = Math.floorMod(seed * 0x9E3779B97F4A7C15L, 1L << 39);
        this.fps = fps;
        this.antialias = antialias;
    }

    public static WorldSource create(long seed, int fps) { return new WorldSource(seed, fps, 2); }

    private Dataset dataset(Bucket b) {
        return datasets.computeIfAbsent(b, k -> new Dataset(new Dataset.Config(k.width(), k.height(), fps, k.frames(), antialias, HeldOut.DEFAULTS)));
    }

    /** The world sample behind clip {@code index} (for tests and tools that need its truth). */
    public Sample sample(long index, Bucket bucket) {
        // a producer asks for a new clip's frames and then its object cover: keep the thread's last sample
        Last l = last.get();
        if (l != null && l.sample.index() == offset + index && l.bucket.equals(bucket)) return l.sample;
        Sample s = dataset(bucket).sample(offset + index, Split.TRAIN);
        last.set(new Last(bucket, s));
        return s;
    }

    private record Last(Bucket bucket, Sample sample) {}
    private final ThreadLocal<Last> last = new ThreadLocal<>();

    @Override public Clip clip(long index, Bucket bucket, double u) {
        Sample s = sample(index, bucket);
        return new Clip(s.clip().frames(), bucket.width(), bucket.height(), s.captionEn(), s.captionZh());
    }

    @Override public float[] objectCover(long index, Bucket bucket, double u) {
        return ObjectCover.of(sample(index, bucket).truth(), bucket);
    }

    /** A world clip is a function of (index, bucket) alone, so its latent can be kept and reused. */
    @Override public Object key(long index, Bucket bucket, double u) { return index; }

    @Override public String describe() { return "world (TRAIN split from sample " + offset + ", " + fps + " fps, held-out combinations excluded)"; }
}
