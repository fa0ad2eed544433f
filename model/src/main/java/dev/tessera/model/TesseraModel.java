package dev.tessera.model;

import dev.tessera.engine.DType;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.io.Safetensors;
import dev.tessera.engine.nn.Module;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.dit.DiffusionTransformer;
import dev.tessera.model.text.TextEncoder;
import dev.tessera.model.vae.VideoVae;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three networks and their config, and the model-folder format:
 * <pre>
 *   DIR/model.json          the {@link ModelConfig} (human-readable)
 *   DIR/vae.safetensors     VideoVae weights      __metadata__: format, component, config (same JSON)
 *   DIR/text.safetensors    TextEncoder weights
 *   DIR/dit.safetensors     DiffusionTransformer weights
 * </pre>
 * Loading is strict: every file must exist, name its component, carry the same config as model.json, and hold
 * exactly the parameters the config builds (names and shapes); any difference is one clear error naming the file.
 */
public final class TesseraModel {
    public static final String FORMAT = "tessera-model-v" + ModelConfig.FORMAT_VERSION;
    public static final String[] COMPONENTS = {"vae", "text", "dit"};

    public final ModelConfig config;
    public final VideoVae vae;
    public final TextEncoder text;
    public final DiffusionTransformer dit;

    public TesseraModel(ModelConfig config, VideoVae vae, TextEncoder text, DiffusionTransformer dit) {
        this.config = config;
        this.vae = vae;
        this.text = text;
        this.dit = dit;
    }

    /** Freshly initialised networks for a config; each network draws from its own fork of {@code seed}. */
    public static TesseraModel create(ModelConfig config, long seed) {
        Rng rng = new Rng(seed);
        return new TesseraModel(config, new VideoVae(config.vae(), rng.fork("vae")),
                new TextEncoder(config.text(), rng.fork("text")), new DiffusionTransformer(config.dit(), rng.fork("dit")));
    }

    public Module component(String name) {
        return switch (name) {
            case "vae" -> vae;
            case "text" -> text;
            case "dit" -> dit;
            default -> throw new IllegalArgumentException("unknown component '" + name + "'; allowed: vae, text, dit");
        };
    }

    public long parameterCount() { return vae.parameterCount() + text.parameterCount() + dit.parameterCount(); }

    /** Writes the folder; weights as {@code dtype} (F32 or BF16). Each file is written atomically. */
    public void save(Path dir, DType dtype) throws IOException {
        save(dir, c -> dtype);
    }

    /**
     * Writes the folder with a storage dtype per component ({@code "vae"}, {@code "text"}, {@code "dit"} → F32 or
     * BF16), e.g. a bf16 DiT beside an F32 VAE: loading converts every file back to F32, whatever it holds.
     */
    public void save(Path dir, java.util.function.Function<String, DType> dtypeOf) throws IOException {
        Files.createDirectories(dir);
        String json = config.toJson();
        for (String c : COMPONENTS) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("component", c);
            meta.put("config", json);
            Safetensors.save(dir.resolve(c + ".safetensors"), component(c).stateDict(), meta, dtypeOf.apply(c));
        }
        Path tmp = Files.createTempFile(dir, "model", ".json.tmp");
        Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads a model folder strictly (see the class comment). */
    public static TesseraModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model folder " + dir + " does not exist");
        Path jsonPath = dir.resolve("model.json");
        String json;
        try {
            json = Files.readString(jsonPath, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("model folder " + dir + " has no model.json");
        }
        ModelConfig config = ModelConfig.fromJson(json);
        TesseraModel m = create(config, 0);
        for (String c : COMPONENTS) {
            Path f = dir.resolve(c + ".safetensors");
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("model folder " + dir + " has no " + c + ".safetensors");
            try (Safetensors.Contents contents = Safetensors.read(f)) {
                Map<String, String> meta = contents.metadata();
                if (!FORMAT.equals(meta.get("format")) || !c.equals(meta.get("component")))
                    throw new IllegalArgumentException(f + " is not a Tessera " + c + " checkpoint (metadata format="
                            + meta.get("format") + ", component=" + meta.get("component") + ")");
                String cfg = meta.get("config");
                if (cfg == null || !ModelConfig.fromJson(cfg).equals(config))
                    throw new IllegalArgumentException(f + " was saved with a different config than " + jsonPath);
                try {
                    m.component(c).loadStateDict(contents.tensors(), true);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
                }
            } catch (dev.tessera.engine.io.SafetensorsException e) {
                throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
            }
        }
        return m;
    }

    /** Parameter counts per component, for printing. */
    public String summary() {
        return config + String.format("%nparameters: dit %,d  text %,d  vae %,d  total %,d (%.1f MB as bf16)",
                dit.parameterCount(), text.parameterCount(), vae.parameterCount(), parameterCount(), parameterCount() * 2 / 1e6);
    }

    /** Normalises a VAE latent for the DiT: (z − shift)·scale. */
    public Tensor normaliseLatent(Tensor z) {
        return z.sub((float) config.vae().latentShift()).mul((float) config.vae().latentScale());
    }

    /** Inverse of {@link #normaliseLatent}. */
    public Tensor denormaliseLatent(Tensor z) {
        return z.div((float) config.vae().latentScale()).add((float) config.vae().latentShift());
    }

    /**
     * The VAE's reconstruction of a clip of {@code 1 + td·k} frames (td: its time compression): decode(posterior mean of encode(clip)), its first
     * {@code keep} frames. It is the best a DiT on this VAE can produce, since every generated video is a decoded latent
     * ({@code eval --reconstruct}).
     */
    public dev.tessera.media.Video reconstruct(dev.tessera.media.Video clip, int keep) {
        if (keep < 1 || keep > clip.frameCount())
            throw new IllegalArgumentException("keep " + keep + " of a " + clip.frameCount() + "-frame clip");
        try (var g = dev.tessera.engine.Grad.off()) {
            Tensor z = vae.encode(VideoTensors.toTensor(clip)).mean();
            return VideoTensors.toVideo(vae.decode(z), 0, keep, clip.fps());
        }
    }
}
