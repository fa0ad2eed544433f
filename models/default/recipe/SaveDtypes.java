import dev.tessera.engine.DType;
import dev.tessera.model.TesseraModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Rewrites a model folder with a storage dtype per component, e.g. {@code dit=BF16} to keep a larger DiT inside the
 * 60 MB budget while the VAE and text encoder stay F32. Components not named keep F32. Weights are otherwise unchanged
 * (loading converts bf16 back to F32).
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/SaveDtypes.java DIR [vae|text|dit=F32|BF16 ...]
 */
public class SaveDtypes {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: SaveDtypes DIR [component=F32|BF16 ...]");
        Path dir = Path.of(args[0]);
        Map<String, DType> dtypes = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("expected component=dtype, got " + args[i]);
            dtypes.put(kv[0], DType.valueOf(kv[1].toUpperCase()));
        }
        TesseraModel m = TesseraModel.load(dir);
        m.save(dir, c -> dtypes.getOrDefault(c, DType.F32));
        TesseraModel.load(dir);
        System.out.println(dir + ": " + dtypes + " (others F32)");
    }
}
