package dev.tessera.train;

import dev.tessera.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A DiT run's encoded clips on disk ({@code RUN/latents.bin}): for each (clip, bucket) the VAE latent and the clip's
 * two captions, so that a resumed run (or the next epoch after the in-memory cache dropped the entry) neither renders
 * nor encodes the clip again. Encoding a fixed set of 6000 clips took the first ~25 minutes of every resumed run.
 *
 * <p>Append-only records, each {@code [int length][payload][long crc32(payload)]}, little-endian; the payload holds
 * the key, the captions, the shape and the floats. Opening scans the file and keeps the records whose length and
 * checksum hold; a torn last record (the process was killed mid-append) is cut off and rewritten on the next put.
 * The store belongs to its run folder: the run's config (source, VAE) is fixed, so a key always maps to the same
 * latent, and the store never holds two records for one key.
 */
final class LatentStore implements AutoCloseable {
    static final String FILE = "latents.bin";
    private static final int MAX_RECORD = 1 << 28;

    /** One stored clip: the normalised latent [1, C, f, h, w] and the clip's captions. */
    record Entry(Tensor latent, String captionEn, String captionZh) {}

    private final Path file;
    private final FileChannel ch;
    private final Map<String, Long> offsets = new HashMap<>();
    private long end;

    private final boolean readOnly;

    private LatentStore(Path file, FileChannel ch, boolean readOnly) {
        this.file = file;
        this.ch = ch;
        this.readOnly = readOnly;
    }

    /** Opens (or creates) the store in {@code runDir}, dropping a torn or corrupt tail. */
    static LatentStore open(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return scanned(new LatentStore(f, ch, false));
    }

    /**
     * The store in {@code runDir} for reading only, or null when the run has none: a torn tail is ignored, not cut off,
     * and {@link #put} keeps nothing (a tool that reads a run must not change it, and the run may be training beside it).
     */
    static LatentStore openReadOnly(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        return scanned(new LatentStore(f, FileChannel.open(f, StandardOpenOption.READ), true));
    }

    private static LatentStore scanned(LatentStore s) throws IOException {
        try {
            s.scan();
        } catch (IOException | RuntimeException e) {
            s.ch.close();
            throw e;
        }
        return s;
    }

    private void scan() throws IOException {
        long size = ch.size(), at = 0;
        while (at + 4 <= size) {
            int len = readInt(at);
            if (len <= 0 || len > MAX_RECORD || at + 4 + len + 8 > size) break;
            ByteBuffer payload = read(at + 4, len);
            long crc = read(at + 4 + len, 8).getLong();
            if (crc != crc(payload)) break;
            offsets.put(readString(payload.rewind()), at);
            at += 4 + len + 8;
        }
        end = at;
        if (end < size && !readOnly) ch.truncate(end);
    }

    synchronized int size() { return offsets.size(); }

    /** The entry stored under {@code key}, or null. */
    Entry get(String key) throws IOException {
        Long at;
        synchronized (this) { at = offsets.get(key); }
        if (at == null) return null;
        int len = readInt(at);
        ByteBuffer p = read(at + 4, len);
        String k = readString(p);
        if (!k.equals(key)) throw new IOException(file + ": record at " + at + " holds '" + k + "', not '" + key + "'");
        String en = readString(p), zh = readString(p);
        int[] shape = new int[p.getInt()];
        for (int i = 0; i < shape.length; i++) shape[i] = p.getInt();
        float[] data = new float[p.getInt()];
        p.asFloatBuffer().get(data);
        return new Entry(Tensor.of(data, shape), en, zh);
    }

    /** Stores {@code e} under {@code key} unless the key is already there (or the store is read-only). */
    synchronized void put(String key, Entry e) throws IOException {
        if (readOnly || offsets.containsKey(key)) return;
        byte[] k = key.getBytes(StandardCharsets.UTF_8), en = e.captionEn().getBytes(StandardCharsets.UTF_8),
                zh = e.captionZh().getBytes(StandardCharsets.UTF_8);
        int[] shape = e.latent().shape();
        float[] data = e.latent().contiguous().data();
        int len = 12 + k.length + en.length + zh.length + 4 + 4 * shape.length + 4 + 4 * data.length;
        ByteBuffer b = ByteBuffer.allocate(4 + len + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(len);
        b.putInt(k.length).put(k).putInt(en.length).put(en).putInt(zh.length).put(zh);
        b.putInt(shape.length);
        for (int d : shape) b.putInt(d);
        b.putInt(data.length);
        for (float v : data) b.putFloat(v);
        b.putLong(crc(b.duplicate().position(4).limit(4 + len).slice()));
        b.flip();
        long at = end;
        while (b.hasRemaining()) at += ch.write(b, at);
        offsets.put(key, end);
        end = at;
    }

    @Override public void close() throws IOException { ch.close(); }

    private int readInt(long at) throws IOException { return read(at, 4).getInt(); }

    private ByteBuffer read(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) throw new IOException(file + ": ends inside a record at " + at);
        }
        return b.flip();
    }

    private static String readString(ByteBuffer p) {
        byte[] s = new byte[p.getInt()];
        p.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static long crc(ByteBuffer payload) {
        CRC32 c = new CRC32();
        c.update(payload.duplicate());
        return c.getValue();
    }
}
