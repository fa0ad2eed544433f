package dev.tessera.model.bench;

import dev.tessera.engine.F;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Video;
import dev.tessera.model.VideoTensors;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.loss.VaeLoss;
import dev.tessera.model.vae.VideoVae;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latent-channel measurement for the causal VAE at an equal, small training budget: trains one VAE per channel count
 * on the first 9 frames of some clips and reports reconstruction PSNR (peak-to-peak 2 in [−1, 1]) on held-out clips.
 * Usage: {@code VaeChannelSweep STEPS BASE TRAIN_DIR_PREFIX... -- HELDOUT... : z1 z2 ...} — see docs/model.md for the run.
 */
public final class VaeChannelSweep {
    private VaeChannelSweep() {}

    static Tensor clip(String path) throws Exception {
        Video v = Mp4Reader.read(Path.of(path));
        Tensor x = VideoTensors.toTensor(v.frames().subList(0, 9), v.width(), v.height()); // [1, 3, 9, H, W]
        // 2×2 average pooling: a quarter of the pixels keeps the sweep inside minutes on 2 cores
        int h = v.height() / 2, w = v.width() / 2;
        return x.reshape(1, 3, 9, h, 2, w, 2).mean(6, false).mean(4, false).contiguous();
    }

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]), base = Integer.parseInt(args[1]);
        List<Tensor> train = new ArrayList<>(), held = new ArrayList<>();
        List<Integer> zs = new ArrayList<>();
        int mode = 0;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--")) { mode = 1; continue; }
            if (args[i].equals(":")) { mode = 2; continue; }
            if (mode == 0) train.add(clip(args[i]));
            else if (mode == 1) held.add(clip(args[i]));
            else zs.add(Integer.parseInt(args[i]));
        }
        System.out.printf(Locale.ROOT, "%d train clips, %d held-out clips, 9 frames pooled 2x2 from 64x64, %d steps, base %d%n", train.size(), held.size(), steps, base);
        for (int z : zs) {
            VideoVae vae = new VideoVae(new VaeConfig(base, List.of(1, 2, 2), z, 8, 1e-4, 0, 1), new Rng(1));
            AdamW opt = new AdamW(vae.namedParameters(), 1e-3, 0f);
            Rng rng = new Rng(2);
            long t0 = System.nanoTime();
            double lastRec = 0;
            for (int s = 0; s < steps; s++) {
                opt.zeroGrad();
                VaeLoss.Result r = VaeLoss.compute(vae, train.get(rng.nextInt(train.size())), rng);
                r.loss().backward();
                opt.step();
                if (s >= steps - 20) lastRec += r.reconstruction().item() / 20;
            }
            double mse = 0;
            try (var g = Grad.off()) {
                for (Tensor x : held) mse += F.mse(vae.decode(vae.encode(x).mean()), x).item() / held.size();
            }
            System.out.printf(Locale.ROOT, "z=%d  params %,d  train recon MSE (last 20) %.4f  held-out MSE %.4f  PSNR %.2f dB  (%.0f s)%n",
                    z, vae.parameterCount(), lastRec, mse, 10 * Math.log10(4 / mse), (System.nanoTime() - t0) / 1e9);
        }
    }
}
