package dev.tessera.train;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Background producers: micro-batches {@code start, start+1, …} are built by {@code producers} threads and handed
 * out strictly in order. A dispatcher submits batch m to the pool and puts its future into a bounded queue, so at
 * most {@code capacity} batches are built ahead and the consumer always receives them in number order, whichever
 * thread finished first. (The contents of batch m do not depend on the thread either: see {@link BatchPlan}.)
 */
public final class BatchLoader implements AutoCloseable {
    private final ExecutorService workers;
    private final BlockingQueue<Future<Batch>> queue;
    private final Thread dispatcher;

    public BatchLoader(BatchPlan plan, long start, int producers, int capacity) {
        if (producers < 1 || capacity < 1) throw new IllegalArgumentException("need >= 1 producer and capacity");
        AtomicInteger id = new AtomicInteger();
        workers = Executors.newFixedThreadPool(producers, r -> {
            Thread t = new Thread(r, "tessera-data-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        queue = new ArrayBlockingQueue<>(capacity);
        dispatcher = new Thread(() -> {
            try {
                for (long m = start; !Thread.currentThread().isInterrupted(); m++) {
                    final long micro = m;
                    queue.put(workers.submit(() -> plan.build(micro)));
                }
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
        }, "tessera-data-dispatch");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** The next micro-batch in order; rethrows a producer's failure with its message. */
    public Batch next() throws InterruptedException {
        Future<Batch> f = queue.take();
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException("data producer failed: " + c, c);
        }
    }

    @Override public void close() {
        dispatcher.interrupt();
        workers.shutdownNow();
        queue.clear();
    }
}
