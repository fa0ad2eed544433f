package dev.tessera.world;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Ground truth of one rendered clip (schema in docs/world.md): camera intrinsics and pose per frame, per object its
 * constant attributes and per-frame 3D position, velocity, 2D box, centre, visibility and state, and the event log.
 * Units: world metres, y up; image pixels, origin top-left, x right, y down.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Truth {
    public int version = 1;
    public long seed;
    public String prompt;
    public int width, height;
    public double fps, seconds;
    @JsonProperty("frame_count") public int frameCount;
    public String setting, time;
    @JsonProperty("camera_move") public String cameraMove;
    public SceneFacts facts;
    public List<ObjectInfo> objects = new ArrayList<>();
    public List<EventLog> events = new ArrayList<>();
    public List<FrameInfo> frames = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObjectInfo(String id, int thing, int instance, String kind, String category, String colour, String size,
                             String material, List<String> motions, String direction, List<String> clothing) {}

    public record CameraInfo(double fx, double fy, double cx, double cy, @JsonProperty("fov_y_deg") double fovYDeg,
                             double[] position, @JsonProperty("yaw_deg") double yawDeg, @JsonProperty("pitch_deg") double pitchDeg,
                             @JsonProperty("R") double[] r, double[] t) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObjectState(String id, double[] position, double[] velocity, double[] centre, int[] bbox,
                              @JsonProperty("visible_pixels") double visiblePixels,
                              @JsonProperty("unoccluded_pixels") double unoccludedPixels, double visibility, boolean visible,
                              @JsonProperty("in_frame") boolean inFrame, String state) {}

    public record FrameInfo(int index, double t, CameraInfo camera, List<ObjectState> objects) {}

    public record StateChange(double t, String object, String state) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventLog(String id, int order, String kind, String subject, String agent, double start, Double end,
                           String before, String after, List<StateChange> changes) {}

    public FrameInfo frame(int i) { return frames.get(i); }

    public ObjectState state(int frame, String id) {
        for (ObjectState s : frames.get(frame).objects()) if (s.id().equals(id)) return s;
        throw new IllegalArgumentException("no object " + id);
    }

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public String toJson() {
        try { return JSON.writeValueAsString(this); } catch (IOException e) { throw new IllegalStateException(e); }
    }

    /** Writes to a temporary file next to {@code path} and renames, so no half-written file is ever left. */
    public void write(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".truth", ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally { Files.deleteIfExists(tmp); }
    }

    static double r3(double v) { return Math.round(v * 1000) / 1000.0; }
}
