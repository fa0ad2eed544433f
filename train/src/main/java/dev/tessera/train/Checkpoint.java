package dev.tessera.train;

import dev.tessera.engine.Tensor;
import dev.tessera.engine.io.Safetensors;
import dev.tessera.engine.io.SafetensorsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's resumable state in one safetensors file, {@code RUN/checkpoint.safetensors}, replaced atomically (temp file
 * + rename) so a kill at any moment leaves the previous or the new checkpoint, never a torn one.
 * <pre>
 * tensors   model.vae.* model.text.* model.dit.*   every network of the run (frozen ones too: a run is self-contained)
 *           head.*                                  the masked-byte head of a text pre-training run
 *           ema.&lt;name&gt;                             EMA of each trained parameter (name = "dit.blocks.0...", ...)
 *           optim.&lt;name&gt;.exp_avg / .exp_avg_sq     AdamW moments
 * metadata  format, kind, step, micro (data cursor), ema_updates, optim.* (AdamW step and hyper-parameters),
 *           train_config (TrainConfig JSON), model_config (ModelConfig JSON), wall_seconds
 * </pre>
 * Nothing else is needed to continue bit-exactly: every random draw of step s is forked from (seed, s), and the data
 * of micro-batch m is a pure function of (seed, m) (see {@link BatchPlan}).
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public static final String FORMAT = "tessera-train-checkpoint-v1";
    public static final String FILE = "checkpoint.safetensors";

    public void save(Path runDir) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("format", FORMAT);
        Safetensors.save(runDir.resolve(FILE), tensors, meta);
    }

    public static boolean exists(Path runDir) { return Files.isRegularFile(runDir.resolve(FILE)); }

    public static Checkpoint load(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isDirectory(runDir)) throw new IllegalArgumentException("run folder " + runDir + " does not exist");
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + runDir + " has no " + FILE + " to resume from");
        try (Safetensors.Contents c = Safetensors.read(f)) {
            if (!FORMAT.equals(c.metadata().get("format")))
                throw new IllegalArgumentException(f + " is not a Tessera training checkpoint (format " + c.metadata().get("format") + ")");
            Map<String, Tensor> copy = new LinkedHashMap<>();
            c.tensors().forEach((k, t) -> copy.put(k, t.copy()));
            return new Checkpoint(copy, Map.copyOf(c.metadata()));
        } catch (SafetensorsException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint's metadata alone (no tensor is copied): the run's configs and its step. */
    public static Map<String, String> metadata(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("run folder " + runDir + " has no " + FILE);
        try (Safetensors.Contents c = Safetensors.read(f)) {
            if (!FORMAT.equals(c.metadata().get("format")))
                throw new IllegalArgumentException(f + " is not a Tessera training checkpoint (format " + c.metadata().get("format") + ")");
            return Map.copyOf(c.metadata());
        } catch (SafetensorsException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
    }

    /** Tensors under {@code prefix + "."}, with the prefix removed. */
    public Map<String, Tensor> under(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        String p = prefix + ".";
        tensors.forEach((k, t) -> { if (k.startsWith(p)) out.put(k.substring(p.length()), t); });
        return out;
    }

    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) throw new IllegalArgumentException("checkpoint metadata lacks '" + key + "'");
        return v;
    }
}
