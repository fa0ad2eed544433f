package dev.tessera.eval;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Dev aid (not a test): renders prompts with the world, judges them, prints the checks and writes contact sheets. */
public final class Look {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].contains(" ")) { String[] head = args[0].split(" "); String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length); args = new String[head.length + rest.length]; System.arraycopy(head, 0, args, 0, head.length); System.arraycopy(rest, 0, args, head.length, rest.length); }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        int w = Integer.parseInt(args[1]), h = Integer.parseInt(args[2]);
        double fps = Double.parseDouble(args[3]), secs = Double.parseDouble(args[4]);
        for (int i = 5; i < args.length; i++) {
            Facts f = new WorldPrompts().facts(args[i]);
            Video v = WorldPrompts.render(args[i], w, h, fps, secs, 1);
            System.out.println("== " + args[i] + "\n   " + f);
            for (Check c : SimBench.judge(f, v)) System.out.println("   " + c.dimension() + " " + c.score() + " " + c.name() + " " + abbreviate(c.evidence().toString()));
            int n = v.frameCount(), cols = Math.min(n, 8), rows = (n + cols - 1) / cols;
            BufferedImage img = new BufferedImage(w * cols, h * rows, BufferedImage.TYPE_INT_RGB);
            for (int k = 0; k < n; k++) {
                Frame fr = v.frames().get(k);
                img.setRGB((k % cols) * w, (k / cols) * h, w, h, fr.rgb(), 0, w);
            }
            ImageIO.write(img, "png", new File(out.toFile(), "look" + (i - 5) + ".png"));
            // label map of frame 0 for eyeballing the colour model
            BufferedImage lab = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Frame f0 = v.frames().get(n / 2);
            for (int p = 0; p < w * h; p++) {
                int l = ColourModel.label(f0.rgb()[p]);
                lab.setRGB(p % w, p / w, l < 0 ? 0xff00ff : ColourModel.PALETTE[l].rgb);
            }
            ImageIO.write(lab, "png", new File(out.toFile(), "labels" + (i - 5) + ".png"));
        }
    }

    static String abbreviate(String s) { return s.length() > 400 ? s.substring(0, 400) + "..." : s; }

    static List<String> unused() { return List.of(); }
}
