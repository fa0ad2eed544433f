package dev.tessera.engine;

/**
 * Counter-based random numbers: value number {@code i} of a generator is a pure hash of (seed, i) — SplitMix64's
 * finaliser applied twice around the seed key — so a tensor filled in parallel, in any order, on any number of
 * threads gets the same bytes. A generator is a value you pass in (no global RNG); it keeps only a counter of how
 * many values it has handed out.
 */
public final class Rng {
    private final long seed;
    private final long key;
    private long counter;

    public Rng(long seed) {
        this.seed = seed;
        this.key = mix(seed ^ 0x5DEECE66DL);
    }

    public long seed() { return seed; }

    /** How many values have been drawn (save it with the seed to resume a stream exactly). */
    public long position() { return counter; }

    public void seek(long position) { counter = position; }

    /** An independent generator for a named purpose ("init", "dropout", ...); does not advance this one. */
    public Rng fork(String purpose) { return new Rng(mix(key ^ purpose.hashCode() * 0x9E3779B97F4A7C15L) ^ seed); }

    /** An independent generator numbered {@code stream} (e.g. one per training step). */
    public Rng fork(long stream) { return new Rng(mix(key + mix(stream + 0x632BE59BD9B4E019L))); }

    /** SplitMix64's finaliser: a bijective 64-bit hash (for tools that key random choices by an index). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The 64 random bits at absolute index {@code i} of this stream. */
    public long bitsAt(long i) { return mix(mix(i ^ key) + key); }

    public long nextLong() { return bitsAt(counter++); }

    /** Uniform in [0, 1) with 24 bits (exactly representable as float). */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    public double nextGaussian() { return gaussian(bitsAt(counter++)); }

    private static double gaussian(long bits) {
        double u1 = ((bits >>> 32) + 1) * 0x1.0p-32; // (0, 1]: log is finite
        double u2 = (bits & 0xffffffffL) * 0x1.0p-32;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    public void fillUniform(float[] d, float lo, float hi) {
        long base = counter;
        counter += d.length;
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * ((bitsAt(base + i) >>> 40) * 0x1.0p-24f);
    }

    public void fillNormal(float[] d, float mean, float std) {
        long base = counter;
        counter += d.length;
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * gaussian(bitsAt(base + i)));
    }
}
