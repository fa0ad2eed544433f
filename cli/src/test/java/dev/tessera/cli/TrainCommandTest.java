package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.TesseraModel;
import dev.tessera.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tessera train end to end on world data at a tiny size: vae, then dit with that vae, then resume; bad input. */
class TrainCommandTest {
    @TempDir Path tmp;

    @Test void vaeThenDitThenResume() throws Exception {
        String vae = tmp.resolve("vae").toString(), dit = tmp.resolve("dit").toString();
        var r = TesseraCliTest.run("train", "vae", "--preset", "tiny", "--steps", "2", "--batch", "2", "--sizes", "32x32,48x32",
                "--frames", "1,5", "--out", vae, "--no-progress", "--sample-every", "0", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("vae/samples/step-000002.png")));
        r = TesseraCliTest.run("train", "dit", "--preset", "tiny", "--vae", vae, "--steps", "2", "--batch", "2", "--accum", "2",
                "--sizes", "32x32", "--frames", "1,5", "--out", dit, "--no-progress", "--sample-steps", "2");
        assertEquals(0, r.code(), r.err());
        r = TesseraCliTest.run("train", "dit", "--resume", dit, "--steps", "4", "--stop-at", "3", "--no-progress", "--lr", "0.5");
        assertEquals(0, r.code(), r.err());
        assertEquals("3", Checkpoint.load(tmp.resolve("dit")).meta("step"), "stopped after step 3 of 4, checkpointed");
        r = TesseraCliTest.run("train", "dit", "--resume", dit, "--stop-at", "3", "--no-progress");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--stop-at must be after the run's step 3"), r.err());
        r = TesseraCliTest.run("train", "dit", "--resume", dit, "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertEquals("4", Checkpoint.load(tmp.resolve("dit")).meta("step"));
        TesseraModel m = TesseraModel.load(tmp.resolve("dit/model"));
        assertEquals("tiny", m.config.preset());
        for (String f : new String[] {"loss.png", "loss.csv", "run.json", "samples/step-000004.mp4"})
            assertTrue(Files.isRegularFile(tmp.resolve("dit").resolve(f)), f);

        // seen vs unseen clips of the run (an endless stream: the seen side is its first micro-batch, the unseen side after step 4)
        r = TesseraCliTest.run("bench", "heldout", "--run", dit, "--batches", "1", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("unseen - seen") && r.out().contains("encoded with the model's VAE") && r.out().contains("\"unseen_caption_gain\""), r.out());
        for (String[] bad : new String[][] {{"--run", vae}, {"--run", tmp.resolve("none").toString()}, {"--run", dit, "--batches", "0"},
                {"--run", dit, "--model", vae + "/samples"}, {"--run", dit, "--batches", "1", "--frame-order"}}) {
            String[] args = new String[bad.length + 2];
            args[0] = "bench";
            args[1] = "heldout";
            System.arraycopy(bad, 0, args, 2, bad.length);
            r = TesseraCliTest.run(args);
            assertNotEquals(0, r.code(), String.join(" ", bad));
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertTrue(TesseraCliTest.run("bench", "heldout", "--run", vae, "--model", dit + "/model").err().contains("not a DiT run"));
        // the run's buckets (1 and 5 frames) give at most two latent frames: no order to shuffle after the first
        assertTrue(TesseraCliTest.run("bench", "heldout", "--run", dit, "--batches", "1", "--frame-order").err().contains("three or more latent frames"));

        // an anchored fine-tune: the run starts as its teacher, so the held term of step 1 is exactly zero
        String anchored = tmp.resolve("anchored").toString();
        r = TesseraCliTest.run("train", "dit", "--vae", vae, "--init", dit + "/model", "--anchor", dit + "/model", "--anchor-below", "0.4",
                "--time-range", "0.4,1", "--steps", "2", "--batch", "2", "--sizes", "32x32", "--frames", "1,5", "--out", anchored,
                "--no-progress", "--sample-every", "0");
        assertEquals(0, r.code(), r.err());
        var rows = Files.readAllLines(tmp.resolve("anchored/loss.csv"));
        assertEquals("step,loss,lr,ms,grad_norm,held", rows.get(0));
        assertEquals(0.0, Double.parseDouble(rows.get(1).split(",")[5]), rows.get(1));
        assertTrue(Double.parseDouble(rows.get(2).split(",")[5]) > 0, "after one step the student has moved off its teacher: " + rows.get(2));
        assertTrue(Files.isRegularFile(tmp.resolve("anchored/model/dit.safetensors")));
        r = TesseraCliTest.run("train", "dit", "--vae", vae, "--init", dit + "/model", "--anchor", "../models/default", "--steps", "2",
                "--out", tmp.resolve("badanchor").toString(), "--no-progress");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--anchor ../models/default was trained on another VAE"), r.err());
        assertTrue(!Files.exists(tmp.resolve("badanchor")), "a teacher that does not fit leaves no run folder");

        r = TesseraCliTest.run("train", "dit", "--preset", "tiny", "--vae", vae, "--out", dit);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("already holds a run"), r.err());
        r = TesseraCliTest.run("train", "vae", "--resume", dit);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("is a 'dit' run"), r.err());
    }

    @Test void badInputIsOneLine() {
        String[][] cases = {
                {"train", "unet"}, {"train"}, {"train", "vae", "--frames", "4"}, {"train", "vae", "--sizes", "100x100"},
                {"train", "dit", "--preset", "tiny"}, {"train", "vae", "--preset", "XL"}, {"train", "vae", "--steps", "0"},
                {"train", "dit", "--resume", tmp.resolve("none").toString()}, {"train", "vae", "--data", tmp.toString()},
                {"train", "vae", "--init", tmp.toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--init", tmp.resolve("none").toString()},
                {"train", "vae", "--steps", "2", "--stop-at", "5", "--out", tmp.resolve("stopped").toString()},
                {"train", "text", "--objective", "words", "--out", tmp.resolve("obj").toString()},
                {"train", "text", "--objective", "facts", "--data", tmp.toString(), "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--objective", "facts", "--out", tmp.resolve("obj").toString()},
                {"train", "text", "--object-weight", "2", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--latent-channels", "0", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--latent-channels", "65", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--time-down", "3", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--time-range", "0,0.5", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--time-range", "0.5,0.2", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--time-range", "0,0.5,1", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--time-down", "0", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--time-down", "2", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--init", "../models/default", "--latent-channels", "16", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--init-transfer", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--vae", "../models/default", "--init", "../models/default", "--init-transfer", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--latent-channels", "16", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--patch-t", "0", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--vae", "../models/default", "--init", "../models/default", "--patch-t", "2", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--vae", "../models/default", "--init", "../models/default", "--init-transfer", "--patch-t", "5",
                        "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--object-weight", "-1", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--data", tmp.toString(), "--object-weight", "2",
                        "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--decoder-noise", "0.4", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--direction-contrast", "-1", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--direction-contrast", "1", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--temporal-weight", "-0.5", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--temporal-weight", "1", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--anchor", "../models/default", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--anchor-below", "0.3", "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--anchor", "../models/default", "--anchor-below", "1.5",
                        "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--anchor", "../models/default", "--anchor-weight", "0",
                        "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--anchor", tmp.resolve("none").toString(),
                        "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--object-weight", "2", "--vae", "../models/default", "--decoder-noise", "0.4", "--data", tmp.toString(),
                        "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--vae", "../models/default", "--decoder-noise", "-1", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--vae", "../models/default", "--out", tmp.resolve("obj").toString()},
                {"train", "vae", "--vae", "../models/default", "--decoder-noise", "0.4", "--shortcut-upsample", "cubic",
                        "--out", tmp.resolve("obj").toString()},
                {"train", "dit", "--preset", "tiny", "--vae", "../models/default", "--decoder-noise", "0.4", "--out", tmp.resolve("obj").toString()}};
        for (String[] c : cases) {
            var r = TesseraCliTest.run(c);
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().startsWith("tessera: "), r.err());
        }
        assertTrue(!Files.exists(tmp.resolve("stopped")), "a bad --stop-at leaves no half-made run folder");
        assertTrue(!Files.exists(tmp.resolve("obj")), "a bad --objective or --object-weight leaves no run folder");
    }
}
