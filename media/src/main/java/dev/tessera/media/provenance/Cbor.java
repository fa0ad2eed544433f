package dev.tessera.media.provenance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CBOR subset C2PA manifests use (RFC 8949): unsigned/negative integers, byte and text strings, arrays, maps
 * (insertion order kept, so output is deterministic), tags, booleans, null and doubles. Java values: Long, byte[],
 * String, List, Map, {@link Tagged}, Boolean, null, Double. Written by hand because it is ~200 lines and the
 * manifest bytes must be exactly what we hash and sign; a general CBOR library would add nothing but a dependency.
 */
public final class Cbor {
    private Cbor() {}

    public record Tagged(long tag, Object value) {}

    public static byte[] encode(Object v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, v);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        switch (v) {
            case null -> out.write(0xF6);
            case Boolean b -> out.write(b ? 0xF5 : 0xF4);
            case Integer i -> writeInt(out, i.longValue());
            case Long l -> writeInt(out, l);
            case Double d -> {
                out.write(0xFB);
                long bits = Double.doubleToLongBits(d);
                for (int s = 56; s >= 0; s -= 8) out.write((int) (bits >>> s) & 255);
            }
            case byte[] b -> {
                head(out, 2, b.length);
                out.write(b, 0, b.length);
            }
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                head(out, 3, b.length);
                out.write(b, 0, b.length);
            }
            case List<?> list -> {
                head(out, 4, list.size());
                for (Object o : list) write(out, o);
            }
            case Map<?, ?> map -> {
                head(out, 5, map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    write(out, e.getKey());
                    write(out, e.getValue());
                }
            }
            case Tagged t -> {
                head(out, 6, t.tag());
                write(out, t.value());
            }
            default -> throw new IllegalArgumentException("cannot CBOR-encode " + v.getClass().getName());
        }
    }

    private static void writeInt(ByteArrayOutputStream out, long v) {
        if (v >= 0) head(out, 0, v);
        else head(out, 1, -1 - v);
    }

    /** Major type and argument, in the shortest form (deterministic encoding). */
    static void head(ByteArrayOutputStream out, int major, long arg) {
        int m = major << 5;
        if (arg < 24) out.write(m | (int) arg);
        else if (arg < 0x100) { out.write(m | 24); out.write((int) arg); }
        else if (arg < 0x10000) { out.write(m | 25); out.write((int) (arg >> 8)); out.write((int) arg & 255); }
        else if (arg < 0x100000000L) {
            out.write(m | 26);
            for (int s = 24; s >= 0; s -= 8) out.write((int) (arg >>> s) & 255);
        } else {
            out.write(m | 27);
            for (int s = 56; s >= 0; s -= 8) out.write((int) (arg >>> s) & 255);
        }
    }

    /** Decodes one item that must fill {@code data} exactly. */
    public static Object decode(byte[] data) throws IOException {
        Reader r = new Reader(data);
        Object v = r.read(0);
        if (r.pos != data.length) throw new IOException("CBOR: " + (data.length - r.pos) + " trailing bytes");
        return v;
    }

    private static final class Reader {
        final byte[] d;
        int pos;

        Reader(byte[] d) { this.d = d; }

        int u8() throws IOException {
            if (pos >= d.length) throw new IOException("CBOR: truncated");
            return d[pos++] & 255;
        }

        long arg(int info) throws IOException {
            if (info < 24) return info;
            int n = switch (info) { case 24 -> 1; case 25 -> 2; case 26 -> 4; case 27 -> 8; default -> throw new IOException("CBOR: indefinite or reserved length " + info); };
            long v = 0;
            for (int i = 0; i < n; i++) v = (v << 8) | u8();
            return v;
        }

        Object read(int depth) throws IOException {
            if (depth > 64) throw new IOException("CBOR: nested too deep");
            int b = u8(), major = b >>> 5, info = b & 31;
            if (major <= 5 && info == 27 && pos + 8 <= d.length && d[pos] < 0)
                throw new IOException("CBOR: integer or length beyond 2^63 at byte " + (pos - 1));
            switch (major) {
                case 0: return arg(info);
                case 1: return -1 - arg(info);
                case 2: case 3: {
                    long n = arg(info);
                    if (n > d.length - pos) throw new IOException("CBOR: string runs past the end");
                    byte[] s = java.util.Arrays.copyOfRange(d, pos, pos + (int) n);
                    pos += (int) n;
                    return major == 2 ? s : new String(s, StandardCharsets.UTF_8);
                }
                case 4: {
                    long n = arg(info);
                    if (n > d.length - pos) throw new IOException("CBOR: array longer than the data");
                    List<Object> l = new ArrayList<>();
                    for (long i = 0; i < n; i++) l.add(read(depth + 1));
                    return l;
                }
                case 5: {
                    long n = arg(info);
                    if (n > d.length - pos) throw new IOException("CBOR: map longer than the data");
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (long i = 0; i < n; i++) {
                        Object k = read(depth + 1);
                        m.put(k, read(depth + 1));
                    }
                    return m;
                }
                case 6: return new Tagged(arg(info), read(depth + 1));
                default: {
                    if (info == 20) return false;
                    if (info == 21) return true;
                    if (info == 22 || info == 23) return null;
                    if (info == 25) { int h = (u8() << 8) | u8(); return (double) Float.float16ToFloat((short) h); }
                    if (info == 26) return (double) Float.intBitsToFloat((int) arg(26));
                    if (info == 27) return Double.longBitsToDouble(arg(27));
                    throw new IOException("CBOR: unsupported simple value " + info);
                }
            }
        }
    }
}
