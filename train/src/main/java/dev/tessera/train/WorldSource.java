package dev.tessera.train;

import dev.tessera.model.data.Bucket;

/** The world simulator's deterministic dataset stream (issue 3's dataset API). */
public final class WorldSource implements ClipSource {
    private WorldSource() {}

    public static ClipSource create(long seed, int fps) {
        throw new IllegalArgumentException("--data world: the world simulator's dataset stream is not in this build yet; use --data DIR");
    }

    @Override public Clip clip(long index, Bucket bucket, double u) { throw new UnsupportedOperationException(); }

    @Override public String describe() { return "world"; }
}
