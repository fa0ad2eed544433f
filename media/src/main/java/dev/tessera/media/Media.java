package dev.tessera.media;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.javacpp.BytePointer;

/** Small shared helpers: FFmpeg logging and errors, atomic file placement. */
public final class Media {
    private Media() {}

    private static volatile boolean quiet;

    /** FFmpeg prints decoder chatter to stderr; our errors carry their own message, so keep it silent. */
    static void quietFfmpegLogs() {
        if (!quiet) {
            av_log_set_level(AV_LOG_QUIET);
            quiet = true;
        }
    }

    static String ffmpegError(int code) {
        try (BytePointer buf = new BytePointer(256)) {
            av_strerror(code, buf, 256);
            byte[] b = new byte[256];
            buf.get(b);
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Renames {@code temp} onto {@code target} atomically where the file system allows (same folder: it does). */
    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes bytes to {@code target} through a temp file in the same folder and a rename. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path temp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".part");
        try {
            Files.write(temp, bytes);
            moveIntoPlace(temp, abs);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
