package dev.tessera.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.media.provenance.Verifier;
import dev.tessera.media.provenance.Watermark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./tessera verify FILE}: checks the C2PA manifest and the invisible watermark and says what it found.
 * Exit 0 = Tessera-generated and intact; 1 = no Tessera mark; 2 = mark found but the manifest is missing or broken.
 * Unreadable input (empty, not a video, truncated) is one line on stderr with exit 1 or 2 (2 when a mark was found).
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a video's provenance: C2PA manifest, invisible watermark, recorded prompt/seed/model. "
        + "Exit 0: Tessera-generated and intact; 1: no Tessera mark; 2: mark found but manifest missing or broken.")
public final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "video to check (MP4; other formats are checked for the watermark only)")
    Path file;

    @Option(names = "--json", description = "print one JSON object instead of the report")
    boolean json;

    @Option(names = "--watermark-key", paramLabel = "TEXT", description = "watermark key (default: Tessera's public default key)")
    String key;

    @Override public Integer call() throws IOException {
        if (!Files.exists(file)) throw new ExitCodeException(1, file + ": no such file");
        if (Files.isDirectory(file)) throw new ExitCodeException(1, file + ": is a folder, not a video file");
        Verifier.Verification v = Verifier.verify(file, key == null ? Watermark.Key.TESSERA_DEFAULT : Watermark.Key.of(key));
        int code = v.exitCode();
        if (v.fileProblem() != null && !json) {
            String found = code == 2 ? "; Tessera mark found but the file is not intact (manifest " + v.manifest().status().name().toLowerCase() + ")"
                    : "; no Tessera mark found";
            throw new ExitCodeException(code, file + ": " + v.fileProblem() + found);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("exit", code);
            m.put("verdict", v.verdict());
            m.put("manifest", v.manifest().status().name().toLowerCase());
            m.put("manifest_problems", v.manifest().problems());
            m.put("signer", v.manifest().signer());
            m.put("file_problem", v.fileProblem());
            if (v.watermark() != null) {
                m.put("watermark_detected", v.watermark().detected());
                m.put("watermark_z", Math.round(v.watermark().z() * 100) / 100.0);
                m.put("watermark_payload", v.watermark().detected() ? v.watermark().payloadHex() : null);
            }
            var r = v.manifest().record();
            if (r != null) {
                m.put("prompt", r.prompt());
                m.put("seed", r.seed());
                m.put("model", r.model());
            }
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            v.lines().forEach(out::println);
        }
        out.flush();
        return code;
    }
}
