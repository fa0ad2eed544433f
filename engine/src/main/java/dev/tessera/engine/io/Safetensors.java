package dev.tessera.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.engine.DType;
import dev.tessera.engine.Storage;
import dev.tessera.engine.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name → {dtype, shape, data_offsets}} plus an optional {@code __metadata__} string map), then the raw
 * little-endian tensor bytes. Reading enforces the format's rules — header ≤ 100 MB and valid JSON starting with
 * '{', no duplicate names, known dtype, dtype × shape = byte length, offsets in bounds, tensors packed without
 * overlaps or gaps, nothing after the last tensor — and reports a broken file as a {@link SafetensorsException}
 * naming the file and the rule. Writing goes to a temporary file that is renamed over the target, so a crash never
 * leaves a half-written checkpoint.
 */
public final class Safetensors {
    private Safetensors() {}

    public static final long MAX_HEADER = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Tensors by name (file order) and the {@code __metadata__} strings; closing releases a mapping. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, Arena arena) implements AutoCloseable {
        public Tensor get(String name) {
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in checkpoint");
            return t;
        }

        @Override
        public void close() { if (arena != null) arena.close(); }
    }

    // ---------------------------------------------------------------- reading

    /** Reads every tensor onto the heap (F32 as fp32, BF16/F16 kept as half storage, I32/I64 as exact integers). */
    public static Contents read(Path path) throws IOException {
        try (Contents mapped = map(path, Arena.ofConfined())) {
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            for (var e : mapped.tensors.entrySet()) out.put(e.getKey(), toHeap(e.getValue()));
            return new Contents(Collections.unmodifiableMap(out), mapped.metadata, null);
        }
    }

    /**
     * Memory-maps the file: tensors read straight from the page cache (read-only) until {@link Contents#close()}.
     * Use an {@link Arena#ofShared()} arena if tensors are read from several threads.
     */
    public static Contents map(Path path) throws IOException { return map(path, Arena.ofShared()); }

    private static Contents map(Path path, Arena arena) throws IOException {
        try {
            long size;
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                size = ch.size();
                file = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return parse(path.toString(), file, size, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses and validates a whole file held in memory (also used by tests). */
    public static Contents parse(byte[] bytes) throws SafetensorsException {
        return parse("<bytes>", MemorySegment.ofArray(bytes), bytes.length, null);
    }

    private static Contents parse(String name, MemorySegment file, long size, Arena arena) throws SafetensorsException {
        if (size < 8) throw fail(name, "file is " + size + " bytes, shorter than the 8-byte header length");
        long n = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 2 || n > MAX_HEADER) throw fail(name, "header length " + Long.toUnsignedString(n) + " is outside 2.." + MAX_HEADER + " bytes");
        if (8 + n > size) throw fail(name, "truncated: header claims " + n + " bytes but the file has only " + (size - 8) + " after the length");
        byte[] hb = file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        if (hb[0] != '{') throw fail(name, "header does not start with '{'");
        JsonNode root;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(hb)).toString();
            root = JSON.readTree(text);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw fail(name, "header is not valid UTF-8");
        } catch (JsonProcessingException e) {
            throw fail(name, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw fail(name, "header is not a JSON object");
        long dataStart = 8 + n, dataLen = size - dataStart;
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        record Entry(String name, DType dtype, int[] shape, long begin, long end) {}
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (key.equals("__metadata__")) {
                if (!v.isObject()) throw fail(name, "__metadata__ is not an object of strings");
                for (var m = v.fields(); m.hasNext(); ) {
                    var me = m.next();
                    if (!me.getValue().isTextual()) throw fail(name, "__metadata__ value for '" + me.getKey() + "' is not a string");
                    meta.put(me.getKey(), me.getValue().asText());
                }
                continue;
            }
            if (!v.isObject()) throw fail(name, "entry '" + key + "' is not an object");
            for (var fn = v.fieldNames(); fn.hasNext(); ) {
                String fld = fn.next();
                if (!fld.equals("dtype") && !fld.equals("shape") && !fld.equals("data_offsets"))
                    throw fail(name, "tensor '" + key + "' has unknown field '" + fld + "'");
            }
            JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
            if (dt == null || !dt.isTextual()) throw fail(name, "tensor '" + key + "' has no dtype string");
            DType dtype;
            try {
                dtype = DType.valueOf(dt.asText());
            } catch (IllegalArgumentException e) {
                throw fail(name, "tensor '" + key + "' has unsupported dtype '" + dt.asText() + "' (supported: F32, BF16, F16, I32, I64)");
            }
            if (sh == null || !sh.isArray()) throw fail(name, "tensor '" + key + "' has no shape array");
            int[] shape = new int[sh.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0)
                    throw fail(name, "tensor '" + key + "' has a bad shape entry " + d);
                shape[i] = d.asInt();
                try {
                    numel = Math.multiplyExact(numel, shape[i]);
                } catch (ArithmeticException e) {
                    throw fail(name, "tensor '" + key + "' shape overflows");
                }
            }
            if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()
                    || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber())
                throw fail(name, "tensor '" + key + "' needs data_offsets [begin, end]");
            long b = off.get(0).asLong(), e = off.get(1).asLong();
            if (b < 0 || e < b) throw fail(name, "tensor '" + key + "' has data_offsets [" + b + ", " + e + "] out of order");
            if (e > dataLen) throw fail(name, "tensor '" + key + "' ends at byte " + e + " but the data section has " + dataLen + " bytes (truncated?)");
            long want;
            try {
                want = Math.multiplyExact(numel, dtype.bytes);
            } catch (ArithmeticException ex) {
                throw fail(name, "tensor '" + key + "' is too large");
            }
            if (e - b != want)
                throw fail(name, "tensor '" + key + "': " + dtype + " × " + java.util.Arrays.toString(shape) + " is " + want + " bytes but data_offsets span " + (e - b));
            if (numel > Integer.MAX_VALUE - 16) throw fail(name, "tensor '" + key + "' has more elements than one tensor can hold");
            entries.add(new Entry(key, dtype, shape, b, e));
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        for (Entry en : sorted) {
            if (en.begin < pos) throw fail(name, "tensor '" + en.name + "' overlaps the previous tensor (starts at " + en.begin + ", previous ends at " + pos + ")");
            if (en.begin > pos) throw fail(name, "gap of " + (en.begin - pos) + " bytes before tensor '" + en.name + "'");
            pos = en.end;
        }
        if (pos != dataLen) throw fail(name, "data section has " + dataLen + " bytes but tensors cover " + pos + " (trailing bytes)");
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            MemorySegment seg = file.asSlice(dataStart + en.begin, en.end - en.begin);
            tensors.put(en.name, Tensor.wrap(new Storage.Segment(seg, en.dtype), en.shape));
        }
        return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta), arena);
    }

    private static SafetensorsException fail(String file, String why) { return new SafetensorsException(file + ": " + why); }

    private static Tensor toHeap(Tensor t) {
        Storage.Segment s = (Storage.Segment) t.storage();
        return switch (s.dtype()) {
            case F32 -> t.to(DType.F32);
            case BF16, F16 -> {
                short[] bits = s.segment().toArray(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
                yield Tensor.wrap(new Storage.Half(bits, s.dtype()), t.shape());
            }
            case I32, I64 -> {
                MemorySegment copy = MemorySegment.ofArray(s.segment().toArray(ValueLayout.JAVA_BYTE));
                yield Tensor.wrap(new Storage.Segment(copy, s.dtype()), t.shape());
            }
        };
    }

    // ---------------------------------------------------------------- writing

    /** Writes tensors in their own dtype (fp32 heap tensors as F32). */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        save(path, tensors, metadata, null);
    }

    /**
     * Writes tensors, converting floating tensors to {@code storeAs} (F32, BF16 or F16) when it is not null.
     * Atomic: the bytes go to a temporary file beside the target, which is then renamed over it.
     */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata, DType storeAs) throws IOException {
        if (storeAs != null && storeAs != DType.F32 && storeAs != DType.BF16 && storeAs != DType.F16)
            throw new IllegalArgumentException("can store floating tensors as F32, BF16 or F16, not " + storeAs);
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        List<String> names = new ArrayList<>(tensors.keySet());
        DType[] types = new DType[names.size()];
        long pos = 0;
        for (int i = 0; i < names.size(); i++) {
            String k = names.get(i);
            if (k.equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' cannot be a tensor name");
            Tensor t = tensors.get(k);
            DType dt = t.dtype();
            if (storeAs != null && (dt == DType.F32 || dt == DType.BF16 || dt == DType.F16)) dt = storeAs;
            types[i] = dt;
            long len = (long) t.numel() * dt.bytes;
            ObjectNode e = header.putObject(k);
            e.put("dtype", dt.safetensorsName());
            ArrayNode sh = e.putArray("shape");
            for (int d : t.shape()) sh.add(d);
            e.putArray("data_offsets").add(pos).add(pos + len);
            pos += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // align the data section to 8 bytes, padding with spaces as the format allows
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream os = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 20)) {
                ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                os.write(lb.array());
                os.write(json);
                for (int i = json.length; i < padded; i++) os.write(' ');
                for (int i = 0; i < names.size(); i++) writeData(os, tensors.get(names.get(i)), types[i]);
                os.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeData(OutputStream os, Tensor t, DType dt) throws IOException {
        int n = t.numel();
        byte[] buf = new byte[Math.min(1 << 16, Math.max(8, n)) * dt.bytes];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        if (dt == DType.I32 || dt == DType.I64) {
            if (!(t.storage() instanceof Storage.Segment s) || !t.isContiguous() || t.offset() != 0 || s.length() != n)
                throw new IllegalArgumentException("integer tensors can only be written as whole contiguous tensors");
            for (int i = 0; i < n; i++) {
                if (bb.remaining() < dt.bytes) flush(os, bb);
                if (dt == DType.I32) bb.putInt((int) s.getLong(i));
                else bb.putLong(s.getLong(i));
            }
            flush(os, bb);
            return;
        }
        boolean rawHalf = t.storage() instanceof Storage.Half h && h.dtype() == dt && t.isContiguous() && t.offset() == 0 && h.length() == n;
        if (rawHalf) {
            short[] bits = ((Storage.Half) t.storage()).bits();
            for (short b : bits) {
                if (bb.remaining() < 2) flush(os, bb);
                bb.putShort(b);
            }
            flush(os, bb);
            return;
        }
        float[] d = t.data();
        for (float v : d) {
            if (bb.remaining() < dt.bytes) flush(os, bb);
            switch (dt) {
                case F32 -> bb.putFloat(v);
                case BF16 -> bb.putShort(DType.toBf16(v));
                case F16 -> bb.putShort(DType.toF16(v));
                default -> throw new IllegalStateException();
            }
        }
        flush(os, bb);
    }

    private static void flush(OutputStream os, ByteBuffer bb) throws IOException {
        os.write(bb.array(), 0, bb.position());
        bb.clear();
    }
}
