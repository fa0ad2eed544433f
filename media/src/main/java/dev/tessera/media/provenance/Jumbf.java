package dev.tessera.media.provenance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: a superbox {@code jumb} holds a description box {@code jumd}
 * (type UUID, toggles, label) and then content boxes ({@code cbor}, {@code json}) or further superboxes.
 */
public final class Jumbf {
    private Jumbf() {}

    private static byte[] c2paUuid(String fourCc) {
        byte[] u = HexFormat.of().parseHex("00000000" + "00110010800000AA00389B71");
        System.arraycopy(fourCc.getBytes(StandardCharsets.US_ASCII), 0, u, 0, 4);
        return u;
    }

    public static final byte[] MANIFEST_STORE = c2paUuid("c2pa"), MANIFEST = c2paUuid("c2ma"),
            ASSERTION_STORE = c2paUuid("c2as"), CLAIM = c2paUuid("c2cl"), SIGNATURE = c2paUuid("c2cs"),
            CBOR = c2paUuid("cbor"), JSON = c2paUuid("json");

    public static byte[] box(String type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(payload);
        return b.array();
    }

    /** A description box: requestable, labelled. */
    public static byte[] description(byte[] typeUuid, String label) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(16 + 1 + l.length + 1);
        b.put(typeUuid).put((byte) 0x03).put(l).put((byte) 0);
        return box("jumd", b.array());
    }

    public static byte[] superbox(byte[] typeUuid, String label, byte[]... contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(description(typeUuid, label));
        for (byte[] c : contents) out.writeBytes(c);
        return box("jumb", out.toByteArray());
    }

    public static byte[] cborAssertion(String label, Object value) {
        return superbox(CBOR, label, box("cbor", Cbor.encode(value)));
    }

    /** A parsed superbox: its label, type, the box's bytes and payload range, and its children. */
    public record Node(String label, byte[] type, byte[] data, int offset, int size, List<Node> children, List<Content> contents) {
        public Node child(String l) {
            for (Node n : children) if (n.label().equals(l)) return n;
            return null;
        }

        /** The superbox minus its own 8-byte header: what a C2PA hashed URI covers. */
        public byte[] payload() { return Arrays.copyOfRange(data, offset + 8, offset + size); }

        public boolean isType(byte[] t) { return Arrays.equals(type, t); }
    }

    /** A content box inside a superbox: its four-character type and payload. */
    public record Content(String type, byte[] payload) {}

    public static Node parse(byte[] data, int offset, int length) throws IOException {
        return parse(data, offset, length, 0);
    }

    private static Node parse(byte[] data, int offset, int length, int depth) throws IOException {
        if (depth > 16) throw new IOException("JUMBF nested too deep");
        if (length < 8) throw new IOException("JUMBF box too short");
        int size = ByteBuffer.wrap(data, offset, 4).getInt();
        String type = new String(data, offset + 4, 4, StandardCharsets.ISO_8859_1);
        if (!type.equals("jumb")) throw new IOException("expected a JUMBF superbox, found '" + type + "'");
        if (size < 8 || size > length) throw new IOException("JUMBF superbox size " + size + " does not fit in " + length + " bytes");
        int p = offset + 8, end = offset + size;
        byte[] typeUuid = null;
        String label = "";
        List<Node> children = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        boolean first = true;
        while (p < end) {
            if (end - p < 8) throw new IOException("JUMBF: stray bytes");
            int bs = ByteBuffer.wrap(data, p, 4).getInt();
            String bt = new String(data, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (bs < 8 || bs > end - p) throw new IOException("JUMBF: box '" + bt + "' size " + bs + " out of range");
            if (first) {
                if (!bt.equals("jumd") || bs < 8 + 17) throw new IOException("JUMBF superbox without a description box");
                typeUuid = Arrays.copyOfRange(data, p + 8, p + 24);
                int toggles = data[p + 24] & 255;
                if ((toggles & 0x02) != 0) {
                    int q = p + 25;
                    while (q < p + bs && data[q] != 0) q++;
                    label = new String(data, p + 25, q - (p + 25), StandardCharsets.UTF_8);
                }
                first = false;
            } else if (bt.equals("jumb")) {
                children.add(parse(data, p, bs, depth + 1));
            } else {
                contents.add(new Content(bt, Arrays.copyOfRange(data, p + 8, p + bs)));
            }
            p += bs;
        }
        if (typeUuid == null) throw new IOException("empty JUMBF superbox");
        return new Node(label, typeUuid, data, offset, size, children, contents);
    }
}
