package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.media.Frame;
import dev.tessera.media.Images;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.Video;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.data.Buckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    @TempDir Path tmp;

    static Video colourClip(int w, int h, int frames, int rgb) {
        List<Frame> fs = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) px[i] = (i % w) < t * w / frames ? rgb : 0x202020;
            fs.add(new Frame(w, h, px));
        }
        return new Video(w, h, 16, fs);
    }

    @Test
    void batchesAreThePlanRegardlessOfProducerCountAndMixBuckets() throws Exception {
        Buckets buckets = Buckets.of(new int[][] {{32, 32}, {48, 32}, {32, 48}}, new int[] {1, 5, 9});
        BatchPlan plan = new BatchPlan(new BallSource(), buckets, 2, 0.5, 42, null);
        List<Batch> one = new ArrayList<>(), three = new ArrayList<>();
        try (BatchLoader a = new BatchLoader(plan, 0, 1, 2); BatchLoader b = new BatchLoader(plan, 0, 3, 4)) {
            for (int i = 0; i < 40; i++) {
                one.add(a.next());
                three.add(b.next());
            }
        }
        Set<Bucket> seen = new HashSet<>();
        Set<Boolean> zh = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            assertEquals(i, one.get(i).micro());
            assertEquals(one.get(i).bucket(), three.get(i).bucket());
            assertArrayEquals(one.get(i).pixels().data(), three.get(i).pixels().data());
            assertArrayEquals(one.get(i).captions(), three.get(i).captions());
            seen.add(one.get(i).bucket());
            for (String c : one.get(i).captions()) zh.add(c.startsWith("红"));
        }
        assertTrue(seen.stream().anyMatch(Bucket::isImage), "images (one-frame videos) in the mix");
        assertTrue(seen.stream().anyMatch(b -> b.width() > b.height()) && seen.stream().anyMatch(b -> b.width() < b.height())
                && seen.stream().anyMatch(b -> b.width() == b.height()), "all three aspects in the mix: " + seen);
        assertTrue(seen.stream().map(Bucket::frames).distinct().count() == 3, "several durations: " + seen);
        assertEquals(Set.of(true, false), zh, "both caption languages");
    }

    @Test
    void aFixedSetOfClipsWrapsAndIsEncodedOnce() {
        java.util.concurrent.atomic.AtomicInteger encodes = new java.util.concurrent.atomic.AtomicInteger();
        ClipSource named = new ClipSource() {
            @Override public Clip clip(long index, Bucket b, double u) {
                Clip c = new BallSource().clip(index, b, u);
                return new Clip(c.frames(), c.width(), c.height(), "clip " + index, "");
            }

            @Override public Object key(long index, Bucket b, double u) { return index; }

            @Override public String describe() { return "named"; }
        };
        Buckets one = Buckets.of(new int[][] {{32, 32}}, new int[] {5});
        BatchPlan plan = new BatchPlan(named, one, 2, 0, 1, px -> { encodes.incrementAndGet(); return px.mul(2f); }, 3, 100, null, false);
        BatchPlan raw = new BatchPlan(named, one, 2, 0, 1, null, 3, 100, null, false);
        Set<String> captions = new HashSet<>();
        for (int m = 0; m < 10; m++) {
            Batch b = plan.build(m);
            captions.addAll(List.of(b.captions()));
            assertEquals(null, b.pixels(), "a DiT batch carries latents, not pixels");
            assertArrayEquals(raw.build(m).pixels().mul(2f).data(), b.latents().data(), "latents are the encoder's output, cached or not");
            assertArrayEquals(raw.build(m).captions(), b.captions(), "captions, cached or not");
        }
        assertEquals(Set.of("clip 0", "clip 1", "clip 2"), captions);
        assertEquals(3, encodes.get(), "each of the 3 clips encoded once");
    }

    @Test
    void aFixedSetOfClipsKeepsEachClipInOneBucket() {
        java.util.Map<Long, Set<Bucket>> bucketsOf = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger encodes = new java.util.concurrent.atomic.AtomicInteger();
        ClipSource src = new ClipSource() {
            @Override public Clip clip(long index, Bucket b, double u) {
                bucketsOf.computeIfAbsent(index, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(b);
                return new BallSource().clip(index, b, u);
            }

            @Override public Object key(long index, Bucket b, double u) { return index; }

            @Override public String describe() { return "tracked"; }
        };
        Buckets buckets = Buckets.of(new int[][] {{32, 32}, {48, 32}}, new int[] {1, 5, 9});
        BatchPlan plan = new BatchPlan(src, buckets, 2, 0.5, 7, px -> { encodes.incrementAndGet(); return px; }, 8, 100, null, false);
        Set<Bucket> seen = new HashSet<>();
        for (int m = 0; m < 40; m++) seen.add(plan.build(m).bucket());
        assertEquals(8, bucketsOf.size(), "all 8 clips used");
        bucketsOf.forEach((i, b) -> assertEquals(1, b.size(), "clip " + i + " drawn in " + b));
        assertEquals(8, encodes.get(), "10 epochs of 8 clips: each encoded once");
        assertTrue(seen.size() > 1, "the groups still mix buckets: " + seen);
    }

    /** A world-like source that counts its renders and can name its clips. */
    private static final class CountingSource implements ClipSource {
        final java.util.concurrent.atomic.AtomicInteger renders = new java.util.concurrent.atomic.AtomicInteger();
        @Override public Clip clip(long index, Bucket b, double u) {
            renders.incrementAndGet();
            Clip c = new BallSource().clip(index, b, u);
            return new Clip(c.frames(), c.width(), c.height(), "clip " + index, "片段 " + index);
        }
        @Override public Object key(long index, Bucket b, double u) { return index; }
        @Override public String describe() { return "counting"; }
    }

    @Test
    void latentStoreLetsAResumedRunSkipRenderingAndEncoding() throws Exception {
        Buckets buckets = Buckets.of(new int[][] {{32, 32}, {48, 32}}, new int[] {1, 5});
        java.util.concurrent.atomic.AtomicInteger encodes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.UnaryOperator<dev.tessera.engine.Tensor> enc = px -> { encodes.incrementAndGet(); return px.mul(0.5f); };
        CountingSource first = new CountingSource();
        List<Batch> want = new ArrayList<>();
        try (LatentStore store = LatentStore.open(tmp)) {
            BatchPlan plan = new BatchPlan(first, buckets, 2, 0.5, 3, enc, 6, 2, store, false);   // memory cache of 2: the store serves the rest
            for (int m = 0; m < 12; m++) want.add(plan.build(m));
            assertEquals(6, store.size());
        }
        assertEquals(6, first.renders.get(), "each of the 6 clips rendered once although the memory cache holds 2");
        assertEquals(6, encodes.get());
        // "resume": a new process, a new plan, the same store file
        CountingSource second = new CountingSource();
        try (LatentStore store = LatentStore.open(tmp)) {
            BatchPlan plan = new BatchPlan(second, buckets, 2, 0.5, 3, enc, 6, 2, store, false);
            for (int m = 0; m < 12; m++) {
                Batch b = plan.build(m);
                assertEquals(want.get(m).bucket(), b.bucket());
                assertArrayEquals(want.get(m).captions(), b.captions());
                assertArrayEquals(want.get(m).latents().data(), b.latents().data());
                assertArrayEquals(want.get(m).latents().shape(), b.latents().shape());
            }
        }
        assertEquals(0, second.renders.get(), "nothing rendered again");
        assertEquals(6, encodes.get(), "nothing encoded again");
        assertTrue(want.stream().flatMap(b -> java.util.Arrays.stream(b.captions())).anyMatch(c -> c.startsWith("片段")), "both languages kept");
    }

    @Test
    void latentStoreDropsATornOrCorruptTail() throws Exception {
        dev.tessera.engine.Tensor z = dev.tessera.engine.Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 1, 1, 3);
        try (LatentStore store = LatentStore.open(tmp)) {
            store.put("a", new LatentStore.Entry(z, "en a", "zh a"));
            store.put("b", new LatentStore.Entry(z.mul(2f), "en b", ""));
            store.put("a", new LatentStore.Entry(z.mul(9f), "again", "again"));   // a key is stored once
        }
        Path f = tmp.resolve(LatentStore.FILE);
        long full = Files.size(f);
        // a process killed mid-append: the last record is cut short
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) { ch.truncate(full - 5); }
        try (LatentStore store = LatentStore.open(tmp)) {
            assertEquals(1, store.size(), "the torn record is dropped");
            LatentStore.Entry a = store.get("a");
            assertArrayEquals(z.data(), a.latent().data());
            assertEquals("en a", a.captionEn());
            assertEquals(null, store.get("b"));
            store.put("b", new LatentStore.Entry(z.mul(2f), "en b", ""));   // written again after the good records
        }
        assertEquals(full, Files.size(f));
        // a flipped byte inside the second record's floats: its checksum fails, the first record survives
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 12] ^= 0x40;
        Files.write(f, bytes);
        try (LatentStore store = LatentStore.open(tmp)) {
            assertEquals(1, store.size());
            assertEquals(null, store.get("b"));
            assertEquals("zh a", store.get("a").captionZh());
        }
    }

    @Test
    void folderOfCaptionedClips() throws Exception {
        Mp4Writer.write(colourClip(64, 36, 40, 0xE02020), tmp.resolve("wide.mp4"));
        Files.writeString(tmp.resolve("wide.txt"), "a red bar grows\n");
        Files.writeString(tmp.resolve("wide.zh.txt"), "红色的条变长");
        Mp4Writer.write(colourClip(32, 32, 40, 0x2020E0), tmp.resolve("nocaption.mp4"));
        Images.writePng(colourClip(32, 32, 2, 0x20E020).frames().getLast(), tmp.resolve("still.png"));
        Files.writeString(tmp.resolve("still.txt"), "a green half");
        FolderSource src = new FolderSource(tmp, 8);
        assertEquals(2, src.size());
        assertTrue(src.describe().contains("1 without a caption"), src.describe());
        Bucket wide = new Bucket(9, 96, 160), square = new Bucket(1, 32, 32), tall = new Bucket(9, 160, 96);
        assertTrue(src.fits(wide));
        assertTrue(src.fits(square));
        assertFalse(src.fits(tall), "a 16:9 clip is not squeezed into 9:16");
        assertFalse(src.fits(new Bucket(33, 96, 160)), "40 frames at 16 fps drawn at 8 fps give 20 frames, not 33");
        Clip c = src.clip(3, wide, 0.3);
        assertEquals(9, c.frames().size());
        assertEquals(160, c.width());
        assertEquals("红色的条变长", c.caption(true));
        assertEquals("a red bar grows", c.caption(false));
        Clip again = src.clip(3, wide, 0.3);
        for (int i = 0; i < 9; i++) assertArrayEquals(c.frames().get(i).rgb(), again.frames().get(i).rgb());
        assertEquals("a green half", src.clip(0, square, 0.0).caption(true), "falls back to the other language");
        // equal keys, equal clips — a DiT run encodes each (file, start, bucket) once; the 40-frame file has 24 starts
        // for a 17-frame span (stride 2), so 40 draws repeat keys
        java.util.Map<Object, Clip> byKey = new java.util.HashMap<>();
        for (long i = 0; i < 40; i++) {
            Clip ci = src.clip(i, wide, 0.3);
            Clip prev = byKey.putIfAbsent(src.key(i, wide, 0.3), ci);
            if (prev != null)
                for (int f = 0; f < 9; f++) assertArrayEquals(prev.frames().get(f).rgb(), ci.frames().get(f).rgb(), "same key, same clip");
        }
        assertTrue(byKey.size() > 1 && byKey.size() < 40, "a few starts, repeated: " + byKey.keySet());
        assertEquals(src.key(0, square, 0.0), src.key(7, square, 0.0), "an image has one key per bucket");
        var e = assertThrows(IllegalArgumentException.class, () -> new FolderSource(tmp.resolve("none"), 8));
        assertTrue(e.getMessage().contains("does not exist"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> new FolderSource(empty, 8));
        assertTrue(e.getMessage().contains("caption"), e.getMessage());
    }

    @Test
    void configRejectsImpossibleValues() {
        TrainConfig.Builder b = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.frames(List.of(8)).build()).getMessage().contains("1 + 4k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder()
                .sizes(List.of("100x100")).build()).getMessage().contains("multiple of 16"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder()
                .steps(0).build()).getMessage().contains("--steps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainKind.parse("unet")).getMessage().contains("vae, text, dit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.VAE, "tiny").toBuilder()
                .textPositions(true).build()).getMessage().contains("--text-positions is for dit runs"));
        TrainConfig withPos = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().textPositions(true).build();
        assertEquals(withPos, TrainConfig.fromJson(withPos.toJson()), "the flag survives run.json (resume)");
        TrainConfig c = TrainConfig.defaults(TrainKind.VAE, "S");
        assertEquals(c, TrainConfig.fromJson(c.toJson()));
    }
}
