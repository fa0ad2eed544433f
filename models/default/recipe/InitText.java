import dev.tessera.engine.DType;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.config.TextConfig;
import java.nio.file.Path;

/**
 * Writes the freshly initialised text encoder the default model's DiT run starts from (`train dit --text DIR`).
 *
 * Why: the `tiny` preset's text encoder (32 wide, 1 layer) cuts prompts at 96 bytes, and a third of SimBench's
 * prompts are longer (Chinese costs 3 bytes a character), so facts such as the relation sentence would be dropped.
 * The default model keeps the tiny DiT and VAE but uses a 64-wide, 2-layer byte encoder that reads 192 bytes — still
 * cheap next to the DiT. Presets are not changed; this is the only departure from `--preset tiny`.
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/InitText.java runs/text-init
 */
public class InitText {
    public static void main(String[] args) throws Exception {
        ModelConfig tiny = ModelConfig.preset("tiny");
        TextConfig text = new TextConfig(64, 2, 4, 192);
        DitConfig dit = DitConfig.preset("tiny", tiny.vae().latentChannels(), text.dim());
        ModelConfig cfg = new ModelConfig("tiny", tiny.vae(), text, dit, tiny.capabilities(), tiny.shiftBaseMu(), tiny.shiftMaxMu());
        TesseraModel.create(cfg, 7).save(Path.of(args[0]), DType.F32);
        System.out.println("wrote " + args[0] + ": " + cfg);
    }
}
