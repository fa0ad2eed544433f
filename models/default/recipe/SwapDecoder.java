import dev.tessera.engine.DType;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.Rng;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.vae.VideoVae;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a model folder whose VAE decoder comes from a decoder fine-tune ({@code train vae --decoder-noise}) and
 * everything else from a DiT model folder. Refuses unless the two VAEs share the config (latent statistics included)
 * (except how the decoder spreads the shortcut, which a fine-tune may switch) and every encoder weight bit for bit:
 * only then are the DiT's latents the same. Dtypes per component as in
 * SaveDtypes (F32 unless named).
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/SwapDecoder.java DIT_MODEL DECODER_MODEL OUT [dit=BF16 ...]
 */
public class SwapDecoder {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) throw new IllegalArgumentException("usage: SwapDecoder DIT_MODEL DECODER_MODEL OUT [component=F32|BF16 ...]");
        TesseraModel m0 = TesseraModel.load(Path.of(args[0])), d = TesseraModel.load(Path.of(args[1]));
        // the fine-tune may have switched how the decoder spreads the shortcut; nothing else may differ
        if (!m0.config.vae().withShortcutUpsample(d.config.vae().shortcutUpsample()).equals(d.config.vae()))
            throw new IllegalArgumentException("the VAE configs differ: " + m0.config.vae() + " vs " + d.config.vae());
        ModelConfig c = m0.config;
        ModelConfig mc = new ModelConfig(c.preset(), d.config.vae(), c.text(), c.dit(), c.capabilities(), c.shiftBaseMu(),
                c.shiftMaxMu(), c.guidance(), c.guidanceMode());
        TesseraModel m = new TesseraModel(mc, new VideoVae(d.config.vae(), new Rng(0)), m0.text, m0.dit);
        m.vae.loadStateDict(m0.vae.stateDict(), true);
        Map<String, Tensor> mine = m.vae.stateDict(), theirs = d.vae.stateDict(), merged = new HashMap<>();
        for (var e : mine.entrySet()) {
            Tensor t = theirs.get(e.getKey());
            if (e.getKey().startsWith("encoder.") && !Arrays.equals(e.getValue().toArray(), t.toArray()))
                throw new IllegalArgumentException("encoder weight " + e.getKey() + " differs: not a decoder fine-tune of this VAE");
            merged.put(e.getKey(), e.getKey().startsWith("decoder.") ? t : e.getValue());
        }
        m.vae.loadStateDict(merged, true);
        Map<String, DType> dtypes = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            dtypes.put(kv[0], DType.valueOf(kv[1].toUpperCase()));
        }
        Path out = Path.of(args[2]);
        m.save(out, k -> dtypes.getOrDefault(k, DType.F32));
        TesseraModel.load(out);
        System.out.println(out + ": DiT and text of " + args[0] + ", VAE decoder of " + args[1] + " " + dtypes);
    }
}
