package dev.tessera.train;

import static dev.tessera.engine.Rng.mix;

import dev.tessera.model.data.Bucket;
import dev.tessera.world.Dataset;
import dev.tessera.world.HeldOut;
import dev.tessera.world.Sample;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.Split;
import dev.tessera.world.Vocab;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The world simulator's deterministic dataset stream (docs/world.md): clip {@code index} of a run is world sample
 * {@code index + offset(seed)} of the TRAIN split, rendered at the bucket's size, frame count and the run's fps, with
 * its English and Chinese captions. The world redraws scenes that match a held-out combination, so those never reach
 * training. One {@link Dataset} per bucket (it is only a config); rendering happens on the producer threads.
 *
 * <p>With a focus share {@code f > 0} ({@code train --focus f}), a share f of the clips (chosen by a hash of the
 * clip index) are focus scenes instead ({@link #focus}): the first of a hashed stream of candidates from the other
 * half of the split whose scene, resolved without rendering, passes the test. The world's stream holds few of them
 * (a relation between two things in ~4% of scenes with at most three things), so a focus share is how a run puts
 * left/right, front/behind and direction of travel in a large part of its loss.
 */
public final class WorldSource implements ClipSource {
    private final long offset;
    private final int fps;
    private final int antialias;
    private final double focus;
    private final long hashSeed;
    private final Map<Bucket, Dataset> datasets = new ConcurrentHashMap<>();

    private WorldSource(long seed, int fps, int antialias, double focus) {
        // a different run seed reads a different stretch of the (2^40-sample) TRAIN split
        this.offset = Math.floorMod(seed * 0x9E3779B97F4A7C15L, 1L << 39);
        this.fps = fps;
        this.antialias = antialias;
        if (!(focus >= 0 && focus <= 1)) throw new IllegalArgumentException("focus share must be in [0, 1], got " + focus);
        this.focus = focus;
        this.hashSeed = mix(seed ^ 0x5DEECE66DL);
    }

    public static WorldSource create(long seed, int fps) { return new WorldSource(seed, fps, 2, 0); }

    /** The world stream with a share {@code focus} of focus scenes (see the class comment). */
    public static WorldSource create(long seed, int fps, double focus) { return new WorldSource(seed, fps, 2, focus); }

    /** What a focus clip must show: a spatial relation between two things, or a thing travelling left or right. */
    public enum Focus {
        RELATION, TRAVEL;

        /** Whether {@code s} is a focus scene of this kind: at most three things, and the relation or the travel. */
        public boolean test(SceneSpec s) {
            if (s.things().size() > 3) return false;
            return switch (this) {
                case RELATION -> !s.relations().isEmpty();
                case TRAVEL -> s.things().stream().anyMatch(t -> t.direction() == Vocab.Direction.LEFT_TO_RIGHT
                        || t.direction() == Vocab.Direction.RIGHT_TO_LEFT);
            };
        }
    }

    /** Candidates a focus clip tries before it settles for the last one (at ~4% a miss is below 10^-9). */
    static final int FOCUS_TRIES = 512;

    /** The focus kind of clip {@code index}, or null for a clip of the plain stream. */
    public Focus focus(long index) {
        if (focus == 0) return null;
        long h = mix(hashSeed + index);
        double u = (h >>> 11) * 0x1.0p-53;
        if (u >= focus) return null;
        return (h & 1) == 0 ? Focus.RELATION : Focus.TRAVEL;
    }

    /** The split index behind clip {@code index}: the plain stream's, or the first candidate passing its focus. */
    long splitIndex(long index, Bucket bucket) {
        Focus f = focus(index);
        if (f == null) return offset + index;
        Dataset d = dataset(bucket);
        long candidate = 0;
        for (int j = 0; j < FOCUS_TRIES; j++) {
            // candidates come from the split's upper half, which no run's plain stream reaches (offset < 2^39)
            candidate = (1L << 39) + Math.floorMod(mix(hashSeed ^ mix(index * FOCUS_TRIES + j)), 1L << 39);
            if (f.test(d.scene(candidate, Split.TRAIN))) break;
        }
        return candidate;
    }

    private Dataset dataset(Bucket b) {
        return datasets.computeIfAbsent(b, k -> new Dataset(new Dataset.Config(k.width(), k.height(), fps, k.frames(), antialias, HeldOut.DEFAULTS)));
    }

    /** The world sample behind clip {@code index} (for tests and tools that need its truth). */
    public Sample sample(long index, Bucket bucket) {
        // a producer asks for a new clip's frames and then its object cover: keep the thread's last sample
        Last l = last.get();
        if (l != null && l.index == index && l.bucket.equals(bucket)) return l.sample;
        Sample s = dataset(bucket).sample(splitIndex(index, bucket), Split.TRAIN);
        last.set(new Last(index, bucket, s));
        return s;
    }

    private record Last(long index, Bucket bucket, Sample sample) {}
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

    @Override public String describe() {
        return "world (TRAIN split from sample " + offset + ", " + fps + " fps, held-out combinations excluded"
                + (focus > 0 ? ", " + Math.round(focus * 100) + "% focus scenes" : "") + ")";
    }
}
