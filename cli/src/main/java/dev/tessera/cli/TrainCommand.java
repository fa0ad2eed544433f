package dev.tessera.cli;

import dev.tessera.engine.kernels.Parallel;
import dev.tessera.train.Sources;
import dev.tessera.train.TrainConfig;
import dev.tessera.train.TrainKind;
import dev.tessera.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tessera train vae|text|dit}: trains one network into a run folder (checkpoints, loss.csv/png, samples,
 * and a loadable model folder {@code RUN/model/}); {@code --resume RUN} continues a run bit-exactly. See docs/train.md.
 */
@Command(name = "train", description = "Train the VAE, the text encoder or the diffusion transformer (docs/train.md).",
        mixinStandardHelpOptions = true)
public final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "vae|text|dit", description = "what to train") String what;
    @Option(names = "--preset", description = "model preset: tiny, XS, S, B (default S)") String preset;
    @Option(names = "--steps", description = "optimizer steps in total (default 1000; with --resume: the new total)") Long steps;
    @Option(names = "--out", description = "run folder (default runs/<what>-<preset>)") Path out;
    @Option(names = "--resume", description = "continue the run in this folder from its checkpoint") Path resume;
    @Option(names = "--data", description = "'world' or a folder of videos/images with caption .txt files beside them (default world)") String data;
    @Option(names = "--batch", description = "clips per micro-batch") Integer batch;
    @Option(names = "--accum", description = "micro-batches per optimizer step (gradient accumulation)") Integer accum;
    @Option(names = "--lr", description = "peak learning rate") Double lr;
    @Option(names = "--warmup", description = "warm-up steps") Integer warmup;
    @Option(names = "--min-lr", description = "final learning rate of the cosine decay") Double minLr;
    @Option(names = "--seed", description = "seed of every random choice of the run (default 0)") Long seed;
    @Option(names = "--threads", description = "compute threads (default: all cores); never changes results") Integer threads;
    @Option(names = "--producers", defaultValue = "1", description = "background data threads (default 1); never changes results") int producers;
    @Option(names = "--sample-every", description = "steps between preview grids/videos (0: only at the end)") Integer sampleEvery;
    @Option(names = "--ckpt-every", description = "steps between checkpoints") Integer ckptEvery;
    @Option(names = "--sizes", split = ",", description = "bucket sizes WxH (default 128x128,160x96,96x160)") List<String> sizes;
    @Option(names = "--frames", split = ",", description = "bucket durations in frames, 1+4k, 1 = image (default vae 1,9,17; dit 1,9,17,33)") List<Integer> frames;
    @Option(names = "--fps", description = "frame rate of the data (default 8)") Integer fps;
    @Option(names = "--vae", description = "dit: model folder or 'train vae' run folder whose VAE encodes the clips") String vae;
    @Option(names = "--text", description = "dit/text: model or run folder with a text encoder to start from") String text;
    @Option(names = "--init", description = "dit: model or run folder whose DiT and text encoder this run starts from (fine-tuning, e.g. on longer clips; its VAE must be --vae's; --text replaces its text encoder); vae: one whose VAE (configuration and weights) this run starts from, e.g. with another --time-down") String init;
    @Option(names = "--objective", description = "text: facts (predict the world's scene facts from the caption; default with --data world) or bytes (masked bytes; default for a folder)") String objective;
    @Option(names = "--freeze-text", description = "dit: keep the text encoder fixed (default: trained jointly)") boolean freezeText;
    @Option(names = "--object-weight", description = "dit: λ of the object-weighted loss — a latent cell's error counts 1 + λ·(its cover by visible objects' boxes, from the world's ground truth); vae (and vae --decoder-noise): the same weight on each pixel of the cell's reconstruction; default 0 (plain MSE); world data only") Double objectWeight;
    @Option(names = "--drop-caption", description = "dit: probability of an empty caption (classifier-free guidance; default 0.1)") Double dropCaption;
    @Option(names = "--ema", description = "EMA decay of the exported weights (0: raw weights; default 0.999)") Double ema;
    @Option(names = "--zh", description = "fraction of captions drawn in Chinese (default 0.5)") Double zh;
    @Option(names = "--sample-steps", description = "sampler steps of the dit previews (default 20)") Integer sampleSteps;
    @Option(names = "--guidance", description = "CFG scale of the dit previews (default 4)") Double guidance;
    @Option(names = "--text-positions", description = "dit: a learned position per text token, added to what the cross-attention reads (without it \"left to right\" and \"right to left\" reach the DiT as the same bytes; with --init the init DiT gains a zero table and starts unchanged; docs/train.md)") boolean textPositions;
    @Option(names = "--direction-contrast", paramLabel = "λ", description = "dit: weight of the direction contrast — captions naming a side or direction are also run with left and right exchanged, and the loss prefers the true caption's prediction (docs/train.md); default 0 (off)") Double directionContrast;
    @Option(names = "--focus", paramLabel = "SHARE", description = "world runs: share of clips drawn from focus scenes — at most three things, half with a spatial relation (left/right, front/behind, on top), half with a thing travelling left or right (docs/train.md); default 0 (the plain world stream)") Double focus;
    @Option(names = "--decoder-noise", paramLabel = "S", description = "vae: fine-tune only the decoder of --vae's VAE (encoder and latent statistics kept, so DiTs trained on it stay valid) on its mean latents plus Gaussian noise of std uniform in [0, S] (normalised latent units), so it decodes imperfect latents cleanly") Double decoderNoise;
    @Option(names = "--shortcut-upsample", paramLabel = "MODE", description = "vae decoder fine-tunes: nearest or bilinear — how the decoder spreads the shortcut channels over their 8x8 cells (default: as the --vae VAE)") String shortcutUpsample;
    @Option(names = "--latent-channels", paramLabel = "N", description = "vae: channels of the latent (default: the preset's, 8 for XS and S); a DiT trained on that VAE reads as many") Integer latentChannels;
    @Option(names = "--init-transfer", description = "dit, with --init: that model was trained on another VAE (another latent); start the transformer from it and the patch embedding and output projection fresh") boolean initTransfer;
    @Option(names = "--patch-t", paramLabel = "N", description = "dit, with --init-transfer: latent frames per DiT patch for the moved DiT; 2 on a x2 VAE keeps the tokens (and their video time) of a patch-1 DiT on a x4 VAE, and the patch embedding and output projection start from the init's, spread over the patch's frames (default: the init DiT's)") Integer patchT;
    @Option(names = "--time-range", paramLabel = "LO,HI", split = ",", description = "dit: train only at flow times in [LO, HI] (the usual logit-normal times mapped linearly into it), e.g. 0,0.5 for a low-noise expert; default 0,1") List<Double> timeRange;
    @Option(names = "--temporal-weight", paramLabel = "λ", description = "dit: weight of the frame-difference term — the velocity error's change between neighbouring latent frames is added to the loss, so an error that makes frames jump costs up to 1+4λ times one shared by all frames (docs/train.md); default 0 (off)") Double temporalWeight;
    @Option(names = "--anchor", paramLabel = "DIR", description = "dit: a teacher model (e.g. models/default) whose velocities the run must keep at flow times below --anchor-below — with --time-range T,1 a high-noise fine-tune that leaves the teacher's low-noise steps as they were (docs/train.md)") String anchor;
    @Option(names = "--anchor-below", paramLabel = "T", description = "with --anchor: the held times are [0, T] (default 0.5)") Double anchorBelow;
    @Option(names = "--anchor-weight", paramLabel = "W", description = "with --anchor: weight of the held term, the squared distance to the teacher's velocity (default 1)") Double anchorWeight;
    @Option(names = "--time-down", paramLabel = "N", description = "vae: time compression, 4 (default: frame 0, then a latent frame per 4 frames), 2 or 1; a DiT trained on that VAE works on as many latent frames") Integer timeDown;
    @Option(names = "--ae-warmup", description = "vae: steps that decode the posterior mean before sampling it (default 200)") Integer aeWarmup;
    @Option(names = "--clips", description = "0: endless new clips (default); N: a fixed set of N clips, seen for many epochs (dit: each encoded once, see --latent-cache)") Long clips;
    @Option(names = "--latent-cache", description = "dit: encoded latents kept in memory by (clip, bucket) (default 4096)") Integer latentCache;
    @Option(names = "--stop-at", description = "checkpoint and stop after this step (the schedule still runs to --steps; --resume continues)") Long stopAt;
    @Option(names = "--no-progress", description = "no progress bar on stderr") boolean noProgress;

    @Override public Integer call() throws Exception {
        if (threads != null) {
            if (threads < 1) throw new ExitCodeException(2, "--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        if (producers < 1) throw new ExitCodeException(2, "--producers must be >= 1, got " + producers);
        Trainer trainer;
        if (resume != null) {
            List<String> ignored = new ArrayList<>();
            if (preset != null) ignored.add("--preset");
            if (batch != null) ignored.add("--batch");
            if (accum != null) ignored.add("--accum");
            if (lr != null) ignored.add("--lr");
            if (seed != null) ignored.add("--seed");
            if (data != null) ignored.add("--data");
            if (sizes != null) ignored.add("--sizes");
            if (frames != null) ignored.add("--frames");
            if (vae != null) ignored.add("--vae");
            if (clips != null) ignored.add("--clips");
            if (init != null) ignored.add("--init");
            if (initTransfer) ignored.add("--init-transfer");
            if (patchT != null) ignored.add("--patch-t");
            if (objective != null) ignored.add("--objective");
            if (focus != null) ignored.add("--focus");
            if (latentChannels != null) ignored.add("--latent-channels");
            if (timeDown != null) ignored.add("--time-down");
            if (timeRange != null) ignored.add("--time-range");
            if (temporalWeight != null) ignored.add("--temporal-weight");
            if (anchor != null) ignored.add("--anchor");
            if (anchorBelow != null) ignored.add("--anchor-below");
            if (anchorWeight != null) ignored.add("--anchor-weight");
            if (!ignored.isEmpty())
                System.err.println("note: resuming keeps the run's own settings; ignoring " + String.join(", ", ignored));
            if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize()))
                throw new ExitCodeException(2, "--resume continues in its own folder; drop --out or make it the same folder");
            trainer = Trainer.resume(resume, steps == null ? 0 : steps, sampleEvery == null ? -1 : sampleEvery,
                    ckptEvery == null ? 0 : ckptEvery, null);
            if (what != null && TrainKind.parse(what) != trainer.config().kind())
                throw new ExitCodeException(2, resume + " is a '" + trainer.config().kind().word() + "' run, not '" + what + "'");
        } else {
            if (what == null) throw new ExitCodeException(2, "say what to train: vae, text or dit (or --resume RUN)");
            TrainKind kind = TrainKind.parse(what);
            String p = preset == null ? "S" : preset;
            TrainConfig.Builder b = TrainConfig.defaults(kind, p).toBuilder();
            if (steps != null) b.steps(steps);
            if (batch != null) b.batch(batch);
            if (accum != null) b.accum(accum);
            if (lr != null) b.lr(lr);
            if (warmup != null) b.warmup(warmup);
            if (minLr != null) b.minLr(minLr);
            else if (lr != null) b.minLr(lr / 10);
            if (seed != null) b.seed(seed);
            if (data != null) b.data(data);
            if (sizes != null) b.sizes(sizes);
            if (frames != null) b.frames(frames);
            if (fps != null) b.fps(fps);
            if (vae != null) b.vae(vae);
            if (text != null) b.text(text);
            b.freezeText(freezeText);
            if (dropCaption != null) b.dropCaption(dropCaption);
            if (objectWeight != null) b.objectWeight(objectWeight);
            if (directionContrast != null) b.directionContrast(directionContrast);
            if (textPositions) b.textPositions(true);
            if (focus != null) b.focus(focus);
            if (timeRange != null) b.timeRange(timeRange);
            if (temporalWeight != null) b.temporalWeight(temporalWeight);
            if (anchor != null) b.anchor(anchor, anchorBelow == null ? 0.5 : anchorBelow, anchorWeight == null ? 1 : anchorWeight);
            else if (anchorBelow != null || anchorWeight != null) throw new ExitCodeException(2, "--anchor-below and --anchor-weight need --anchor DIR (the teacher model)");
            if (latentChannels != null) {
                if (latentChannels < 1) throw new ExitCodeException(2, "--latent-channels must be in 1..64, got " + latentChannels);
                b.latentChannels(latentChannels);
            }
            if (timeDown != null) {
                if (timeDown < 1) throw new ExitCodeException(2, "--time-down must be 1, 2 or 4, got " + timeDown);
                b.timeDown(timeDown);
            }
            if (ema != null) b.emaDecay(ema);
            if (zh != null) b.zhFraction(zh);
            if (sampleEvery != null) b.sampleEvery(sampleEvery);
            if (ckptEvery != null) b.ckptEvery(ckptEvery);
            if (sampleSteps != null) b.sampleSteps(sampleSteps);
            if (guidance != null) b.guidance(guidance);
            if (aeWarmup != null) b.aeWarmup(aeWarmup);
            if (decoderNoise != null) b.decoderNoise(decoderNoise);
            if (shortcutUpsample != null) b.shortcutUpsample(shortcutUpsample);
            if (clips != null) b.clips(clips);
            if (latentCache != null) b.latentCache(latentCache);
            if (init != null) b.init(init);
            if (initTransfer) b.initTransfer(true);
            if (patchT != null) {
                if (patchT < 1) throw new ExitCodeException(2, "--patch-t must be in 1..4, got " + patchT);
                b.patchT(patchT);
            }
            if (kind == TrainKind.TEXT)
                b.textObjective(objective != null ? objective : data == null || data.equals("world") ? "facts" : "bytes");
            else if (objective != null) throw new ExitCodeException(2, "--objective is for text runs");
            TrainConfig cfg = b.build();
            // checked before the run folder is made, so a bad value leaves nothing behind
            if (stopAt != null && (stopAt < 1 || stopAt > cfg.steps()))
                throw new ExitCodeException(2, "--stop-at must be after the run's step 0 and at most --steps " + cfg.steps() + ", got " + stopAt);
            Path dir = out != null ? out : Path.of("runs", kind.word() + "-" + p);
            trainer = Trainer.start(cfg, dir, Sources.open(cfg));
        }
        if (stopAt != null) {
            if (stopAt <= trainer.step() || stopAt > trainer.config().steps())
                throw new ExitCodeException(2, "--stop-at must be after the run's step " + trainer.step() + " and at most --steps "
                        + trainer.config().steps() + ", got " + stopAt);
            long at = stopAt;
            trainer.stopAfter(s -> s == at);
        }
        Trainer.Result r = trainer.progress(!noProgress).producers(producers).run();
        System.out.println("run folder: " + r.runDir() + "   model: " + r.modelDir());
        return 0;
    }
}
