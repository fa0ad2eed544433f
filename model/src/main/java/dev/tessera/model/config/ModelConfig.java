package dev.tessera.model.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.model.Capabilities;
import dev.tessera.model.sample.Sampler;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The whole model's configuration, saved as {@code model.json} in a model folder and in every safetensors file's
 * {@code __metadata__["config"]}.
 *
 * @param preset       the preset name it was built from (informational)
 * @param vae          compression network
 * @param text         text encoder
 * @param dit          diffusion transformer
 * @param capabilities sizes, frame rates and durations the model was trained for
 * @param shiftBaseMu  time shift at 256 tokens (Flux: 0.5)
 * @param shiftMaxMu   time shift at 4096 tokens (Flux: 1.15)
 * @param guidance     the classifier-free guidance scale generation uses when none is asked for: measured per
 *                     trained model (the default model's is chosen on SimBench, docs/default-model.md); 4 for new and
 *                     older models
 * @param guidanceMode how generation combines the conditional and unconditional velocities by default (CFG or APG,
 *                     {@link Sampler.Guidance}); CFG for models that name none
 */
public record ModelConfig(String preset, VaeConfig vae, TextConfig text, DitConfig dit, Capabilities capabilities,
                          double shiftBaseMu, double shiftMaxMu, double guidance, Sampler.Guidance guidanceMode) {
    public static final double DEFAULT_GUIDANCE = 4.0;

    /** With the default guidance scale. */
    public ModelConfig(String preset, VaeConfig vae, TextConfig text, DitConfig dit, Capabilities capabilities,
                       double shiftBaseMu, double shiftMaxMu) {
        this(preset, vae, text, dit, capabilities, shiftBaseMu, shiftMaxMu, DEFAULT_GUIDANCE, Sampler.Guidance.CFG);
    }

    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    public ModelConfig {
        if (vae == null || text == null || dit == null || capabilities == null)
            throw new IllegalArgumentException("model config needs vae, text, dit and capabilities");
        if (dit.latentChannels() != vae.latentChannels())
            throw new IllegalArgumentException("dit latentChannels " + dit.latentChannels() + " != vae latentChannels " + vae.latentChannels());
        if (dit.contextDim() != text.dim())
            throw new IllegalArgumentException("dit contextDim " + dit.contextDim() + " != text dim " + text.dim());
        if (!(guidance >= 1 && guidance <= 100)) throw new IllegalArgumentException("guidance must be 1..100: " + guidance);
        if (guidanceMode == null) throw new IllegalArgumentException("guidanceMode must be CFG or APG");
    }

    public ModelConfig withGuidance(double g, Sampler.Guidance mode) {
        return new ModelConfig(preset, vae, text, dit, capabilities, shiftBaseMu, shiftMaxMu, g, mode);
    }

    public static ModelConfig preset(String name) {
        VaeConfig v = VaeConfig.preset(name);
        TextConfig t = TextConfig.preset(name);
        return new ModelConfig(name, v, t, DitConfig.preset(name, v.latentChannels(), t.dim()), Capabilities.DEFAULT, 0.5, 1.15);
    }

    public dev.tessera.model.flow.TimeShift timeShift() {
        return new dev.tessera.model.flow.TimeShift(256, shiftBaseMu, 4096, shiftMaxMu);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates; any missing, unknown or invalid field is one clear message. */
    public static ModelConfig fromJson(String json) {
        try {
            // configs written before the VAE shortcut, the guidance fields, the DiT's text positions and the VAE's time
            // compression setting existed read as "shortcut": false, "guidance": 4, "guidanceMode": "CFG",
            // "textPositions": 0, "timeDown": 4 and "timeScale": 1; every other field stays required
            var tree = JSON.readTree(json);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("guidance")) o.put("guidance", DEFAULT_GUIDANCE);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("guidanceMode")) o.put("guidanceMode", "CFG");
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.get("vae") instanceof com.fasterxml.jackson.databind.node.ObjectNode v
                    && !v.has("shortcut")) v.put("shortcut", false);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.get("vae") instanceof com.fasterxml.jackson.databind.node.ObjectNode v
                    && !v.has("shortcutUpsample")) v.put("shortcutUpsample", "nearest");
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.get("vae") instanceof com.fasterxml.jackson.databind.node.ObjectNode v
                    && !v.has("timeDown")) v.put("timeDown", 4);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.get("dit") instanceof com.fasterxml.jackson.databind.node.ObjectNode d
                    && !d.has("textPositions")) d.put("textPositions", 0); // DiTs before the text position table
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.get("dit") instanceof com.fasterxml.jackson.databind.node.ObjectNode d
                    && !d.has("timeScale")) d.put("timeScale", 1.0); // DiTs before the time scale: latent frame k at k
            return JSON.treeToValue(tree, ModelConfig.class);
        } catch (IOException e) {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof IllegalArgumentException)) c = c.getCause();
            String msg = c instanceof IllegalArgumentException ? c.getMessage()
                    : e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("bad model config: " + msg, e);
        }
    }

    @Override public String toString() {
        return "model " + preset + ": dit " + dit.dim() + "d x" + dit.depth() + " (" + dit.heads() + " heads, patch "
                + dit.patchT() + "x" + dit.patchS() + "x" + dit.patchS() + "), text " + text.dim() + "d x" + text.depth()
                + ", vae " + vae.baseChannels() + "ch " + vae.mult() + " -> " + vae.latentChannels() + " latent channels";
    }
}
