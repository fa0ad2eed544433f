package dev.tessera.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Streams frames into a looping animated GIF (the JDK's GIF encoder; each frame gets its own 256-colour palette,
 * so expect visible banding on gradients: GIF is for previews, MP4 is the product). Atomic like {@link Mp4Writer}.
 * GIF delays are in hundredths of a second, so fps is rounded to the nearest representable delay.
 */
public final class GifWriter implements FrameSink {
    private final Path target, temp;
    private final int width, height, delayCs;
    private final ImageWriter writer;
    private final ImageOutputStream out;
    private boolean done;
    private int count;

    private GifWriter(Path target, int width, int height, double fps) throws IOException {
        if (!(fps > 0) || fps > 100) throw new IllegalArgumentException("GIF fps must be in (0, 100]: " + fps);
        this.target = target.toAbsolutePath();
        this.width = width;
        this.height = height;
        this.delayCs = Math.max(1, (int) Math.round(100 / fps));
        Files.createDirectories(this.target.getParent());
        temp = Files.createTempFile(this.target.getParent(), "." + this.target.getFileName() + ".", ".part.gif");
        writer = ImageIO.getImageWritersByFormatName("gif").next();
        out = ImageIO.createImageOutputStream(temp.toFile());
        writer.setOutput(out);
        writer.prepareWriteSequence(null);
    }

    public static GifWriter open(Path out, int width, int height, double fps) throws IOException {
        return new GifWriter(out, width, height, fps);
    }

    public static void write(Video video, Path out) throws IOException {
        GifWriter w = open(out, video.width(), video.height(), video.fps());
        try {
            for (Frame f : video.frames()) w.accept(f);
        } catch (RuntimeException e) {
            w.abort();
            throw e;
        }
        w.close();
    }

    @Override public void accept(Frame frame) {
        if (frame.width() != width || frame.height() != height)
            throw new IllegalArgumentException("frame " + frame.width() + "x" + frame.height() + " in a " + width + "x" + height + " GIF");
        try {
            var img = Images.toImage(frame);
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
            String fmt = meta.getNativeMetadataFormatName();
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
            IIOMetadataNode gce = child(root, "GraphicControlExtension");
            gce.setAttribute("disposalMethod", "none");
            gce.setAttribute("userInputFlag", "FALSE");
            gce.setAttribute("transparentColorFlag", "FALSE");
            gce.setAttribute("delayTime", Integer.toString(delayCs));
            gce.setAttribute("transparentColorIndex", "0");
            if (count == 0) {
                IIOMetadataNode apps = child(root, "ApplicationExtensions");
                IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                app.setAttribute("applicationID", "NETSCAPE");
                app.setAttribute("authenticationCode", "2.0");
                app.setUserObject(new byte[] {1, 0, 0}); // loop forever
                apps.appendChild(app);
            }
            meta.setFromTree(fmt, root);
            writer.writeToSequence(new IIOImage(img, null, meta), null);
            count++;
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(e);
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++)
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }

    @Override public void close() {
        if (done) return;
        try {
            if (count == 0) throw new IllegalStateException("no frames were written to " + target.getFileName());
            writer.endWriteSequence();
            out.close();
            writer.dispose();
            done = true;
            Media.moveIntoPlace(temp, target);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    public void abort() {
        done = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a stream we are about to delete
        }
        writer.dispose();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
