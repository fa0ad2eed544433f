package dev.tessera.eval;

import dev.tessera.world.Captioner;
import dev.tessera.world.Lang;
import dev.tessera.world.SceneParser;
import dev.tessera.world.SceneSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Dev aid (not a test): writes the default prompt set. Each scene line is parsed, resolved with seed 1000 + i, and
 * captioned by the world's captioner in English and in Chinese (short captions); a pair is kept only if both captions
 * parse back to the same SimBench facts. Usage: PromptSetTool SCENES OUT.
 */
public final class PromptSetTool {
    public static void main(String[] args) throws Exception {
        List<String> scenes = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        out.add("# SimBench default prompts: the same scene in English, then in Chinese (lines pair up for language agreement).");
        out.add("# Written by PromptSetTool from eval/src/test/resources/simbench/scenes.txt with the world's captioner.");
        WorldPrompts wp = new WorldPrompts();
        int i = 0;
        for (String scene : scenes) {
            if (scene.isBlank() || scene.startsWith("#")) continue;
            i++;
            SceneSpec spec = SceneParser.parse(scene, 0).resolve(1000 + i);
            String en = null, zh = null;
            for (int attempt = 0; attempt < 40 && en == null; attempt++) {
                Random r = new Random(1000L * i + attempt);
                String e = Captioner.caption(spec, Lang.EN, r, Captioner.Length.SHORT), z = Captioner.caption(spec, Lang.ZH, r, Captioner.Length.SHORT);
                try {
                    Facts fe = wp.facts(e), fz = wp.facts(z);
                    if (fe.core().equals(fz.core())) { en = e; zh = z; }
                } catch (IllegalArgumentException ex) {
                    System.err.println("skip caption (" + ex.getMessage() + "): " + e + " / " + z);
                }
            }
            if (en == null) {
                Random r = new Random(7);
                String e = Captioner.caption(spec, Lang.EN, r, Captioner.Length.SHORT), z = Captioner.caption(spec, Lang.ZH, r, Captioner.Length.SHORT);
                System.err.println("NO PAIR for scene: " + scene + "\n  " + e + "\n  " + wp.facts(e) + "\n  " + z + "\n  " + wp.facts(z) + "\n  " + wp.facts(scene));
                continue;
            }
            out.add(en);
            out.add(zh);
        }
        Files.write(Path.of(args[1]), out, StandardCharsets.UTF_8);
        System.out.println("wrote " + (out.size() - 2) + " prompts to " + args[1]);
    }
}
