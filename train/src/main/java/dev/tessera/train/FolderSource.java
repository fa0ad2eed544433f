package dev.tessera.train;

import dev.tessera.engine.Rng;
import dev.tessera.media.Frame;
import dev.tessera.media.Images;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Video;
import dev.tessera.model.data.Bucket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The user's own data: a folder of videos (MP4/MOV/MKV) or images (PNG/JPEG), each with its caption beside it —
 * {@code clip.mp4} + {@code clip.txt} (English or any language) and optionally {@code clip.zh.txt} (Chinese).
 * Files without a caption are skipped (and counted in {@link #describe()}).
 *
 * <p>A clip is cut to a bucket by taking every {@code round(sourceFps / fps)}-th frame from a start chosen by the
 * draw {@code u}, then centre-cropped to the bucket's aspect and resized by area averaging. A file fits a bucket when
 * its aspect ratio is within 15% of the bucket's and it has enough frames (images fit only one-frame buckets), so
 * a folder of 16:9 videos trains 16:9 buckets and is not squashed into 9:16.
 *
 * <p>A DiT run encodes each (file, start, bucket) once ({@link #key}); other runs decode a video again every time it
 * is drawn (a small cache keeps the last few): fine for short clips, slow for long files — cut long footage into
 * clips of a few seconds first.
 */
public final class FolderSource implements ClipSource {
    private static final double ASPECT_TOLERANCE = Math.log(1.15);

    record Item(Path file, String captionEn, String captionZh, int width, int height, int frames, double fps, boolean image) {}

    private final Path dir;
    private final List<Item> items;
    private final int skipped;
    private final double fps;
    private final Map<Path, Video> cache = new LinkedHashMap<>(8, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Path, Video> e) { return size() > 4; }
    };

    /** Scans {@code dir} (not recursive); {@code fps} is the frame rate the buckets are meant at. */
    public FolderSource(Path dir, double fps) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("data folder " + dir + " does not exist");
        this.dir = dir;
        this.fps = fps;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<Item> found = new ArrayList<>();
        int skip = 0;
        for (Path f : files) {
            String name = f.getFileName().toString(), lower = name.toLowerCase(Locale.ROOT);
            boolean video = lower.endsWith(".mp4") || lower.endsWith(".mov") || lower.endsWith(".mkv");
            boolean image = lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg");
            if (!video && !image) continue;
            String stem = name.substring(0, name.lastIndexOf('.'));
            Path en = dir.resolve(stem + ".txt"), zh = dir.resolve(stem + ".zh.txt");
            String capEn = Files.isRegularFile(en) ? Files.readString(en, StandardCharsets.UTF_8).strip() : "";
            String capZh = Files.isRegularFile(zh) ? Files.readString(zh, StandardCharsets.UTF_8).strip() : "";
            if (capEn.isEmpty() && capZh.isEmpty()) {
                skip++;
                continue;
            }
            try {
                if (image) {
                    Frame fr = Images.read(f);
                    found.add(new Item(f, capEn, capZh, fr.width(), fr.height(), 1, fps, true));
                } else {
                    Video v = Mp4Reader.read(f);
                    found.add(new Item(f, capEn, capZh, v.width(), v.height(), v.frameCount(), v.fps(), false));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read training file " + f + ": " + e.getMessage(), e);
            }
        }
        if (found.isEmpty())
            throw new IllegalArgumentException("data folder " + dir + " has no video or image with a caption .txt beside it");
        this.items = List.copyOf(found);
        this.skipped = skip;
    }

    public int size() { return items.size(); }

    private int stride(Item it) { return it.image ? 1 : Math.max(1, (int) Math.round(it.fps / fps)); }

    private boolean fits(Item it, Bucket b) {
        if (it.image && !b.isImage()) return false;
        double d = Math.abs(Math.log(it.width / (double) it.height) - Math.log(b.width() / (double) b.height()));
        if (d > ASPECT_TOLERANCE) return false;
        return b.isImage() || 1 + (long) (b.frames() - 1) * stride(it) <= it.frames;
    }

    @Override public boolean fits(Bucket bucket) {
        for (Item it : items) if (fits(it, bucket)) return true;
        return false;
    }

    @Override public Clip clip(long index, Bucket bucket, double u) {
        Item it = pick(bucket, u);
        List<Frame> src;
        if (it.image) {
            try {
                src = List.of(Images.read(it.file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            Video v = video(it.file);
            int stride = stride(it), start = start(it, index, bucket, u);
            src = new ArrayList<>();
            for (int i = 0; i < bucket.frames(); i++) src.add(v.frames().get(start + i * stride));
        }
        List<Frame> out = new ArrayList<>(src.size());
        for (Frame f : src) out.add(Resize.cropResize(f, bucket.width(), bucket.height()));
        return new Clip(out, bucket.width(), bucket.height(), it.captionEn, it.captionZh);
    }

    /**
     * The file and the first frame: equal keys, equal clips. A DiT run then encodes each (file, start, bucket) once
     * and keeps its latent (in memory, and in the run's latents.bin with {@code --clips}), instead of decoding and
     * encoding the file at every draw — a folder of short clips has only a few starts per file.
     */
    @Override public Object key(long index, Bucket bucket, double u) {
        Item it = pick(bucket, u);
        return List.of(it.file.toString(), it.image ? 0 : start(it, index, bucket, u));
    }

    /** The file that draw {@code u} picks among those that fit {@code bucket}. */
    private Item pick(Bucket bucket, double u) {
        List<Item> cands = new ArrayList<>();
        for (Item it : items) if (fits(it, bucket)) cands.add(it);
        if (cands.isEmpty()) throw new IllegalStateException("no file in " + dir + " fits bucket " + bucket);
        return cands.get(Math.min(cands.size() - 1, (int) (u * cands.size())));
    }

    /** Where example {@code index} starts in video {@code it} (frames in the file's own rate). */
    private int start(Item it, long index, Bucket bucket, double u) {
        int span = 1 + (bucket.frames() - 1) * stride(it);
        return new Rng(index).fork(Double.doubleToLongBits(u)).nextInt(it.frames - span + 1);
    }

    private Video video(Path f) {
        synchronized (cache) {
            Video v = cache.get(f);
            if (v != null) return v;
        }
        try {
            Video v = Mp4Reader.read(f);
            synchronized (cache) { cache.put(f, v); }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    @Override public String describe() {
        long videos = items.stream().filter(i -> !i.image).count();
        return "folder " + dir + ": " + videos + " videos, " + (items.size() - videos) + " images"
                + (skipped > 0 ? " (" + skipped + " without a caption skipped)" : "");
    }
}
