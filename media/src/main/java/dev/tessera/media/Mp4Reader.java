package dev.tessera.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes the video track of an MP4 (or anything else FFmpeg demuxes: MOV, MKV, WebM, GIF) into {@link Frame}s in
 * display order; B-frames are reordered by the decoder. Colour conversion follows the stream's own flags (BT.601 or
 * BT.709, limited or full range; unflagged means BT.601 limited, as players assume).
 *
 * <pre>{@code
 * Video v = Mp4Reader.read(path);                       // whole clip
 * try (Mp4Reader r = Mp4Reader.open(path)) {            // streaming
 *     for (Frame f; (f = r.next()) != null; ) ...
 * }
 * }</pre>
 * Any file that is not a decodable video gives an {@link IOException} with one clear line.
 */
public final class Mp4Reader implements AutoCloseable {
    /** What the container says about the video stream. {@code codec} is FFmpeg's short name, e.g. "h264". */
    public record Info(int width, int height, double fps, String codec, String profile, String pixelFormat,
                       String colorRange, String colorSpace, boolean hasBFrames, long frameCountHint, double durationSeconds) {}

    private final Path path;
    private AVFormatContext ic;
    private AVCodecContext dc;
    private AVPacket packet;
    private AVFrame frame;
    private SwsContext sws;
    private int swsFormat = -1, swsRange = -1, swsSpace = -1;
    private IntPointer rgbBuf;
    private int streamIndex;
    private Info info;
    private boolean inputDone, decoderDone;
    private int decoded;

    private Mp4Reader(Path path) throws IOException {
        this.path = path;
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such file");
        if (Files.size(path) == 0) throw new IOException(path + ": empty file, not a video");
        try {
            openDecoder();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Mp4Reader open(Path path) throws IOException { return new Mp4Reader(path); }

    /** Decodes every frame. */
    public static Video read(Path path) throws IOException { return read(path, Integer.MAX_VALUE); }

    /** Decodes at most {@code maxFrames} frames from the start. */
    public static Video read(Path path, int maxFrames) throws IOException {
        try (Mp4Reader r = open(path)) {
            List<Frame> frames = new ArrayList<>();
            for (Frame f; frames.size() < maxFrames && (f = r.next()) != null; ) frames.add(f);
            if (frames.isEmpty()) throw new IOException(path + ": no decodable video frames");
            return new Video(r.info.width(), r.info.height(), r.info.fps(), frames);
        }
    }

    private void openDecoder() throws IOException {
        Media.quietFfmpegLogs();
        ic = new AVFormatContext(null);
        int r = avformat_open_input(ic, path.toString(), null, null);
        if (r < 0) { ic = null; throw new IOException(path + ": not a readable video file (" + Media.ffmpegError(r) + ")"); }
        r = avformat_find_stream_info(ic, (PointerPointer<?>) null);
        if (r < 0) throw new IOException(path + ": cannot read stream info (" + Media.ffmpegError(r) + ")");
        streamIndex = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) throw new IOException(path + ": no video stream");
        AVStream st = ic.streams(streamIndex);
        AVCodecParameters par = st.codecpar();
        if (par.width() <= 0 || par.height() <= 0) throw new IOException(path + ": video stream has no size");
        AVCodec codec = avcodec_find_decoder(par.codec_id());
        if (codec == null || codec.isNull()) throw new IOException(path + ": no decoder for codec id " + par.codec_id());
        dc = avcodec_alloc_context3(codec);
        Mp4Writer.check(avcodec_parameters_to_context(dc, par), "reading decoder parameters");
        dc.thread_count(1);
        Mp4Writer.check(avcodec_open2(dc, codec, (PointerPointer<?>) null), "opening the decoder");
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        AVRational fr = st.avg_frame_rate();
        if (fr.num() <= 0 || fr.den() <= 0) fr = st.r_frame_rate();
        double fps = fr.num() > 0 && fr.den() > 0 ? av_q2d(fr) : 25.0;
        double duration = st.duration() > 0 ? st.duration() * av_q2d(st.time_base())
                : ic.duration() > 0 ? ic.duration() / (double) AV_TIME_BASE : 0;
        String profile = avcodec_profile_name(par.codec_id(), par.profile()) == null ? "unknown"
                : avcodec_profile_name(par.codec_id(), par.profile()).getString();
        BytePointer pixName = av_get_pix_fmt_name(par.format());
        BytePointer rangeName = av_color_range_name(par.color_range());
        BytePointer spaceName = av_color_space_name(par.color_space());
        info = new Info(par.width(), par.height(), fps, avcodec_get_name(par.codec_id()).getString(), profile,
                pixName == null ? "unknown" : pixName.getString(),
                rangeName == null ? "unknown" : rangeName.getString(),
                spaceName == null ? "unknown" : spaceName.getString(),
                par.video_delay() > 0, st.nb_frames(), duration);
        rgbBuf = new IntPointer((long) par.width() * par.height());
    }

    public Info info() { return info; }

    /** The next frame in display order, or null at the end. */
    public Frame next() throws IOException {
        while (true) {
            int r = avcodec_receive_frame(dc, frame);
            if (r >= 0) {
                Frame f = convert(frame);
                av_frame_unref(frame);
                decoded++;
                return f;
            }
            if (r == AVERROR_EOF()) { decoderDone = true; return null; }
            if (r != AVERROR_EAGAIN()) {
                if (decoded > 0) return null; // a damaged tail: keep what decoded
                throw new IOException(path + ": video data cannot be decoded (" + Media.ffmpegError(r) + ")");
            }
            if (inputDone) return null;
            feed();
        }
    }

    private void feed() throws IOException {
        while (true) {
            int r = av_read_frame(ic, packet);
            if (r < 0) {
                inputDone = true;
                avcodec_send_packet(dc, null);
                return;
            }
            try {
                if (packet.stream_index() != streamIndex) continue;
                int s = avcodec_send_packet(dc, packet);
                // A corrupt packet is skipped (as players do); a file with no decodable frame fails in read().
                if (s < 0 && s != AVERROR_EAGAIN()) continue;
                return;
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private Frame convert(AVFrame f) throws IOException {
        int w = f.width(), h = f.height();
        if (w != info.width() || h != info.height())
            throw new IOException(path + ": frame size changes mid-stream (" + w + "x" + h + "), not supported");
        int range = f.color_range() == AVCOL_RANGE_JPEG || f.format() == AV_PIX_FMT_YUVJ420P ? 1 : 0;
        int space = f.colorspace() == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_ITU601;
        if (sws == null || swsFormat != f.format() || swsRange != range || swsSpace != space) {
            if (sws != null) sws_freeContext(sws);
            sws = sws_getContext(w, h, f.format(), w, h, AV_PIX_FMT_BGR0,
                    SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, null, null, (double[]) null);
            if (sws == null || sws.isNull()) throw new IOException(path + ": cannot convert pixel format " + f.format());
            IntPointer coeffs = sws_getCoefficients(space);
            sws_setColorspaceDetails(sws, coeffs, range, sws_getCoefficients(SWS_CS_ITU709), 1, 0, 1 << 16, 1 << 16);
            swsFormat = f.format();
            swsRange = range;
            swsSpace = space;
        }
        PointerPointer<?> dst = new PointerPointer<>(1).put(0, new BytePointer(rgbBuf));
        IntPointer dstStride = new IntPointer(1).put(0, w * 4);
        sws_scale(sws, f.data(), f.linesize(), 0, h, dst, dstStride);
        dst.close();
        dstStride.close();
        int[] rgb = new int[w * h];
        rgbBuf.get(rgb);
        for (int i = 0; i < rgb.length; i++) rgb[i] &= 0xFFFFFF;
        return new Frame(w, h, rgb);
    }

    @Override public void close() {
        if (dc != null) { avcodec_free_context(dc); dc = null; }
        if (ic != null) { avformat_close_input(ic); ic = null; }
        if (packet != null) { av_packet_free(packet); packet = null; }
        if (frame != null) { av_frame_free(frame); frame = null; }
        if (sws != null) { sws_freeContext(sws); sws = null; }
        if (rgbBuf != null) { rgbBuf.close(); rgbBuf = null; }
    }
}
