import dev.tessera.engine.DType;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import java.nio.file.Path;

/**
 * Records the longest clip a model folder generates in one window (model.json "capabilities.maxSeconds", and the same
 * config in every safetensors file's metadata). The weights are rewritten unchanged (F32). Used when a model trained
 * on shorter clips was measured at the longer duration (docs/default-model.md says what was measured).
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/SetMaxSeconds.java DIR SECONDS
 */
public class SetMaxSeconds {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) throw new IllegalArgumentException("usage: SetMaxSeconds DIR SECONDS");
        Path dir = Path.of(args[0]);
        TesseraModel m = TesseraModel.load(dir);
        ModelConfig c = m.config;
        Capabilities k = c.capabilities();
        Capabilities longer = new Capabilities(k.sizes(), k.fps(), k.minSeconds(), Double.parseDouble(args[1]));
        ModelConfig next = new ModelConfig(c.preset(), c.vae(), c.text(), c.dit(), longer, c.shiftBaseMu(), c.shiftMaxMu(),
                c.guidance(), c.guidanceMode());
        new TesseraModel(next, m.vae, m.text, m.dit).save(dir, DType.F32);
        TesseraModel saved = TesseraModel.load(dir);
        System.out.println(dir + ": " + saved.config.capabilities().minSeconds() + "–" + saved.config.capabilities().maxSeconds() + " s");
    }
}
