package dev.tessera.media.provenance;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CborTest {
    static String hex(Object v) { return HexFormat.of().formatHex(Cbor.encode(v)); }

    /** Vectors from RFC 8949 appendix A. */
    @Test void encodesRfcVectors() {
        assertEquals("00", hex(0L));
        assertEquals("17", hex(23L));
        assertEquals("1818", hex(24L));
        assertEquals("1903e8", hex(1000L));
        assertEquals("1a000f4240", hex(1000000L));
        assertEquals("1b000000e8d4a51000", hex(1000000000000L));
        assertEquals("3903e7", hex(-1000L));
        assertEquals("6449455446", hex("IETF"));
        assertEquals("62c3bc", hex("ü"));
        assertEquals("4401020304", hex(new byte[] {1, 2, 3, 4}));
        assertEquals("8201820203", hex(List.of(1L, List.of(2L, 3L))));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(2L, 3L));
        assertEquals("a26161016162820203", hex(m));
        assertEquals("f6", hex(null));
        assertEquals("f5", hex(true));
        assertEquals("d24100", hex(new Cbor.Tagged(18, new byte[] {0})));
    }

    @Test void decodesWhatItEncodes() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", "一只猫");
        m.put("seed", -42L);
        m.put("list", List.of(new byte[] {9}, true, 1.5));
        Object back = Cbor.decode(Cbor.encode(new Cbor.Tagged(18, m)));
        Map<?, ?> bm = (Map<?, ?>) ((Cbor.Tagged) back).value();
        assertEquals("一只猫", bm.get("prompt"));
        assertEquals(-42L, bm.get("seed"));
        assertArrayEquals(new byte[] {9}, (byte[]) ((List<?>) bm.get("list")).get(0));
        assertEquals(1.5, ((List<?>) bm.get("list")).get(2));
    }

    @Test void rejectsTruncatedAndTrailingData() {
        assertThrows(java.io.IOException.class, () -> Cbor.decode(HexFormat.of().parseHex("64494554")));
        assertThrows(java.io.IOException.class, () -> Cbor.decode(HexFormat.of().parseHex("0000")));
        assertThrows(java.io.IOException.class, () -> Cbor.decode(HexFormat.of().parseHex("9bffffffffffffffff")));
    }

    @Test void signingIdentityIsCreatedOnceThenLoaded(@TempDir Path home) throws Exception {
        SigningIdentity a = SigningIdentity.loadOrCreate(home.resolve("c2pa"));
        SigningIdentity b = SigningIdentity.loadOrCreate(home.resolve("c2pa"));
        assertEquals(a.signer(), b.signer());
        assertEquals(2, b.chain().size());
        a.signer().verify(a.chain().get(1).getPublicKey());
        assertTrue(a.signer().getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.4"));
        assertEquals(-1, a.signer().getBasicConstraints());
        var perms = java.nio.file.Files.getPosixFilePermissions(home.resolve("c2pa").resolve(SigningIdentity.KEY_FILE));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), perms);
    }
}
