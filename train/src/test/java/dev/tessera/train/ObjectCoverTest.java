package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Tensor;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.data.Buckets;
import dev.tessera.world.Truth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object cover behind {@code --object-weight}: boxes from the world's truth pooled onto the latent grid. */
class ObjectCoverTest {
    @TempDir Path tmp;

    private static Truth.ObjectState box(boolean visible, int... bbox) {
        return new Truth.ObjectState("t0", null, null, null, bbox, 1, 1, 1, visible, true, "normal");
    }

    @Test
    void boxesArePooledOntoTheLatentGridTakingTheLargestCoverOfEachFrameGroup() {
        Truth t = new Truth();
        t.width = 16;
        t.height = 16;
        List<List<Truth.ObjectState>> frames = List.of(
                List.of(box(true, 0, 0, 8, 4)),                          // frame 0 alone: half of cell (0, 0)
                List.of(box(true, 8, 8, 16, 16)),                        // frames 1-4 are latent frame 1: all of cell (1, 1)
                List.of(box(true, 8, 8, 12, 16)),                        // half of it again: the largest cover stays
                List.of(box(false, 0, 0, 16, 16)),                       // not visible: ignored
                List.of(box(true, -4, 12, 4, 20), box(true, 0, 12, 2, 16)));  // clipped to [0,4)×[12,16), overlap counted once
        for (int f = 0; f < frames.size(); f++) t.frames.add(new Truth.FrameInfo(f, f / 8.0, null, frames.get(f)));
        Bucket five = new Bucket(5, 16, 16);
        // [latent frame][cell y][cell x]: a x4 VAE, frame 0 then frames 1-4
        assertArrayEquals(new float[] {0.5f, 0, 0, 0, 0, 0, 0.25f, 1f}, ObjectCover.of(t, five, 4));
        // every frame its own group (x1), then pooled in pairs (x2: frame 0, frames 1-2, frames 3-4)
        float[] perFrame = ObjectCover.of(t, five);
        assertArrayEquals(new float[] {0.5f, 0, 0, 0, /* 1 */ 0, 0, 0, 1f, /* 2 */ 0, 0, 0, 0.5f, /* 3 */ 0, 0, 0, 0,
                /* 4 */ 0, 0, 0.25f, 0}, perFrame);
        assertArrayEquals(perFrame, ObjectCover.of(t, five, 1));
        assertArrayEquals(new float[] {0.5f, 0, 0, 0, 0, 0, 0, 1f, 0, 0, 0.25f, 0}, ObjectCover.of(t, five, 2));
        assertArrayEquals(ObjectCover.of(t, five, 4), ObjectCover.pool(ObjectCover.of(t, five, 1), five, 4));
        assertThrows(IllegalArgumentException.class, () -> ObjectCover.of(t, new Bucket(9, 16, 16)));
        assertThrows(IllegalArgumentException.class, () -> ObjectCover.pool(perFrame, new Bucket(9, 16, 16), 4));
    }

    @Test
    void pixelWeightsSpreadEachCellOverItsPixelsAndFrames() {
        // one clip of 5 frames, 16x16: latent grid 2 x 2 x 2
        float[] c = {0.5f, 0, 0, 0, /* latent frame 1 */ 0, 0, 0.25f, 1f};
        Tensor w = ObjectCover.pixelWeights(Tensor.of(c, 1, 1, 2, 2, 2), 5, 4.0, 4);
        assertArrayEquals(new int[] {1, 1, 5, 16, 16}, w.shape());
        float[] d = w.data();
        assertEquals(3f, d[0]);                              // frame 0, pixel (0,0): cell (0,0) of latent frame 0
        assertEquals(3f, d[7 * 16 + 7]);                     // still cell (0,0)
        assertEquals(1f, d[8]);                              // cell (0,1)
        for (int f = 1; f < 5; f++) {
            int base = f * 256;
            assertEquals(1f, d[base]);                       // latent frame 1, cell (0,0)
            assertEquals(2f, d[base + 8 * 16]);              // cell (1,0): 1 + 4 * 0.25
            assertEquals(5f, d[base + 15 * 16 + 15]);        // cell (1,1): 1 + 4 * 1
        }
        assertThrows(IllegalArgumentException.class, () -> ObjectCover.pixelWeights(Tensor.of(c, 1, 1, 2, 2, 2), 9, 4.0, 4));
        // a x2 VAE: 5 frames are latent frames 0, 1 (frames 1-2) and 2 (frames 3-4); the same 2 latent frames fit 3
        Tensor w2 = ObjectCover.pixelWeights(Tensor.of(c, 1, 1, 2, 2, 2), 3, 4.0, 2);
        assertArrayEquals(new int[] {1, 1, 3, 16, 16}, w2.shape());
        assertEquals(5f, w2.data()[2 * 256 + 15 * 16 + 15]);
        assertThrows(IllegalArgumentException.class, () -> ObjectCover.pixelWeights(Tensor.of(c, 1, 1, 2, 2, 2), 5, 4.0, 2));
    }

    @Test
    void pixelBatchesCarryTheCoverOnTheLatentGrid() {
        Buckets one = Buckets.of(new int[][] {{32, 32}}, new int[] {5});
        Counting src = new Counting(false);
        Batch b = new BatchPlan(src, one, 2, 0.5, 3, null, 0, 100, null, true).build(0);
        assertArrayEquals(new int[] {2, 3, 5, 32, 32}, b.pixels().shape());
        assertArrayEquals(new int[] {2, 1, 2, 4, 4}, b.objects().shape());
        assertArrayEquals(ObjectCover.of(src.world.sample(0, new Bucket(5, 32, 32)).truth(), new Bucket(5, 32, 32), 4),
                java.util.Arrays.copyOf(b.objects().data(), 32), "item 0 is clip 0's cover");
        assertNull(new BatchPlan(src, one, 2, 0.5, 3, null, 0, 100, null, false).build(0).objects());
        // a x2 VAE's batch: the same clips, their cover on 3 latent frames
        Batch b2 = new BatchPlan(src, one, 2, 0.5, 3, null, 0, 100, null, true, 2).build(0);
        assertArrayEquals(b.pixels().data(), b2.pixels().data());
        assertArrayEquals(new int[] {2, 1, 3, 4, 4}, b2.objects().shape());
        assertArrayEquals(ObjectCover.of(src.world.sample(0, new Bucket(5, 32, 32)).truth(), new Bucket(5, 32, 32), 2),
                java.util.Arrays.copyOf(b2.objects().data(), 48));
    }

    /** A world source that counts how often it is asked for an object cover, or refuses when told to. */
    private static final class Counting implements ClipSource {
        final WorldSource world = WorldSource.create(0, 8);
        final AtomicInteger covers = new AtomicInteger();
        final boolean refuse;
        Counting(boolean refuse) { this.refuse = refuse; }
        @Override public Clip clip(long index, Bucket b, double u) { return world.clip(index, b, u); }
        @Override public float[] objectCover(long index, Bucket b, double u) {
            if (refuse) throw new AssertionError("cover asked again for clip " + index);
            covers.incrementAndGet();
            return world.objectCover(index, b, u);
        }
        @Override public Object key(long index, Bucket b, double u) { return index; }
        @Override public String describe() { return "counting world"; }
    }

    @Test
    void worldBatchesCarryTheirCoverWhichTheLatentStoreKeeps() throws Exception {
        Buckets one = Buckets.of(new int[][] {{32, 32}}, new int[] {5});
        // a stand-in encoder with the VAE's latent shape (4 channels, time /4 after the first frame, space /8)
        java.util.function.UnaryOperator<Tensor> enc = px -> Tensor.zeros(1, 4, 1 + (px.size(2) - 1) / 4, px.size(3) / 8, px.size(4) / 8);
        Counting first = new Counting(false);
        List<Batch> want = new ArrayList<>();
        try (LatentStore store = LatentStore.open(tmp)) {
            BatchPlan plan = new BatchPlan(first, one, 2, 0.5, 3, enc, 4, 100, store, true);
            for (int m = 0; m < 4; m++) want.add(plan.build(m));
        }
        assertEquals(4, first.covers.get(), "each of the 4 clips' cover computed once");
        Batch b0 = want.get(0);
        assertArrayEquals(new int[] {2, 1, 2, 4, 4}, b0.objects().shape());
        boolean any = false;
        for (Batch b : want)
            for (float v : b.objects().data()) {
                assertTrue(v >= 0 && v <= 1, "cover " + v);
                any |= v > 0;
            }
        assertTrue(any, "world clips show objects");
        assertArrayEquals(ObjectCover.of(first.world.sample(0, new Bucket(5, 32, 32)).truth(), new Bucket(5, 32, 32), 4),
                java.util.Arrays.copyOf(b0.objects().data(), 32), "item 0 is clip 0's cover");
        // a resumed run reads the covers back from the store: the source is not asked again
        try (LatentStore store = LatentStore.open(tmp)) {
            BatchPlan plan = new BatchPlan(new Counting(true), one, 2, 0.5, 3, enc, 4, 100, store, true);
            for (int m = 0; m < 4; m++) assertArrayEquals(want.get(m).objects().data(), plan.build(m).objects().data());
        }
        // without --object-weight a batch has no cover
        assertNull(new BatchPlan(first, one, 2, 0.5, 3, enc, 4, 100, null, false).build(0).objects());
    }
}
