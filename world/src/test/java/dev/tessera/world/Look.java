package dev.tessera.world;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Dev aid (not a test): renders prompts to PNG contact sheets for eyeballing. Usage: Look OUTDIR W H SECONDS "prompt"... */
public final class Look {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        int w = Integer.parseInt(args[1]), h = Integer.parseInt(args[2]);
        double secs = Double.parseDouble(args[3]);
        for (int i = 4; i < args.length; i++) {
            SceneSpec spec = args[i].startsWith("seed:") ? SceneSampler.sample(Long.parseLong(args[i].substring(5))) : SceneParser.parse(args[i], 1);
            Video.Collector c = new Video.Collector(w, h, 4);
            long t0 = System.nanoTime();
            Truth truth = World.render(spec, new RenderOptions(w, h, 4, secs, 1, 2), c);
            long t1 = System.nanoTime();
            Video v = c.video();
            int n = v.frameCount(), cols = Math.min(n, 4), rows = (n + cols - 1) / cols;
            BufferedImage img = new BufferedImage(w * cols, h * rows, BufferedImage.TYPE_INT_RGB);
            for (int f = 0; f < n; f++) {
                Frame fr = v.frames().get(f);
                img.setRGB((f % cols) * w, (f / cols) * h, w, h, fr.rgb(), 0, w);
            }
            ImageIO.write(img, "png", new File(out.toFile(), "look" + (i - 4) + ".png"));
            Files.writeString(out.resolve("look" + (i - 4) + ".json"), truth.toJson());
            System.out.printf("%d: %d frames in %.1f ms/frame: %s%n   %s%n", i - 4, n, (t1 - t0) / 1e6 / n, args[i], Captioner.caption(spec.resolve(1), Lang.EN, new java.util.Random(1)));
        }
    }
}
