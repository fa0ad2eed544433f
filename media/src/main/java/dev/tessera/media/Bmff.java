package dev.tessera.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ISO BMFF (MP4) box walking for provenance: the top-level box list, and chunk-offset fix-ups
 * ({@code stco}/{@code co64} under {@code moov/trak/mdia/minf/stbl}) when a box is inserted before {@code mdat}.
 */
public final class Bmff {
    private Bmff() {}

    /** A box: its four-character type, where it starts, its whole size and header size (8, or 16 for 64-bit sizes). */
    public record Box(String type, long offset, long size, int headerSize) {
        public long end() { return offset + size; }

        public long payload() { return offset + headerSize; }
    }

    /** The top-level boxes; a box that runs past the end of the data means a truncated or damaged file. */
    public static List<Box> topLevel(byte[] data) throws IOException { return children(data, 0, data.length); }

    public static List<Box> children(byte[] data, long from, long to) throws IOException {
        List<Box> boxes = new ArrayList<>();
        long pos = from;
        while (pos < to) {
            if (to - pos < 8) throw new IOException("damaged MP4: " + (to - pos) + " stray bytes at offset " + pos);
            long size = u32(data, pos);
            String type = new String(data, (int) pos + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (to - pos < 16) throw new IOException("damaged MP4: box header cut at offset " + pos);
                size = u64(data, pos + 8);
                header = 16;
            } else if (size == 0) {
                size = to - pos; // runs to the end
            }
            if (size < header || pos + size > to)
                throw new IOException("truncated or damaged MP4: box '" + printable(type) + "' at offset " + pos + " claims "
                        + size + " bytes, only " + (to - pos) + " left");
            boxes.add(new Box(type, pos, size, header));
            pos += size;
        }
        return boxes;
    }

    /** Top-level boxes up to the first damaged one; {@code problem} says what stopped the walk (null if none). */
    public record Walk(List<Box> boxes, String problem) {}

    public static Walk topLevelLenient(byte[] data) {
        try {
            return new Walk(topLevel(data), null);
        } catch (IOException e) {
            List<Box> ok = new ArrayList<>();
            long pos = 0;
            while (pos + 8 <= data.length) {
                long size = u32(data, pos);
                int header = 8;
                if (size == 1 && pos + 16 <= data.length) { size = u64(data, pos + 8); header = 16; }
                if (size < header || pos + size > data.length) break;
                ok.add(new Box(new String(data, (int) pos + 4, 4, StandardCharsets.ISO_8859_1), pos, size, header));
                pos += size;
            }
            return new Walk(ok, e.getMessage());
        }
    }

    public static List<String> topLevelTypes(byte[] data) throws IOException {
        return topLevel(data).stream().map(Box::type).toList();
    }

    /** Adds {@code delta} to every chunk offset in every track of {@code moov}, in place. */
    public static void shiftChunkOffsets(byte[] data, Box moov, long delta) throws IOException {
        for (Box trak : children(data, moov.payload(), moov.end())) {
            if (!trak.type().equals("trak")) continue;
            Box stbl = find(data, trak, "mdia", "minf", "stbl");
            if (stbl == null) continue;
            for (Box b : children(data, stbl.payload(), stbl.end())) {
                boolean co64 = b.type().equals("co64");
                if (!co64 && !b.type().equals("stco")) continue;
                long p = b.payload() + 4; // version + flags
                long n = u32(data, p);
                p += 4;
                for (long i = 0; i < n; i++) {
                    if (co64) {
                        putU64(data, p, u64(data, p) + delta);
                        p += 8;
                    } else {
                        long v = u32(data, p) + delta;
                        if (v > 0xFFFFFFFFL) throw new IOException("chunk offset overflows stco (file over 4 GiB)");
                        putU32(data, p, v);
                        p += 4;
                    }
                }
            }
        }
    }

    static Box find(byte[] data, Box parent, String... path) throws IOException {
        Box cur = parent;
        for (String t : path) {
            Box next = null;
            for (Box b : children(data, cur.payload(), cur.end())) if (b.type().equals(t)) { next = b; break; }
            if (next == null) return null;
            cur = next;
        }
        return cur;
    }

    static String printable(String t) {
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) sb.append(c >= 32 && c < 127 ? c : '?');
        return sb.toString();
    }

    static long u32(byte[] d, long p) { return ByteBuffer.wrap(d, (int) p, 4).getInt() & 0xFFFFFFFFL; }

    static long u64(byte[] d, long p) { return ByteBuffer.wrap(d, (int) p, 8).getLong(); }

    static void putU32(byte[] d, long p, long v) { ByteBuffer.wrap(d, (int) p, 4).putInt((int) v); }

    static void putU64(byte[] d, long p, long v) { ByteBuffer.wrap(d, (int) p, 8).putLong(v); }
}
