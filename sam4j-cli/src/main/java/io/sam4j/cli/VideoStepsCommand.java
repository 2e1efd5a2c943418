package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.Npy;
import io.sam4j.image.Images;
import io.sam4j.io.AtomicFiles;
import io.sam4j.io.TempDirs;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.VideoTracker;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j video-steps}: replays a video predictor session written as a step list (the
 * reference fixtures' form) and writes every frame output, for checking against the reference.
 */
@Command(
    name = "video-steps",
    header = "Replay a video tracking session from a step list and write every frame output.",
    mixinStandardHelpOptions = true,
    description = {
        "Replays STEPS.json = {\"steps\": [...]} on a folder of JPEG frames, as the reference's",
        "video predictor would run it. Ops: add_new_points_or_box (frame_idx, obj_id, points,",
        "labels, box, clear_old_points, normalize_coords), add_new_mask (frame_idx, obj_id, mask:",
        "a PNG path, relative to the steps file's folder), propagate_in_video (start_frame_idx,",
        "reverse, max_frame_num_to_track; nulls allowed), reset_state. Other members are ignored.",
        "Writes DIR/steps.json = {\"steps\": [{\"op\", \"out\": [{\"frame_idx\", \"obj_ids\",",
        "\"objects\": [{\"obj_id\", \"mask\": PNG, \"logits\": NPY float32 [1,1,256,256],",
        "\"object_score_logits\"}]}]}]} with the files beside it; a step the predictor refuses is",
        "{\"op\", \"error\": message} and the replay goes on.",
        "Example:",
        "  sam4j video-steps --model sam2.1_hiera_tiny.pt --frames bedroom/ --steps steps.json"
            + " --out out/"})
final class VideoStepsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Mixin TrackerMemoryOptions memory;

  @Option(names = "--frames", required = true, paramLabel = "DIR",
      description = "Folder of JPEG frames named by frame number (00000.jpg, ...)")
  Path framesDir;

  @Option(names = "--steps", required = true, paramLabel = "STEPS.json",
      description = "The step list to replay")
  Path stepsFile;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  Path out;

  @Override
  public Integer call() throws IOException {
    JsonNode steps = readSteps(stepsFile);
    Path base = stepsFile.toAbsolutePath().getParent();
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    AtomicFiles.removeStaleTemporaries(out, 1);
    Path tmp = Files.createTempDirectory(parent, ".video-steps");
    try (SamModel m = model.load(commandSpec.commandLine().getErr());
         FolderFrameSource frames = FolderFrameSource.open(framesDir);
         VideoTracker tracker = m.newTracker(frames, memory.options())) {
      ArrayNode written = JSON.createArrayNode();
      for (int i = 0; i < steps.size(); i++) {
        JsonNode step = steps.get(i);
        String op = step.path("op").asText("");
        ObjectNode entry = written.addObject().put("op", op);
        try {
          List<FrameResult> results = run(tracker, step, base, op);
          ArrayNode outs = entry.putArray("out");
          for (FrameResult r : results) {
            outs.add(frame(r, i, tmp));
          }
        } catch (SamException e) {
          entry.remove("out");
          entry.put("error", e.getMessage());
        }
      }
      ObjectNode root = JSON.createObjectNode();
      root.set("steps", written);
      Files.write(tmp.resolve("steps.json"), JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(root));
      publish(tmp, out);
    } finally {
      TempDirs.deleteQuietly(tmp);
    }
    return 0;
  }

  private static JsonNode readSteps(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "cannot read step list " + file + ": "
          + e.getMessage(), e);
    }
    JsonNode steps = root == null ? null : root.get("steps");
    if (steps == null || !steps.isArray()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "step list " + file + " has no"
          + " \"steps\" array; give {\"steps\": [{\"op\": ...}, ...]}");
    }
    return steps;
  }

  private static List<FrameResult> run(VideoTracker tracker, JsonNode step, Path base, String op)
      throws IOException {
    switch (op) {
      case "add_new_points_or_box" -> {
        JsonNode pts = step.path("points");
        JsonNode labels = step.path("labels");
        if (pts.isArray() != labels.isArray()) {
          throw new SamException(SamException.Kind.BAD_PROMPT, "points and labels must be"
              + " provided together");
        }
        List<Point> points = new ArrayList<>();
        if (pts.isArray()) {
          if (pts.size() != labels.size()) {
            throw new SamException(SamException.Kind.BAD_PROMPT, pts.size() + " points but "
                + labels.size() + " labels");
          }
          for (int k = 0; k < pts.size(); k++) {
            points.add(new Point(pts.get(k).get(0).asDouble(), pts.get(k).get(1).asDouble(),
                Label.of(labels.get(k).asDouble())));
          }
        }
        Box box = null;
        JsonNode b = step.path("box");
        if (b.isArray()) {
          // [x0, y0, x1, y1], [[x0, y0], [x1, y1]] or [[x0, y0, x1, y1]]: the reference reshapes
          List<Double> v = new ArrayList<>();
          flatten(b, v);
          if (v.size() != 4) {
            throw new SamException(SamException.Kind.BAD_PROMPT, "box " + b + " must hold four"
                + " numbers x0, y0, x1, y1");
          }
          box = new Box(v.get(0), v.get(1), v.get(2), v.get(3));
        }
        return List.of(tracker.addPrompt(integer(step, "frame_idx"), integer(step, "obj_id"),
            points, box, bool(step, "clear_old_points", true), bool(step, "normalize_coords",
                true)));
      }
      case "add_new_mask" -> {
        if (!step.path("mask").isTextual()) {
          throw new SamException(SamException.Kind.BAD_PROMPT, "add_new_mask needs \"mask\": the"
              + " path of a PNG");
        }
        Path png = base.resolve(step.get("mask").asText());
        BufferedImage img;
        try {
          img = ImageIO.read(png.toFile());
        } catch (IOException e) {
          img = null;
        }
        if (img == null) {
          throw new SamException(SamException.Kind.IO, "mask " + png + " is missing or not an"
              + " image");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] mask = new boolean[w * h];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            mask[y * w + x] = img.getRaster().getSample(x, y, 0) != 0;
          }
        }
        return List.of(tracker.addMask(integer(step, "frame_idx"), integer(step, "obj_id"), mask,
            w, h));
      }
      case "propagate_in_video" -> {
        List<FrameResult> out = new ArrayList<>();
        tracker.propagate(optional(step, "start_frame_idx"), bool(step, "reverse", false),
            optional(step, "max_frame_num_to_track"), out::add);
        return out;
      }
      case "reset_state" -> {
        tracker.reset();
        return List.of();
      }
      default -> throw new SamException(SamException.Kind.BAD_INPUT, "unknown op '" + op
          + "' (add_new_points_or_box, add_new_mask, propagate_in_video, reset_state)");
    }
  }

  private static void flatten(JsonNode n, List<Double> out) {
    if (n.isArray()) {
      n.forEach(c -> flatten(c, out));
    } else {
      out.add(n.asDouble());
    }
  }

  private static int integer(JsonNode step, String key) {
    JsonNode v = step.get(key);
    if (v == null || !v.isNumber()) {
      throw new SamException(SamException.Kind.BAD_INPUT, step.path("op").asText() + " needs an"
          + " integer \"" + key + "\"");
    }
    return v.asInt();
  }

  private static Integer optional(JsonNode step, String key) {
    JsonNode v = step.get(key);
    return v == null || v.isNull() ? null : integer(step, key);
  }

  private static boolean bool(JsonNode step, String key, boolean dflt) {
    JsonNode v = step.get(key);
    return v == null || v.isNull() ? dflt : v.asBoolean();
  }

  private static ObjectNode frame(FrameResult r, int step, Path dir) {
    ObjectNode f = JSON.createObjectNode().put("frame_idx", r.frameIdx());
    ArrayNode ids = f.putArray("obj_ids");
    r.objectIds().forEach(ids::add);
    ArrayNode objs = f.putArray("objects");
    for (ObjectResult o : r.objects()) {
      String name = String.format("s%02d_f%02d_o%d", step, r.frameIdx(), o.objId());
      ObjectNode n = objs.addObject().put("obj_id", o.objId());
      Images.writePng(o.mask(), dir.resolve(name + ".png"));
      n.put("mask", name + ".png");
      float[] logits = o.lowResLogits();
      if (logits == null) {
        n.putNull("logits");
        n.putNull("object_score_logits");
      } else {
        int side = (int) Math.round(Math.sqrt(logits.length));
        Npy.writeFloats(dir.resolve(name + ".npy"), logits, 1, 1, side, side);
        n.put("logits", name + ".npy");
        n.put("object_score_logits", o.objectScoreLogits());
      }
    }
    return f;
  }

  /** Moves the finished files into {@code out}, steps.json last. */
  private static void publish(Path tmp, Path out) throws IOException {
    Files.createDirectories(out);
    List<Path> files;
    try (Stream<Path> s = Files.list(tmp)) {
      files = s.filter(p -> !p.getFileName().toString().equals("steps.json")).toList();
    }
    for (Path p : files) {
      AtomicFiles.replace(p, out.resolve(p.getFileName().toString()));
    }
    AtomicFiles.replace(tmp.resolve("steps.json"), out.resolve("steps.json"));
  }
}
