package dev.tessera.engine.kernels;

import static dev.tessera.engine.kernels.KernelTestSupport.withThreads;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void staticChunksCoverTheRangeOnceWithBoundsThatDependOnlyOnCount() {
        withThreads(3, () -> {
            int n = 10;
            int[] hits = new int[n];
            ConcurrentHashMap<Integer, String> chunks = new ConcurrentHashMap<>();
            Parallel.forRange(n, (c, s, e) -> {
                chunks.put(c, s + ".." + e);
                for (int i = s; i < e; i++) hits[i]++;
            });
            for (int h : hits) assertEquals(1, h);
            assertEquals("0..3", chunks.get(0));
            assertEquals("3..6", chunks.get(1));
            assertEquals("6..10", chunks.get(2));
        });
    }

    @Test
    void nestedCallsRunInlineAndFailuresPropagate() {
        withThreads(4, () -> {
            AtomicInteger inner = new AtomicInteger();
            Parallel.forRange(4, (c, s, e) -> {
                assertTrue(Parallel.inTask());
                String outer = Thread.currentThread().getName();
                Parallel.forRange(8, (c2, s2, e2) -> {
                    assertEquals(outer, Thread.currentThread().getName(), "nested call left its thread");
                    inner.addAndGet(e2 - s2);
                });
            });
            assertEquals(32, inner.get());
            assertFalse(Parallel.inTask());
            IllegalStateException ex = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, (c, s, e) -> {
                if (c == 2) throw new IllegalStateException("chunk 2 failed");
            }));
            assertEquals("chunk 2 failed", ex.getMessage());
        });
    }

    @Test
    void rejectsBadThreadCounts() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
