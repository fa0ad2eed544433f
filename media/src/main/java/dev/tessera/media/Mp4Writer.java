package dev.tessera.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Streams frames into an H.264 MP4 (yuv420p, BT.709 limited range flagged in both the SPS VUI and the MP4 `colr`
 * box, `moov` before `mdat` so browsers start playing at once). Encodes with openh264 from bytedeco's LGPL FFmpeg
 * build, or libx264 when the GPL build is chosen (see {@link #encoder()} and docs/media.md for why). The file appears atomically: frames go to a temp file beside the target
 * and {@link #close()} renames it; {@link #abort()} (or a failure) deletes it, so no half-written MP4 is left.
 *
 * <pre>{@code
 * try (Mp4Writer w = Mp4Writer.open(out, 256, 256, 24)) { for (Frame f : frames) w.accept(f); }
 * Mp4Writer.write(video, out);   // the same for a Video held in memory
 * }</pre>
 */
public final class Mp4Writer implements FrameSink {
    /**
     * H.264 encoders in order of preference: libx264 where the FFmpeg build has it (bytedeco's GPL build, chosen with
     * {@code -Dbytedeco.classifier=linux-x86_64-gpl}), else openh264 (the default LGPL build). Whichever is used, we
     * check it really is H.264: asking the LGPL build for libx264 through a higher-level API once silently gave
     * MPEG-4 Part 2.
     */
    static final String[] ENCODERS = {"libx264", "libopenh264"};

    /** The H.264 encoder this build uses. */
    public static String encoder() {
        Media.quietFfmpegLogs();
        for (String e : ENCODERS) {
            AVCodec c = avcodec_find_encoder_by_name(e);
            if (c != null && !c.isNull() && c.id() == AV_CODEC_ID_H264) return e;
        }
        throw new IllegalStateException("this FFmpeg build has no H.264 encoder (" + String.join(", ", ENCODERS) + ")");
    }

    /**
     * Encoder settings. openh264: {@code qpMax} bounds the quantiser (lower = better quality, bigger file) and
     * {@code bitsPerPixel} sets the rate target per pixel per frame. libx264: {@code crf} (constant quality, lower =
     * better) with the "veryfast" preset. {@code gopSeconds} is the keyframe interval for both.
     */
    public record Options(int qpMax, double bitsPerPixel, int crf, double gopSeconds) {
        public Options {
            if (qpMax < 1 || qpMax > 51) throw new IllegalArgumentException("qpMax must be in [1, 51]: " + qpMax);
            if (crf < 0 || crf > 51) throw new IllegalArgumentException("crf must be in [0, 51]: " + crf);
            if (!(bitsPerPixel > 0)) throw new IllegalArgumentException("bitsPerPixel must be positive: " + bitsPerPixel);
            if (!(gopSeconds > 0)) throw new IllegalArgumentException("gopSeconds must be positive: " + gopSeconds);
        }

        /** Visually clean output at about 0.3 bits per pixel; keeps the invisible watermark well above noise. */
        public static Options defaults() { return new Options(26, 0.3, 20, 2.0); }
    }

    private final Path target, temp;
    private final int width, height;
    private AVFormatContext oc;
    private AVCodecContext cc;
    private AVStream stream;
    private AVFrame yuv;
    private AVPacket packet;
    private SwsContext sws;
    private IntPointer rgbBuf;
    private long pts;
    private boolean finished;

    private Mp4Writer(Path target, int width, int height, double fps, Options opts) throws IOException {
        if (width % 2 != 0 || height % 2 != 0)
            throw new IllegalArgumentException("H.264 yuv420p needs an even width and height, got " + width + "x" + height);
        if (!(fps > 0) || fps > 1000) throw new IllegalArgumentException("fps must be in (0, 1000]: " + fps);
        this.target = target.toAbsolutePath();
        this.width = width;
        this.height = height;
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".part.mp4");
        try {
            openEncoder(fps, opts);
        } catch (RuntimeException | IOException e) {
            release();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Opens a writer for {@code width}x{@code height} frames at {@code fps}; the file appears on {@link #close()}. */
    public static Mp4Writer open(Path out, int width, int height, double fps) throws IOException {
        return new Mp4Writer(out, width, height, fps, Options.defaults());
    }

    public static Mp4Writer open(Path out, int width, int height, double fps, Options opts) throws IOException {
        return new Mp4Writer(out, width, height, fps, opts);
    }

    /** Encodes a whole video to {@code out} (atomically). */
    public static void write(Video video, Path out) throws IOException { write(video, out, Options.defaults()); }

    public static void write(Video video, Path out, Options opts) throws IOException {
        if (video.frameCount() == 0) throw new IllegalArgumentException("cannot write an MP4 with no frames");
        Mp4Writer w = open(out, video.width(), video.height(), video.fps(), opts);
        try {
            for (Frame f : video.frames()) w.accept(f);
        } catch (RuntimeException e) {
            w.abort();
            throw e;
        }
        w.close();
    }

    private void openEncoder(double fps, Options opts) throws IOException {
        Media.quietFfmpegLogs();
        oc = new AVFormatContext(null);
        check(avformat_alloc_output_context2(oc, null, "mp4", temp.toString()), "allocating the MP4 muxer");
        String encoderName = encoder();
        AVCodec codec = avcodec_find_encoder_by_name(encoderName);
        boolean x264 = encoderName.equals("libx264");
        stream = avformat_new_stream(oc, null);
        cc = avcodec_alloc_context3(codec);
        AVRational rate = av_d2q(fps, 100_000);
        AVRational timeBase = av_inv_q(rate);
        cc.codec_id(AV_CODEC_ID_H264);
        cc.codec_type(AVMEDIA_TYPE_VIDEO);
        cc.width(width);
        cc.height(height);
        cc.pix_fmt(AV_PIX_FMT_YUV420P);
        cc.time_base(timeBase);
        cc.framerate(rate);
        cc.gop_size(Math.max(1, (int) Math.round(fps * opts.gopSeconds())));
        if (!x264) {
            cc.max_b_frames(0);
            cc.bit_rate(Math.max(64_000L, Math.round(opts.bitsPerPixel() * width * height * fps)));
            cc.qmin(1);
            cc.qmax(opts.qpMax());
        }
        cc.thread_count(1); // one thread: same input gives the same bytes
        // Limited-range BT.709: what browsers assume for H.264, flagged so no player has to guess.
        cc.color_range(AVCOL_RANGE_MPEG);
        cc.colorspace(AVCOL_SPC_BT709);
        cc.color_primaries(AVCOL_PRI_BT709);
        cc.color_trc(AVCOL_TRC_BT709);
        if ((oc.oformat().flags() & AVFMT_GLOBALHEADER) != 0) cc.flags(cc.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        AVDictionary codecOpts = new AVDictionary(null);
        if (x264) {
            av_dict_set(codecOpts, "preset", "veryfast", 0);
            av_dict_set(codecOpts, "crf", Integer.toString(opts.crf()), 0);
            av_dict_set(codecOpts, "profile", "high", 0);
        } else {
            av_dict_set(codecOpts, "rc_mode", "quality", 0);
            av_dict_set(codecOpts, "allow_skip_frames", "0", 0);
        }
        int r = avcodec_open2(cc, codec, codecOpts);
        av_dict_free(codecOpts);
        check(r, "opening the H.264 encoder");
        check(avcodec_parameters_from_context(stream.codecpar(), cc), "copying encoder parameters");
        stream.time_base(timeBase);
        stream.avg_frame_rate(rate);
        AVIOContext pb = new AVIOContext(null);
        check(avio_open(pb, temp.toString(), AVIO_FLAG_WRITE), "opening " + temp);
        oc.pb(pb);
        AVDictionary muxOpts = new AVDictionary(null);
        av_dict_set(muxOpts, "movflags", "+faststart", 0);
        r = avformat_write_header(oc, muxOpts);
        av_dict_free(muxOpts);
        check(r, "writing the MP4 header");

        yuv = av_frame_alloc();
        yuv.format(AV_PIX_FMT_YUV420P);
        yuv.width(width);
        yuv.height(height);
        yuv.color_range(AVCOL_RANGE_MPEG);
        yuv.colorspace(AVCOL_SPC_BT709);
        check(av_frame_get_buffer(yuv, 32), "allocating a frame");
        packet = av_packet_alloc();
        // 0xRRGGBB ints in little-endian memory are the bytes B,G,R,X: FFmpeg's BGR0.
        sws = sws_getContext(width, height, AV_PIX_FMT_BGR0, width, height, AV_PIX_FMT_YUV420P,
                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, null, null, (double[]) null);
        if (sws == null || sws.isNull()) throw new IOException("cannot create the RGB to YUV converter");
        IntPointer bt709 = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(sws, bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);
        rgbBuf = new IntPointer((long) width * height);
    }

    @Override public void accept(Frame frame) {
        if (finished) throw new IllegalStateException("writer is closed");
        if (frame.width() != width || frame.height() != height)
            throw new IllegalArgumentException("frame " + frame.width() + "x" + frame.height() + " in a " + width + "x" + height + " MP4");
        try {
            check(av_frame_make_writable(yuv), "making the frame writable");
            rgbBuf.put(frame.rgb(), 0, frame.rgb().length);
            PointerPointer<?> src = new PointerPointer<>(1).put(0, new BytePointer(rgbBuf));
            IntPointer srcStride = new IntPointer(1).put(0, width * 4);
            sws_scale(sws, src, srcStride, 0, height, yuv.data(), yuv.linesize());
            src.close();
            srcStride.close();
            yuv.pts(pts++);
            encode(yuv);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    private void encode(AVFrame f) throws IOException {
        check(avcodec_send_frame(cc, f), "encoding a frame");
        while (true) {
            int r = avcodec_receive_packet(cc, packet);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF()) return;
            check(r, "receiving an encoded packet");
            av_packet_rescale_ts(packet, cc.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            check(av_interleaved_write_frame(oc, packet), "writing a packet");
        }
    }

    /** Frames written so far. */
    public long frameCount() { return pts; }

    /** Flushes the encoder, finishes the MP4 and renames it into place. */
    @Override public void close() {
        if (finished) return;
        try {
            if (pts == 0) throw new IllegalStateException("no frames were written to " + target.getFileName());
            encode(null);
            check(av_write_trailer(oc), "finishing the MP4");
            release();
            finished = true;
            Media.moveIntoPlace(temp, target);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Drops the output: frees the encoder and deletes the temp file; the target is untouched. */
    public void abort() {
        finished = true;
        release();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a stale dot-file in the output folder is the worst case
        }
    }

    private void release() {
        if (cc != null) { avcodec_free_context(cc); cc = null; }
        if (oc != null) {
            if (oc.pb() != null && !oc.pb().isNull()) avio_close(oc.pb());
            avformat_free_context(oc);
            oc = null;
        }
        if (yuv != null) { av_frame_free(yuv); yuv = null; }
        if (packet != null) { av_packet_free(packet); packet = null; }
        if (sws != null) { sws_freeContext(sws); sws = null; }
        if (rgbBuf != null) { rgbBuf.close(); rgbBuf = null; }
    }

    static void check(int r, String what) throws IOException {
        if (r < 0) throw new IOException(what + " failed: " + Media.ffmpegError(r));
    }
}
