package dev.tessera.media.provenance;

import dev.tessera.media.Frame;
import dev.tessera.media.Mp4Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./tessera verify} checks: the C2PA manifest (by {@link C2pa#verify}) and the invisible watermark (on up
 * to the first {@value #MAX_FRAMES} decoded frames), and what it concludes.
 *
 * <p>Verdicts and exit codes: 0 = a valid Tessera manifest (Tessera-generated and intact); 1 = no Tessera mark at
 * all (no Tessera manifest, no watermark); 2 = a Tessera mark (watermark, or a Tessera manifest) but the manifest is
 * missing or broken, e.g. re-encoded, edited or truncated.
 */
public final class Verifier {
    private Verifier() {}

    public static final int MAX_FRAMES = 240;
    /** The whole file is hashed in memory; generated clips are far smaller than this. */
    public static final long MAX_BYTES = 1L << 30;

    /**
     * {@code fileProblem} is set when the input is not a readable video (empty, not a video, truncated): the CLI
     * prints it as one line. {@code watermark} is null when no frame could be decoded.
     */
    public record Verification(Path file, C2pa.Report manifest, Watermark.Detection watermark, String fileProblem) {
        public boolean tesseraManifest() { return manifest.record() != null; }

        public boolean markFound() {
            return tesseraManifest() || watermark != null && watermark.detected();
        }

        public int exitCode() {
            if (manifest.status() == C2pa.Status.VALID && tesseraManifest()) return 0;
            return markFound() ? 2 : 1;
        }

        public String verdict() {
            return switch (exitCode()) {
                case 0 -> "Tessera-generated and intact";
                case 2 -> "Tessera mark found, but the manifest is " + (manifest.status() == C2pa.Status.MISSING ? "missing" : "broken")
                        + " (re-encoded, edited or damaged copy)";
                default -> manifest.status() == C2pa.Status.VALID ? "has a valid C2PA manifest, but not from Tessera" : "no Tessera mark found";
            };
        }

        /** The human report, one fact a line. */
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("file:      " + file);
            l.add("manifest:  " + manifest.summary());
            if (manifest.digitalSourceType() != null) l.add("source:    " + manifest.digitalSourceType());
            if (watermark == null) l.add("watermark: not checked (" + fileProblem + ")");
            else l.add(String.format("watermark: %s (z = %.1f, threshold %.1f%s)", watermark.detected() ? "detected, payload " + watermark.payloadHex() : "not detected",
                    watermark.z(), Watermark.Z_THRESHOLD, watermark.detected() ? "" : watermark.crcOk() ? "" : ", payload CRC failed"));
            var r = manifest.record();
            if (r != null) {
                l.add("prompt:    " + r.prompt());
                l.add("seed:      " + r.seed());
                l.add("model:     " + r.model());
                if (watermark != null && watermark.detected() && r.watermark() != null)
                    l.add("match:     watermark payload " + (r.watermark().equals(watermark.payloadHex()) ? "matches" : "DIFFERS FROM") + " the manifest's record");
            }
            l.add("verdict:   " + verdict());
            return l;
        }
    }

    public static Verification verify(Path file, Watermark.Key key) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        if (Files.size(file) > MAX_BYTES)
            throw new IOException(file + ": " + Files.size(file) / (1 << 20) + " MiB is more than verify reads (" + MAX_BYTES / (1 << 20) + " MiB)");
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            return new Verification(file, new C2pa.Report(C2pa.Status.MISSING, List.of("empty file"), null, null, null, null), null, "empty file, not a video");
        }
        C2pa.Report manifest = C2pa.verify(bytes);
        Watermark.Detection wm = null;
        String problem = null;
        List<Frame> frames = new ArrayList<>();
        try (Mp4Reader r = Mp4Reader.open(file)) {
            for (Frame f; frames.size() < MAX_FRAMES && (f = r.next()) != null; ) frames.add(f);
            if (frames.isEmpty()) problem = "no decodable video frames";
        } catch (IOException e) {
            problem = e.getMessage().replace(file + ": ", "");
        }
        if (!frames.isEmpty()) wm = new Watermark(key).detect(frames);
        // An MP4 (ftyp first) whose boxes do not add up is truncated or damaged even if some frames decode.
        boolean looksMp4 = bytes.length >= 8 && new String(bytes, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ftyp");
        var walk = dev.tessera.media.Bmff.topLevelLenient(bytes);
        if (problem == null && looksMp4 && walk.problem() != null) problem = walk.problem();
        return new Verification(file, manifest, wm, problem);
    }
}
