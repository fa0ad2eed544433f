package dev.tessera.media.provenance;

import dev.tessera.media.Frame;
import dev.tessera.media.FrameSink;
import dev.tessera.media.Media;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.Video;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one call that turns generated frames into a published Tessera MP4 with all provenance layers:
 * visible label (unless turned off) → invisible watermark (payload = {@link GenerationRecord#watermarkId()}) →
 * H.264 MP4 → signed C2PA manifest, written atomically (nothing appears at {@code out} until all of it worked).
 *
 * <pre>{@code
 * Provenance.publish(video, new GenerationRecord(prompt, seed, modelId), Path.of("out.mp4"), PublishOptions.defaults());
 * // streaming, for long clips:
 * try (Provenance.Publisher p = Provenance.open(out, w, h, fps, record, opts)) { p.accept(frame); ... }
 * }</pre>
 */
public final class Provenance {
    private Provenance() {}

    /**
     * Choices for {@link #publish}. {@code label} null means no visible label ({@code --no-label}); the watermark and
     * the manifest are always applied. {@code identity} null means the user's local identity
     * ({@link SigningIdentity#loadOrCreate}, created on first use under ~/.tessera/c2pa).
     */
    public record PublishOptions(VisibleLabel label, Watermark.Key watermarkKey, double watermarkAlpha,
                                 SigningIdentity identity, Mp4Writer.Options mp4) {
        public PublishOptions {
            Objects.requireNonNull(watermarkKey, "watermarkKey");
            Objects.requireNonNull(mp4, "mp4");
            if (!(watermarkAlpha >= 0.5) || watermarkAlpha > 16) throw new IllegalArgumentException("watermark alpha must be in [0.5, 16] grey levels: " + watermarkAlpha);
        }

        public static PublishOptions defaults() {
            return new PublishOptions(VisibleLabel.forLanguage("en"), Watermark.Key.TESSERA_DEFAULT, Watermark.DEFAULT_ALPHA,
                    null, Mp4Writer.Options.defaults());
        }

        public PublishOptions withoutLabel() { return new PublishOptions(null, watermarkKey, watermarkAlpha, identity, mp4); }

        /** The default label text for "en" or "zh". */
        public PublishOptions withLabelLanguage(String lang) {
            return new PublishOptions(VisibleLabel.forLanguage(lang), watermarkKey, watermarkAlpha, identity, mp4);
        }

        public PublishOptions withLabelText(String text) {
            return new PublishOptions(new VisibleLabel(text, VisibleLabel.Corner.BOTTOM_RIGHT), watermarkKey, watermarkAlpha, identity, mp4);
        }

        public PublishOptions withIdentity(SigningIdentity id) { return new PublishOptions(label, watermarkKey, watermarkAlpha, id, mp4); }

        public PublishOptions withWatermarkKey(Watermark.Key key) { return new PublishOptions(label, key, watermarkAlpha, identity, mp4); }
    }

    /** What was written: the file, the watermark payload, the manifest's label and the file size. */
    public record Published(Path file, long watermarkId, String manifestLabel, long bytes) {}

    public static Published publish(Video video, GenerationRecord record, Path out, PublishOptions opts) throws IOException {
        if (video.frameCount() == 0) throw new IllegalArgumentException("cannot publish a video with no frames");
        Publisher p = open(out, video.width(), video.height(), video.fps(), record, opts);
        try {
            for (Frame f : video.frames()) p.accept(f);
        } catch (RuntimeException e) {
            p.abort();
            throw e;
        }
        return p.finish();
    }

    public static Publisher open(Path out, int width, int height, double fps, GenerationRecord record, PublishOptions opts) throws IOException {
        return new Publisher(out, width, height, fps, record, opts);
    }

    /** A streaming publisher: a {@link FrameSink}; {@link #finish()} (or close) signs and moves the file into place. */
    public static final class Publisher implements FrameSink {
        private final Path out, encoded;
        private final GenerationRecord record;
        private final PublishOptions opts;
        private final Mp4Writer writer;
        private final FrameSink chain;
        private Published result;
        private boolean done;

        private Publisher(Path out, int width, int height, double fps, GenerationRecord record, PublishOptions opts) throws IOException {
            this.out = out.toAbsolutePath();
            this.record = Objects.requireNonNull(record, "record");
            this.opts = opts;
            Files.createDirectories(this.out.getParent());
            this.encoded = this.out.resolveSibling("." + this.out.getFileName() + ".unsigned.mp4");
            writer = Mp4Writer.open(encoded, width, height, fps, opts.mp4());
            FrameSink c = new Watermark(opts.watermarkKey()).embedding(writer, width, height, record.watermarkId(), opts.watermarkAlpha());
            if (opts.label() != null) c = opts.label().applying(c, width, height);
            chain = c;
        }

        @Override public void accept(Frame frame) {
            try {
                chain.accept(frame);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
        }

        public Published finish() throws IOException {
            if (result != null) return result;
            if (done) throw new IllegalStateException("publisher was aborted");
            done = true;
            try {
                writer.close();
                SigningIdentity id = opts.identity() != null ? opts.identity() : SigningIdentity.loadOrCreate(SigningIdentity.defaultDir());
                byte[] signed = C2pa.embed(Files.readAllBytes(encoded), record, id, C2pa.Generator.TESSERA);
                C2pa.Report check = C2pa.verify(signed);
                if (check.status() != C2pa.Status.VALID) throw new IOException("own manifest failed verification: " + check.summary());
                Media.writeAtomically(out, signed);
                result = new Published(out, record.watermarkId(), check.manifestLabel(), signed.length);
                return result;
            } catch (IOException | RuntimeException e) {
                writer.abort();
                throw e;
            } finally {
                Files.deleteIfExists(encoded);
            }
        }

        @Override public void close() {
            if (done) return;
            try {
                finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void abort() {
            done = true;
            writer.abort();
            try {
                Files.deleteIfExists(encoded);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
