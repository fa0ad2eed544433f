package dev.tessera.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of numbered PNG frames ({@code frame_00000.png}, ...). Writing is atomic: frames go to a hidden sibling
 * folder that {@link Sink#close()} renames onto the target (which must not exist yet, or be an empty folder).
 */
public final class PngFrames {
    private PngFrames() {}

    public static String name(int index) { return String.format("frame_%05d.png", index); }

    public static Sink open(Path folder) throws IOException { return new Sink(folder); }

    public static void write(Video video, Path folder) throws IOException {
        Sink s = open(folder);
        try {
            for (Frame f : video.frames()) s.accept(f);
        } catch (RuntimeException e) {
            s.abort();
            throw e;
        }
        s.close();
    }

    /** Reads every PNG/JPEG in a folder, in file-name order, as a video at {@code fps}. */
    public static Video read(Path folder, double fps) throws IOException {
        if (!Files.isDirectory(folder)) throw new IOException(folder + ": not a folder");
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g)"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        if (files.isEmpty()) throw new IOException(folder + ": no PNG or JPEG frames");
        List<Frame> frames = new ArrayList<>();
        for (Path p : files) frames.add(Images.read(p));
        Frame first = frames.getFirst();
        for (int i = 1; i < frames.size(); i++)
            if (frames.get(i).width() != first.width() || frames.get(i).height() != first.height())
                throw new IOException(files.get(i) + ": size differs from the first frame");
        return new Video(first.width(), first.height(), fps, frames);
    }

    public static final class Sink implements FrameSink {
        private final Path target, temp;
        private int count;
        private boolean done;

        private Sink(Path folder) throws IOException {
            target = folder.toAbsolutePath();
            if (Files.exists(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    if (!Files.isDirectory(target) || s.findAny().isPresent())
                        throw new IOException(target + ": exists and is not an empty folder");
                }
            }
            Files.createDirectories(target.getParent());
            temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        }

        @Override public void accept(Frame frame) {
            try {
                Files.write(temp.resolve(name(count++)), Images.pngBytes(frame));
            } catch (IOException e) {
                abort();
                throw new UncheckedIOException(e);
            }
        }

        @Override public void close() {
            if (done) return;
            done = true;
            try {
                if (Files.exists(target)) Files.delete(target); // empty, checked at open
                Files.move(temp, target);
            } catch (IOException e) {
                abort();
                throw new UncheckedIOException(e);
            }
        }

        public void abort() {
            done = true;
            try (Stream<Path> s = Files.walk(temp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort cleanup of our own temp folder
            }
        }
    }
}
