package dev.tessera.media.provenance;

import dev.tessera.media.Bmff;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * C2PA manifests embedded in MP4, written and checked by hand (no Java C2PA library exists; c2pa-rs is Rust).
 *
 * <p>Writing ({@link #embed}): one manifest with three assertions, {@code c2pa.actions.v2} ({@code c2pa.created},
 * digitalSourceType trainedAlgorithmicMedia), {@code dev.tessera.generation} (prompt, seed, model, watermark id) and
 * {@code c2pa.hash.bmff.v2} (SHA-256 over every top-level box but {@code ftyp} and the C2PA box, each preceded by
 * its 8-byte offset); a {@code c2pa.claim.v2} listing them as hashed URIs; a COSE_Sign1 (ES256, detached payload,
 * x5chain in the protected header) over the claim. The JUMBF store goes in a top-level {@code uuid} box right after
 * {@code ftyp}; the chunk offsets in {@code stco}/{@code co64} are shifted by its size. The box size is fixed before
 * hashing (the hash and an ES256 signature have fixed sizes), so the hash covers the final layout.
 * Signatures use deterministic ECDSA (RFC 6979): the same key and video give the same bytes.
 *
 * <p>Reading ({@link #verify}) re-does every check: the store parses, each hashed URI matches its assertion box,
 * the BMFF hash matches the file, the COSE signature verifies with the signer certificate, and each certificate in
 * the chain is signed by the next. It does not consult trust lists or revocation (the official validator does; the
 * tests run it).
 */
public final class C2pa {
    private C2pa() {}

    public static final byte[] C2PA_BOX_UUID = HexFormat.of().parseHex("d8fec3d61b0e483c92975828877ec481");
    public static final String DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    static final String ACTIONS = "c2pa.actions.v2", BMFF_HASH = "c2pa.hash.bmff.v2", CLAIM = "c2pa.claim.v2",
            SIGNATURE = "c2pa.signature", ASSERTIONS = "c2pa.assertions";
    private static final int COSE_ALG_ES256 = -7, COSE_X5CHAIN = 33;

    /** Who wrote the manifest (claim_generator_info and the action's softwareAgent). */
    public record Generator(String name, String version) {
        public static final Generator TESSERA = new Generator("Tessera", "0.1.0");
    }

    // ---------------------------------------------------------------- writing

    /** Returns {@code mp4} with a signed manifest embedded (any earlier C2PA box is replaced). */
    public static byte[] embed(byte[] mp4, GenerationRecord record, SigningIdentity id, Generator gen) throws IOException {
        List<Bmff.Box> boxes = Bmff.topLevel(mp4);
        if (boxes.isEmpty() || !boxes.getFirst().type().equals("ftyp")) throw new IOException("not an MP4: no leading ftyp box");
        Bmff.Box moov = null;
        List<Bmff.Box> rest = new ArrayList<>();
        for (Bmff.Box b : boxes.subList(1, boxes.size())) {
            if (isC2paBox(mp4, b)) continue;
            if (b.type().equals("moof")) throw new IOException("fragmented MP4 is not supported for C2PA embedding");
            if (b.type().equals("moov")) moov = b;
            rest.add(b);
        }
        if (moov == null) throw new IOException("not an MP4: no moov box");

        byte[] placeholderHash = new byte[32];
        byte[] draft = manifestStore(record, id, gen, placeholderHash, new byte[64], manifestId(mp4, record));
        int boxSize = c2paBoxSize(draft.length);

        // Lay out: ftyp, C2PA uuid box, then everything else in its old order.
        Bmff.Box ftyp = boxes.getFirst();
        ByteArrayOutputStream out = new ByteArrayOutputStream(mp4.length + boxSize);
        out.write(mp4, 0, (int) ftyp.size());
        int c2paOffset = out.size();
        out.writeBytes(c2paBox(draft)); // same size as the final box; excluded from the hash
        long firstMdatOld = -1, firstMdatNew = -1;
        for (Bmff.Box b : rest) {
            if (b.type().equals("mdat") && firstMdatOld < 0) { firstMdatOld = b.offset(); firstMdatNew = out.size(); }
            out.write(mp4, (int) b.offset(), (int) b.size());
        }
        byte[] file = out.toByteArray();
        if (firstMdatOld >= 0) {
            long delta = firstMdatNew - firstMdatOld;
            Bmff.Box newMoov = null;
            for (Bmff.Box b : Bmff.topLevel(file)) if (b.type().equals("moov")) newMoov = b;
            Bmff.shiftChunkOffsets(file, newMoov, delta);
        }
        byte[] hash = bmffV2Hash(file);
        String manifestId = manifestId(mp4, record);
        byte[] unsigned = manifestStore(record, id, gen, hash, null, manifestId);
        if (unsigned.length != draft.length)
            throw new IllegalStateException("manifest size changed between draft and final (" + draft.length + " vs " + unsigned.length + ")");
        byte[] box = c2paBox(unsigned);
        System.arraycopy(box, 0, file, c2paOffset, box.length);
        return file;
    }

    private static int c2paBoxSize(int jumbfLength) { return 8 + 16 + 4 + 9 + 8 + jumbfLength; }

    /** The top-level uuid box: header, C2PA uuid, version/flags, purpose "manifest", merkle offset 0, JUMBF. */
    static byte[] c2paBox(byte[] jumbf) {
        ByteBuffer b = ByteBuffer.allocate(c2paBoxSize(jumbf.length));
        b.putInt(b.capacity()).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(C2PA_BOX_UUID).putInt(0);
        b.put("manifest".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).putLong(0).put(jumbf);
        return b.array();
    }

    static boolean isC2paBox(byte[] data, Bmff.Box b) {
        return b.type().equals("uuid") && b.size() >= 8 + 16
                && Arrays.equals(data, (int) b.offset() + 8, (int) b.offset() + 24, C2PA_BOX_UUID, 0, 16);
    }

    /** A stable manifest id: derived from the unsigned video and the record, so reruns give the same bytes. */
    private static String manifestId(byte[] mp4, GenerationRecord record) {
        MessageDigest md = sha256();
        md.update(mp4);
        md.update(Cbor.encode(record.toAssertion()));
        byte[] h = md.digest();
        h[6] = (byte) ((h[6] & 0x0F) | 0x40);
        h[8] = (byte) ((h[8] & 0x3F) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(h);
        return new UUID(bb.getLong(), bb.getLong()).toString();
    }

    /**
     * Builds the JUMBF manifest store. With {@code fakeSignature} non-null the signature is that many zero bytes
     * (a same-size draft); otherwise the claim is really signed.
     */
    private static byte[] manifestStore(GenerationRecord record, SigningIdentity id, Generator gen, byte[] bmffHash,
                                        byte[] fakeSignature, String uuid) throws IOException {
        String label = "urn:c2pa:" + uuid;
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("name", gen.name());
        agent.put("version", gen.version());
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("action", "c2pa.created");
        created.put("digitalSourceType", DIGITAL_SOURCE_TYPE);
        created.put("softwareAgent", agent);
        Map<String, Object> actions = new LinkedHashMap<>();
        actions.put("actions", List.of(created));

        Map<String, Object> exUuid = new LinkedHashMap<>();
        exUuid.put("xpath", "/uuid");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("offset", 8L);
        data.put("value", C2PA_BOX_UUID);
        exUuid.put("data", List.of(data));
        Map<String, Object> bmff = new LinkedHashMap<>();
        bmff.put("exclusions", List.of(exUuid, Map.of("xpath", "/ftyp"), Map.of("xpath", "/mfra")));
        bmff.put("alg", "sha256");
        bmff.put("hash", bmffHash);
        bmff.put("name", "jumbf manifest");

        byte[][] assertionBoxes = {
                Jumbf.cborAssertion(ACTIONS, actions),
                Jumbf.cborAssertion(GenerationRecord.ASSERTION_LABEL, record.toAssertion()),
                Jumbf.cborAssertion(BMFF_HASH, bmff),
        };
        String[] labels = {ACTIONS, GenerationRecord.ASSERTION_LABEL, BMFF_HASH};
        List<Object> refs = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("url", "self#jumbf=" + ASSERTIONS + "/" + labels[i]);
            ref.put("hash", sha256(Arrays.copyOfRange(assertionBoxes[i], 8, assertionBoxes[i].length)));
            refs.add(ref);
        }
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("instanceID", "xmp:iid:" + uuid);
        claim.put("claim_generator_info", agent);
        claim.put("signature", "self#jumbf=/c2pa/" + label + "/" + SIGNATURE);
        claim.put("created_assertions", refs);
        claim.put("alg", "sha256");
        byte[] claimBytes = Cbor.encode(claim);

        byte[] cose = coseSign1(claimBytes, id, fakeSignature);
        byte[] manifest = Jumbf.superbox(Jumbf.MANIFEST, label,
                Jumbf.superbox(Jumbf.ASSERTION_STORE, ASSERTIONS, assertionBoxes),
                Jumbf.superbox(Jumbf.CLAIM, CLAIM, Jumbf.box("cbor", claimBytes)),
                Jumbf.superbox(Jumbf.SIGNATURE, SIGNATURE, Jumbf.box("cbor", cose)));
        return Jumbf.superbox(Jumbf.MANIFEST_STORE, "c2pa", manifest);
    }

    private static byte[] protectedHeader(SigningIdentity id) throws IOException {
        List<Object> chain = new ArrayList<>();
        try {
            for (X509Certificate c : id.chain()) chain.add(c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the certificate chain", e);
        }
        Map<Object, Object> prot = new LinkedHashMap<>();
        prot.put((long) 1, (long) COSE_ALG_ES256);
        prot.put((long) COSE_X5CHAIN, chain);
        return Cbor.encode(prot);
    }

    static byte[] sigStructure(byte[] protectedBytes, byte[] payload) {
        return Cbor.encode(List.of("Signature1", protectedBytes, new byte[0], payload));
    }

    private static byte[] coseSign1(byte[] claim, SigningIdentity id, byte[] fakeSignature) throws IOException {
        byte[] prot = protectedHeader(id);
        byte[] sig = fakeSignature != null ? fakeSignature : es256(id, sigStructure(prot, claim));
        List<Object> cose = new ArrayList<>();
        cose.add(prot);
        cose.add(new LinkedHashMap<>());
        cose.add(null); // detached: the payload is the claim box
        cose.add(sig);
        return Cbor.encode(new Cbor.Tagged(18, cose));
    }

    /** ES256 with RFC 6979 deterministic nonces, as raw r||s (COSE's format). */
    static byte[] es256(SigningIdentity id, byte[] message) throws IOException {
        try {
            ECPrivateKeyParameters p = (ECPrivateKeyParameters) ECUtil.generatePrivateKeyParameter(id.key());
            ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            s.init(true, p);
            BigInteger[] rs = s.generateSignature(sha256(message));
            byte[] out = new byte[64];
            put32(out, 0, rs[0]);
            put32(out, 32, rs[1]);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign the claim: " + e.getMessage(), e);
        }
    }

    private static void put32(byte[] out, int at, BigInteger v) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, at + 32 - n, n);
    }

    /** BMFF hash v2: over each top-level box except ftyp, C2PA uuid boxes and mfra, its 8-byte offset then its bytes. */
    static byte[] bmffV2Hash(byte[] file) throws IOException {
        MessageDigest md = sha256();
        for (Bmff.Box b : Bmff.topLevel(file)) {
            if (b.type().equals("ftyp") || b.type().equals("mfra") || isC2paBox(file, b)) continue;
            md.update(ByteBuffer.allocate(8).putLong(b.offset()).array());
            md.update(file, (int) b.offset(), (int) b.size());
        }
        return md.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) { return sha256().digest(data); }

    // ---------------------------------------------------------------- reading

    public enum Status { VALID, INVALID, MISSING }

    /**
     * What {@link #verify} found. {@code problems} lists every failed check (empty when VALID); {@code record} and
     * {@code signer} are filled when the manifest could be read, even if a check failed.
     */
    public record Report(Status status, List<String> problems, GenerationRecordView record, String signer,
                         String digitalSourceType, String manifestLabel) {
        public String summary() {
            return switch (status) {
                case VALID -> "valid (signed by " + signer + "; no trust list checked)";
                case MISSING -> "missing (" + String.join("; ", problems) + ")";
                case INVALID -> "invalid (" + String.join("; ", problems) + ")";
            };
        }
    }

    /** The Tessera assertion as read back. */
    public record GenerationRecordView(String prompt, Long seed, String model, String watermark) {}

    public static Report verify(byte[] file) {
        Bmff.Walk walk = Bmff.topLevelLenient(file);
        Bmff.Box c2pa = null;
        int count = 0;
        for (Bmff.Box b : walk.boxes()) if (isC2paBox(file, b)) { c2pa = b; count++; }
        if (c2pa == null) {
            String why = walk.problem() != null ? walk.problem() : "no C2PA manifest box in the file";
            return new Report(Status.MISSING, List.of(why), null, null, null, null);
        }
        List<String> problems = new ArrayList<>();
        if (walk.problem() != null) problems.add(walk.problem());
        if (count > 1) problems.add(count + " C2PA boxes (one expected)");
        GenerationRecordView view = null;
        String signer = null, dst = null, label = null;
        try {
            int p = (int) c2pa.offset() + 8 + 16 + 4;
            int end = (int) c2pa.end();
            int q = p;
            while (q < end && file[q] != 0) q++;
            String purpose = new String(file, p, q - p, StandardCharsets.US_ASCII);
            if (!purpose.equals("manifest")) throw new IOException("C2PA box purpose '" + purpose + "', expected 'manifest'");
            int jumbfAt = q + 1 + 8;
            Jumbf.Node store = Jumbf.parse(file, jumbfAt, end - jumbfAt);
            if (!store.isType(Jumbf.MANIFEST_STORE)) throw new IOException("JUMBF is not a C2PA manifest store");
            if (store.children().isEmpty()) throw new IOException("manifest store is empty");
            Jumbf.Node manifest = store.children().getLast();
            label = manifest.label();
            Jumbf.Node assertions = manifest.child(ASSERTIONS), claimBox = manifest.child(CLAIM), sigBox = manifest.child(SIGNATURE);
            if (assertions == null || claimBox == null || sigBox == null)
                throw new IOException("manifest lacks its assertion store, claim (v2) or signature");
            byte[] claimBytes = cborContent(claimBox);
            Map<?, ?> claim = asMap(Cbor.decode(claimBytes), "claim");
            // Assertions: each hashed URI must match its box.
            Object refs = claim.get("created_assertions");
            if (!(refs instanceof List<?> refList)) throw new IOException("claim has no created_assertions");
            boolean sawHardBinding = false;
            for (Object r : refList) {
                Map<?, ?> ref = asMap(r, "hashed URI");
                String url = String.valueOf(ref.get("url"));
                String alabel = url.substring(url.lastIndexOf('/') + 1);
                Jumbf.Node a = assertions.child(alabel);
                if (a == null) { problems.add("assertion " + alabel + " is missing"); continue; }
                if (!(ref.get("hash") instanceof byte[] h) || !Arrays.equals(h, sha256(a.payload())))
                    problems.add("assertion " + alabel + " does not match its hash in the claim");
                if (alabel.equals(BMFF_HASH)) {
                    sawHardBinding = true;
                    Map<?, ?> bm = asMap(Cbor.decode(cborContent(a)), BMFF_HASH);
                    if (walk.problem() != null) problems.add("video data cannot be hashed: the file is damaged");
                    else if (!(bm.get("hash") instanceof byte[] want) || !Arrays.equals(want, bmffV2Hash(file)))
                        problems.add("video data does not match the signed hash (the file was edited or re-encoded)");
                }
                if (alabel.equals(GenerationRecord.ASSERTION_LABEL)) {
                    Map<?, ?> g = asMap(Cbor.decode(cborContent(a)), "generation record");
                    view = new GenerationRecordView(str(g.get("prompt")), g.get("seed") instanceof Long l ? l : null,
                            str(g.get("model")), str(g.get("watermark")));
                }
                if (alabel.startsWith("c2pa.actions")) {
                    Map<?, ?> act = asMap(Cbor.decode(cborContent(a)), "actions");
                    if (act.get("actions") instanceof List<?> l && !l.isEmpty() && l.getFirst() instanceof Map<?, ?> first)
                        dst = str(first.get("digitalSourceType"));
                }
            }
            if (!sawHardBinding) problems.add("no BMFF hash assertion binds the manifest to the video");
            // Signature.
            Object cose = Cbor.decode(cborContent(sigBox));
            if (!(cose instanceof Cbor.Tagged t) || t.tag() != 18 || !(t.value() instanceof List<?> parts) || parts.size() != 4)
                throw new IOException("signature is not a COSE_Sign1");
            if (!(parts.get(0) instanceof byte[] prot) || !(parts.get(3) instanceof byte[] sig))
                throw new IOException("malformed COSE_Sign1");
            Map<?, ?> ph = asMap(Cbor.decode(prot), "COSE protected header");
            if (!Long.valueOf(COSE_ALG_ES256).equals(ph.get(1L))) throw new IOException("unsupported COSE algorithm " + ph.get(1L) + " (ES256 expected)");
            List<X509Certificate> chain = certificates(ph.get((long) COSE_X5CHAIN));
            X509Certificate leaf = chain.getFirst();
            signer = commonName(leaf.getSubjectX500Principal().getName())
                    + (chain.size() > 1 ? ", issued by " + commonName(chain.get(1).getSubjectX500Principal().getName()) : "");
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(leaf.getPublicKey());
            v.update(sigStructure(prot, claimBytes));
            if (!v.verify(sig)) problems.add("claim signature does not verify");
            for (int i = 0; i + 1 < chain.size(); i++) {
                try {
                    chain.get(i).verify(chain.get(i + 1).getPublicKey());
                } catch (GeneralSecurityException e) {
                    problems.add("certificate " + i + " is not signed by the next one in the chain");
                }
            }
            try {
                leaf.checkValidity();
            } catch (GeneralSecurityException e) {
                problems.add("signer certificate is expired or not yet valid");
            }
            String sigUrl = str(claim.get("signature"));
            if (sigUrl == null || !sigUrl.endsWith("/" + label + "/" + SIGNATURE)) problems.add("claim points to another signature: " + sigUrl);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problems.add("unreadable manifest: " + e.getMessage());
        }
        return new Report(problems.isEmpty() ? Status.VALID : Status.INVALID, List.copyOf(problems), view, signer, dst, label);
    }

    private static String commonName(String dn) {
        for (String part : dn.split(",")) if (part.strip().startsWith("CN=")) return part.strip().substring(3);
        return dn;
    }

    private static String str(Object o) { return o == null ? null : o.toString(); }

    private static byte[] cborContent(Jumbf.Node n) throws IOException {
        for (Jumbf.Content c : n.contents()) if (c.type().equals("cbor")) return c.payload();
        throw new IOException("box " + n.label() + " has no CBOR content");
    }

    private static Map<?, ?> asMap(Object o, String what) throws IOException {
        if (o instanceof Map<?, ?> m) return m;
        throw new IOException(what + " is not a CBOR map");
    }

    private static List<X509Certificate> certificates(Object x5) throws IOException, GeneralSecurityException {
        List<byte[]> ders = new ArrayList<>();
        if (x5 instanceof byte[] b) ders.add(b);
        else if (x5 instanceof List<?> l) for (Object o : l) if (o instanceof byte[] b) ders.add(b);
        if (ders.isEmpty()) throw new IOException("no x5chain in the COSE protected header");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] d : ders) out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(d)));
        return out;
    }
}
