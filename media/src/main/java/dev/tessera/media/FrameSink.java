package dev.tessera.media;

/**
 * Where frames go one at a time (an encoder, a collector), so long clips are streamed, never held whole in memory.
 * {@link #close()} finishes the output; a sink closed after a failure must leave no half-written file behind.
 */
public interface FrameSink extends AutoCloseable {
    void accept(Frame frame);

    @Override void close();
}
