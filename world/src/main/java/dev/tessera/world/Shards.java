package dev.tessera.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.media.Frame;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Dataset shards on disk (format "tessera-world-shards/1", documented in docs/world.md):
 * <ul>
 *   <li>{@code index.json}: format, width, height, fps, frames, count, split, first_index, held_out, shards [{bin, jsonl, samples}]</li>
 *   <li>{@code shard-NNNNN.bin}: the samples' frames back to back, each sample {@code frames x height x width x 3}
 *       bytes, RGB, row-major, so sample k of a shard starts at byte {@code k * frames * height * width * 3}</li>
 *   <li>{@code shard-NNNNN.jsonl}: one JSON object per sample, same order: index, seed, split, caption_en,
 *       caption_zh, facts, truth</li>
 * </ul>
 * Shards are written by a pool using all cores, each to a temporary name renamed when complete; index.json last.
 */
public final class Shards {
    private Shards() {}

    public static final String FORMAT = "tessera-world-shards/1";

    /** Writes {@code count} samples of {@code split} starting at {@code first}, {@code perShard} per shard. */
    public static void write(Path dir, Dataset ds, Split split, long first, int count, int perShard, int threads, Consumer<String> progress)
            throws IOException {
        if (count < 1) throw new IllegalArgumentException("sample count must be positive, got " + count);
        if (perShard < 1) throw new IllegalArgumentException("samples per shard must be positive");
        Files.createDirectories(dir);
        int shards = (count + perShard - 1) / perShard;
        Dataset.Config c = ds.config();
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        List<Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            int shard = s;
            futures.add(pool.submit(() -> {
                long start = first + (long) shard * perShard;
                int n = (int) Math.min(perShard, first + count - start);
                Path bin = dir.resolve(String.format("shard-%05d.bin", shard)), jsonl = dir.resolve(String.format("shard-%05d.jsonl", shard));
                Path tb = dir.resolve(bin.getFileName() + ".tmp"), tj = dir.resolve(jsonl.getFileName() + ".tmp");
                try (OutputStream ob = new BufferedOutputStream(Files.newOutputStream(tb), 1 << 20);
                     OutputStream oj = new BufferedOutputStream(Files.newOutputStream(tj))) {
                    byte[] buf = new byte[c.width() * c.height() * 3];
                    for (int k = 0; k < n; k++) {
                        Sample sm = ds.sample(start + k, split);
                        for (Frame f : sm.clip().frames()) {
                            int[] rgb = f.rgb();
                            for (int i = 0; i < rgb.length; i++) { int p = rgb[i]; buf[3 * i] = (byte) (p >> 16); buf[3 * i + 1] = (byte) (p >> 8); buf[3 * i + 2] = (byte) p; }
                            ob.write(buf);
                        }
                        ObjectNode o = Truth.JSON.createObjectNode();
                        o.put("index", sm.index()); o.put("seed", sm.seed()); o.put("split", split.name().toLowerCase());
                        o.put("caption_en", sm.captionEn()); o.put("caption_zh", sm.captionZh());
                        o.set("facts", Truth.JSON.valueToTree(sm.facts()));
                        o.set("truth", Truth.JSON.valueToTree(sm.truth()));
                        oj.write(Truth.JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8));
                        oj.write('\n');
                        int d = done.incrementAndGet();
                        if (progress != null && (d % Math.max(1, count / 20) == 0 || d == count)) {
                            double el = (System.nanoTime() - t0) / 1e9, eta = el / d * (count - d);
                            progress.accept(String.format("world: %d/%d samples, %.1f samples/s, ETA %.0f s", d, count, d / el, eta));
                        }
                    }
                } catch (IOException e) { throw new UncheckedIOException(e); }
                try {
                    Files.move(tb, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(tj, jsonl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) { throw new UncheckedIOException(e); }
                return null;
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : futures) f.get();
        } catch (Exception e) {
            pool.shutdownNow();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("writing shards failed: " + cause.getMessage(), cause);
        }
        ObjectNode idx = Truth.JSON.createObjectNode();
        idx.put("format", FORMAT); idx.put("width", c.width()); idx.put("height", c.height()); idx.put("fps", c.fps());
        idx.put("frames", c.frames()); idx.put("count", count); idx.put("split", split.name().toLowerCase()); idx.put("first_index", first);
        var held = idx.putArray("held_out");
        for (HeldOut h : c.heldOut()) held.add(h.toString());
        var arr = idx.putArray("shards");
        for (int s = 0; s < shards; s++) {
            ObjectNode sh = arr.addObject();
            sh.put("bin", String.format("shard-%05d.bin", s)); sh.put("jsonl", String.format("shard-%05d.jsonl", s));
            sh.put("samples", (int) Math.min(perShard, count - (long) s * perShard));
        }
        Path tmp = dir.resolve("index.json.tmp");
        Truth.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), idx);
        Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads shards back: {@link #frames(int)} gives a sample's frames, {@link #meta(int)} its JSON line. */
    public static final class Reader {
        public final int width, height, frames, count;
        public final double fps;
        private final Path dir;
        private final List<String[]> shardFiles = new ArrayList<>();
        private final List<Integer> shardSizes = new ArrayList<>();

        public Reader(Path dir) throws IOException {
            this.dir = dir;
            Path index = dir.resolve("index.json");
            if (!Files.exists(index)) throw new IOException("not a shard directory (no index.json): " + dir);
            JsonNode idx = Truth.JSON.readTree(index.toFile());
            if (!FORMAT.equals(idx.path("format").asText())) throw new IOException("unknown shard format: " + idx.path("format").asText());
            width = idx.get("width").asInt(); height = idx.get("height").asInt(); frames = idx.get("frames").asInt();
            count = idx.get("count").asInt(); fps = idx.get("fps").asDouble();
            for (JsonNode s : idx.get("shards")) {
                shardFiles.add(new String[] {s.get("bin").asText(), s.get("jsonl").asText()});
                shardSizes.add(s.get("samples").asInt());
            }
        }

        private int[] locate(int i) {
            if (i < 0 || i >= count) throw new IndexOutOfBoundsException("sample " + i + " of " + count);
            int s = 0;
            while (i >= shardSizes.get(s)) { i -= shardSizes.get(s); s++; }
            return new int[] {s, i};
        }

        /** RGB frames of sample i, {@code [frames][height*width*3]} bytes. */
        public byte[][] frames(int i) throws IOException {
            int[] at = locate(i);
            long per = (long) width * height * 3;
            byte[][] out = new byte[frames][(int) per];
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(shardFiles.get(at[0])[0]).toFile(), "r")) {
                f.seek(at[1] * per * frames);
                for (int k = 0; k < frames; k++) f.readFully(out[k]);
            }
            return out;
        }

        /** The JSON line of sample i (captions, facts, truth). */
        public JsonNode meta(int i) throws IOException {
            int[] at = locate(i);
            try (var lines = Files.lines(dir.resolve(shardFiles.get(at[0])[1]))) {
                return Truth.JSON.readTree(lines.skip(at[1]).findFirst().orElseThrow(() -> new IOException("shard jsonl is short")));
            }
        }
    }
}
