import dev.tessera.engine.DType;
import dev.tessera.model.TesseraModel;
import java.nio.file.Path;

/**
 * Records the classifier-free guidance scale a model folder generates with by default (model.json "guidance", and
 * the same config in every safetensors file's metadata). The weights are rewritten unchanged (F32).
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/SetGuidance.java DIR SCALE
 */
public class SetGuidance {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) throw new IllegalArgumentException("usage: SetGuidance DIR SCALE");
        Path dir = Path.of(args[0]);
        TesseraModel m = TesseraModel.load(dir);
        new TesseraModel(m.config.withGuidance(Double.parseDouble(args[1]), m.config.guidanceMode()), m.vae, m.text, m.dit).save(dir, DType.F32);
        System.out.println(dir + ": guidance " + TesseraModel.load(dir).config.guidance());
    }
}
