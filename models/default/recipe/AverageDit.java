import dev.tessera.engine.DType;
import dev.tessera.engine.Tensor;
import dev.tessera.model.TesseraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes OUT: model folder A with its DiT weights replaced by W·A + (1 − W)·B element-wise, W = 0.5 unless given: the
 * mean of two DiTs (a two-model "soup"; both must be the same architecture, e.g. two fine-tunes from one init), or
 * with W > 1 an extrapolation from B through A (A a fine-tune of B: W = 1.5 goes half the fine-tune's step further).
 * VAE, text encoder and model.json are A's; the DiT is stored as bf16, the rest as F32 (the default model's storage).
 * Measured in the thirty-first and thirty-second sessions (docs/default-model.md); not part of the shipped model's
 * recipe.
 *
 * Run: java --add-modules jdk.incubator.vector -cp "cli/target/tessera-cli.jar:cli/target/lib/*" \
 *          models/default/recipe/AverageDit.java A B OUT [W]
 */
public class AverageDit {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("AverageDit: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4)
            throw new IllegalArgumentException("usage: AverageDit A B OUT [W] (three model folders, W the weight of A, default 0.5)");
        float w = 0.5f;
        if (args.length == 4) {
            try {
                w = Float.parseFloat(args[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("W must be a number, got " + args[3]);
            }
            if (!Float.isFinite(w) || w < -4 || w > 4) throw new IllegalArgumentException("W must be between -4 and 4, got " + args[3]);
        }
        Path out = Path.of(args[2]).toAbsolutePath();
        if (Files.exists(out)) throw new IllegalArgumentException("OUT exists, refusing to overwrite: " + out);
        TesseraModel a = TesseraModel.load(Path.of(args[0]));
        TesseraModel b = TesseraModel.load(Path.of(args[1]));
        Map<String, Tensor> pa = a.component("dit").namedParameters(), pb = b.component("dit").namedParameters();
        if (!pa.keySet().equals(pb.keySet())) throw new IllegalArgumentException("the two DiTs have different tensors");
        for (var e : pa.entrySet()) {
            Tensor t = pb.get(e.getKey());
            if (!Arrays.equals(e.getValue().shape(), t.shape()))
                throw new IllegalArgumentException("the two DiTs' shapes differ for " + e.getKey());
            float[] x = e.getValue().buffer(), y = t.data();
            for (int i = 0; i < x.length; i++) x[i] = w * x[i] + (1 - w) * y[i];
        }
        // Written beside OUT and renamed at the end, so a failure leaves no half-written model folder.
        Path tmp = Files.createTempDirectory(out.getParent(), out.getFileName() + ".tmp");
        try {
            a.save(tmp, c -> c.equals("dit") ? DType.BF16 : DType.F32);
            TesseraModel.load(tmp);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) Files.delete(f);
                Files.delete(tmp);
            }
        }
        System.out.println("wrote " + out + " (" + pa.size() + " DiT tensors: " + w + "·A + " + (1 - w) + "·B)");
    }
}
