package dev.tessera.engine.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread pool that owns all of Tessera's parallelism.
 *
 * <p>Work is always partitioned <em>statically</em>: {@link #forRange} cuts {@code [0, n)} into
 * {@code min(threads, n)} contiguous chunks whose bounds depend only on {@code n} and the thread count, and each chunk
 * writes its own outputs. No kernel reduces across chunks in completion order, so a result depends at most on the
 * thread count, never on scheduling (most kernels here are even independent of the thread count; the ones that are
 * not say so).
 *
 * <p>The thread count defaults to the number of available processors; {@code -Dtessera.threads=N} or the environment
 * variable {@code TESSERA_THREADS} override it, and {@link #setThreads} changes it at run time (tests, benchmarks).
 * Calls made from inside a pool task run inline on the calling thread (no nested parallelism, no deadlock).
 */
public final class Parallel {
    private Parallel() {}

    /** A body over a half-open index range {@code [start, end)}; {@code chunk} is the chunk's index. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int chunk, int start, int end);
    }

    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static volatile int threads = defaultThreads();
    private static ExecutorService pool;
    private static int poolSize;

    private static int defaultThreads() {
        String s = System.getProperty("tessera.threads");
        if (s == null || s.isBlank()) s = System.getenv("TESSERA_THREADS");
        int cores = Runtime.getRuntime().availableProcessors();
        if (s == null || s.isBlank()) return cores;
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 1) throw new IllegalArgumentException("tessera.threads must be >= 1, got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tessera.threads is not an integer: '" + s + "'");
        }
    }

    /** The number of threads kernels may use (the caller counts as one). */
    public static int threads() {
        return threads;
    }

    /** Sets the thread count used by all kernels from now on; {@code n >= 1}. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        threads = n;
    }

    /** True when the current thread is already running a pool task (nested calls run inline). */
    public static boolean inTask() {
        return IN_TASK.get();
    }

    /** Static chunk bounds: chunk {@code c} of {@code parts} over {@code [0, n)} starts at {@code c*n/parts}. */
    public static int chunkStart(int c, int parts, int n) {
        return (int) ((long) c * n / parts);
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into {@code min(threads(), n)} static contiguous chunks, the caller
     * running chunk 0. Returns when all chunks are done; rethrows the first failure.
     */
    public static void forRange(int n, RangeBody body) {
        forRange(n, threads(), body);
    }

    /** As {@link #forRange(int, RangeBody)} with an explicit upper bound on the number of chunks. */
    public static void forRange(int n, int maxChunks, RangeBody body) {
        if (n <= 0) return;
        int parts = Math.max(1, Math.min(Math.min(maxChunks, threads()), n));
        if (parts == 1 || IN_TASK.get()) {
            body.run(0, 0, n);
            return;
        }
        ExecutorService ex = pool(parts - 1);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int c = 1; c < parts; c++) {
            final int chunk = c, s = chunkStart(c, parts, n), e = chunkStart(c + 1, parts, n);
            futures[c - 1] = ex.submit(() -> {
                IN_TASK.set(Boolean.TRUE);
                try {
                    body.run(chunk, s, e);
                } finally {
                    IN_TASK.set(Boolean.FALSE);
                }
            });
        }
        Throwable failure = null;
        IN_TASK.set(Boolean.TRUE);
        try {
            body.run(0, 0, chunkStart(1, parts, n));
        } catch (Throwable t) {
            failure = t;
        } finally {
            IN_TASK.set(Boolean.FALSE);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** Runs {@code body.accept(i)} for every {@code i} in {@code [0, n)}, statically chunked as {@link #forRange}. */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        forRange(n, (chunk, s, e) -> {
            for (int i = s; i < e; i++) body.accept(i);
        });
    }

    private static synchronized ExecutorService pool(int workers) {
        if (pool == null || poolSize < workers) {
            if (pool != null) pool.shutdown();
            AtomicInteger id = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "tessera-kernel-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(workers, tf);
            poolSize = workers;
        }
        return pool;
    }
}
