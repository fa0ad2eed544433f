import dev.tessera.engine.DType;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.sample.Sampler;
import java.nio.file.Path;

/**
 * Records the guidance a model folder generates with by default (model.json "guidance" and "guidanceMode", and the
 * same config in every safetensors file's metadata). The weights are rewritten unchanged (F32).
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/SetGuidance.java DIR SCALE [cfg|apg]
 */
public class SetGuidance {
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) throw new IllegalArgumentException("usage: SetGuidance DIR SCALE [cfg|apg]");
        Path dir = Path.of(args[0]);
        TesseraModel m = TesseraModel.load(dir);
        Sampler.Guidance mode = args.length == 3 ? Sampler.Guidance.valueOf(args[2].toUpperCase()) : m.config.guidanceMode();
        new TesseraModel(m.config.withGuidance(Double.parseDouble(args[1]), mode), m.vae, m.text, m.dit).save(dir, DType.F32);
        TesseraModel saved = TesseraModel.load(dir);
        System.out.println(dir + ": guidance " + saved.config.guidance() + " (" + saved.config.guidanceMode() + ")");
    }
}
