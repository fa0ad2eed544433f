package dev.tessera.world;

/**
 * Dataset splits by seed range: sample {@code i} of a split uses seed {@code base + i}, so the ranges never overlap.
 * HELDOUT draws scenes that contain one of the held-out combinations (never seen in TRAIN).
 */
public enum Split {
    TRAIN(0L), VALIDATION(1L << 40), TEST(2L << 40), HELDOUT(3L << 40);

    public final long base;
    public static final long SIZE = 1L << 40;

    Split(long base) { this.base = base; }

    public long seed(long index) {
        if (index < 0 || index >= SIZE) throw new IllegalArgumentException("sample index out of range: " + index);
        return base + index;
    }

    public static Split of(long seed) { return values()[(int) Math.min(3, Math.max(0, seed >> 40))]; }
}
