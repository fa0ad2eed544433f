package dev.tessera.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.DType;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Storage;
import dev.tessera.engine.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Rng rng = new Rng(1);
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("blocks.0.attn.qkv.weight", Tensor.randn(rng, 6, 5));
        m.put("blocks.0.attn.qkv.bias", Tensor.randn(rng, 6));
        m.put("scalar", Tensor.scalar(3.5f));
        m.put("empty", Tensor.zeros(0, 4));
        m.put("half", Tensor.randn(rng, 3, 3).to(DType.BF16));
        return m;
    }

    @Test
    void roundTripsF32Bf16F16AndMetadata() throws IOException {
        Path p = dir.resolve("m.safetensors");
        Map<String, Tensor> src = sample();
        Safetensors.save(p, src, Map.of("config", "{\"dim\":5}"));
        try (var c = Safetensors.read(p)) {
            assertEquals(src.keySet(), c.tensors().keySet());
            assertEquals("{\"dim\":5}", c.metadata().get("config"));
            for (String k : src.keySet()) {
                assertArrayEquals(src.get(k).shape(), c.get(k).shape(), k);
                assertArrayEquals(src.get(k).data(), c.get(k).data(), k);
            }
            assertEquals(DType.BF16, c.get("half").dtype());
        }
        try (var c = Safetensors.map(p)) {
            assertInstanceOf(Storage.Segment.class, c.get("blocks.0.attn.qkv.weight").storage());
            assertArrayEquals(src.get("blocks.0.attn.qkv.weight").data(), c.get("blocks.0.attn.qkv.weight").data());
        }
        Path q = dir.resolve("h.safetensors");
        Safetensors.save(q, src, Map.of(), DType.F16);
        try (var c = Safetensors.read(q)) {
            assertEquals(DType.F16, c.get("scalar").dtype());
            assertEquals(3.5f, c.get("scalar").item());
        }
        // no temp files are left behind
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count());
        }
    }

    @Test
    void readsIntegerTensorsExactly() throws IOException {
        long big = (1L << 40) + 3;
        byte[] f = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(f.length - 16, big).putLong(f.length - 8, -7);
        var c = Safetensors.parse(f);
        Storage.Segment s = (Storage.Segment) c.get("ids").storage();
        assertEquals(big, s.getLong(0));
        assertEquals(-7, s.getLong(1));
    }

    /** A file with the given header JSON and {@code dataLen} zero bytes of data. */
    static byte[] file(String header, int dataLen) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static void rejects(byte[] f, String expect) {
        var e = assertThrows(SafetensorsException.class, () -> Safetensors.parse(f));
        assertTrue(e.getMessage().contains(expect), "message '" + e.getMessage() + "' should mention '" + expect + "'");
    }

    @Test
    void enforcesTheFormatRules() {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertDoesNotThrow(() -> Safetensors.parse(file(ok, 8)));
        rejects(new byte[5], "shorter than the 8-byte");
        byte[] huge = file(ok, 8);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        rejects(huge, "header length");
        byte[] neg = file(ok, 8);
        ByteBuffer.wrap(neg).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        rejects(neg, "header length");
        rejects(java.util.Arrays.copyOf(file(ok, 8), 30), "truncated");
        rejects(file(ok, 4), "truncated");
        rejects(file(ok, 12), "trailing");
        rejects(file("[1,2]", 0), "start with '{'");
        rejects(file("{\"a\":", 0), "not valid JSON");
        rejects(file("{} {}", 0), "not valid JSON");
        byte[] badUtf = file("{\"\u00e9\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0);
        badUtf[10] = (byte) 0xC3;
        badUtf[11] = (byte) 0x28;
        rejects(badUtf, "UTF-8");
        assertDoesNotThrow(() -> Safetensors.parse(file(ok + "      ", 8))); // space padding after the JSON is allowed
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "not valid JSON (Duplicate");
        rejects(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "unsupported dtype 'F64'");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "is 12 bytes but data_offsets span 8");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8), "bad shape");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 8), "out of order");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "overlaps");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "gap of 4 bytes");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "unknown field");
        rejects(file("{\"__metadata__\":{\"k\":1}}", 0), "not a string");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "data_offsets");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999]}}", 4), "truncated");
    }

    @Test
    void fuzzTruncatedAndGarbledFilesFailCleanly() throws IOException {
        Path p = dir.resolve("f.safetensors");
        Safetensors.save(p, sample(), Map.of("config", "x"));
        byte[] good = Files.readAllBytes(p);
        // every truncation is rejected with a SafetensorsException
        for (int n = 0; n < good.length; n++) {
            byte[] t = java.util.Arrays.copyOf(good, n);
            assertThrows(SafetensorsException.class, () -> Safetensors.parse(t), "truncated to " + n);
        }
        // random byte garbling: either a clean SafetensorsException or a parse whose tensors are all readable
        Rng rng = new Rng(11);
        int parsed = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] g = good.clone();
            int hits = 1 + rng.nextInt(4);
            for (int h = 0; h < hits; h++) {
                int where = rng.nextInt(trial % 2 == 0 ? Math.min(g.length, 400) : g.length);
                g[where] = (byte) rng.nextInt(256);
            }
            try {
                var c = Safetensors.parse(g);
                for (Tensor t : c.tensors().values()) t.data();
                parsed++;
            } catch (SafetensorsException expected) {
                assertNotNull(expected.getMessage());
            } catch (RuntimeException e) {
                fail("garbled file crashed the reader instead of a clear error: " + e, e);
            }
        }
        assertTrue(parsed > 0, "some garbling only touches tensor bytes and must still parse");
        // a bad file on disk names the file
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, java.util.Arrays.copyOf(good, 20));
        var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }

    @Test
    void failedWriteLeavesTheOldFileIntact() throws IOException {
        Path p = dir.resolve("keep.safetensors");
        Safetensors.save(p, Map.of("a", Tensor.ones(3)), Map.of());
        byte[] before = Files.readAllBytes(p);
        Tensor weird = Tensor.wrap(new Storage.Segment(MemorySegment.ofArray(new byte[8]), DType.I32), 2).narrow(0, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.save(p, Map.of("a", Tensor.ones(3), "i", weird), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
