package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.eval.davis.LabelMap;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.video.VideoTracker;
import io.sam4j.video.output.DavisPalette;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prompts of {@code sam4j track}, grouped by frame and object: {@code --point
 * FRAME,X,Y[,LABEL][,OBJ]}, {@code --box FRAME,X0,Y0,X1,Y1[,OBJ]} and {@code --mask FRAME,OBJ,PNG}
 * (object 1 when OBJ is left out). Checked against the video before the model loads.
 */
final class TrackPrompts {
  /** The clicks and box of one object on one frame. */
  record Group(int frame, int obj, List<Point> points, Box box) {}

  /** A mask prompt. */
  record MaskPrompt(int frame, int obj, Path png) {}

  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final List<MaskPrompt> masks = new ArrayList<>();

  static TrackPrompts parse(List<String> points, List<String> boxes, List<String> masks) {
    TrackPrompts p = new TrackPrompts();
    for (String s : points) {
      double[] v = numbers("--point", s, 3, 5, "FRAME,X,Y[,LABEL][,OBJ]");
      Label label = v.length >= 4 ? Label.of(v[3]) : Label.FOREGROUND;
      Group g = p.group(integer("--point", s, v[0]), v.length == 5 ? integer("--point", s, v[4]) : 1);
      g.points().add(new Point(v[1], v[2], label));
    }
    for (String s : boxes) {
      double[] v = numbers("--box", s, 5, 6, "FRAME,X0,Y0,X1,Y1[,OBJ]");
      Group g = p.group(integer("--box", s, v[0]), v.length == 6 ? integer("--box", s, v[5]) : 1);
      if (g.box() != null) {
        throw new SamException(SamException.Kind.BAD_PROMPT, "--box " + s + ": object " + g.obj()
            + " already has a box on frame " + g.frame() + "; give each box its own object id"
            + " (FRAME,X0,Y0,X1,Y1,OBJ)");
      }
      p.groups.put(key(g.frame(), g.obj()), new Group(g.frame(), g.obj(), g.points(),
          new Box(v[1], v[2], v[3], v[4])));
    }
    for (String s : masks) {
      String[] parts = s.split(",", 3);
      if (parts.length != 3) {
        throw new SamException(SamException.Kind.BAD_PROMPT, "--mask '" + s + "' needs FRAME,OBJ,PNG");
      }
      double[] v = numbers("--mask", parts[0] + "," + parts[1], 2, 2, "FRAME,OBJ,PNG");
      p.masks.add(new MaskPrompt(integer("--mask", s, v[0]), integer("--mask", s, v[1]), Path.of(parts[2])));
    }
    if (p.groups.isEmpty() && p.masks.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "no prompt: give at least one --point"
          + " FRAME,X,Y, --box FRAME,X0,Y0,X1,Y1 or --mask FRAME,OBJ,PNG");
    }
    return p;
  }

  private Group group(int frame, int obj) {
    return groups.computeIfAbsent(key(frame, obj), k -> new Group(frame, obj, new ArrayList<>(), null));
  }

  private static String key(int frame, int obj) {
    return frame + "/" + obj;
  }

  /**
   * Refuses a prompt on a frame the video does not have or outside the frame.
   */
  void check(int frames, int width, int height) {
    for (Group g : groups.values()) {
      DavisPalette.checkId(g.obj());
      checkFrame(g.frame(), frames, "object " + g.obj() + "'s points/box");
      List<io.sam4j.prompt.Prompt> asPrompt = new ArrayList<>();
      io.sam4j.prompt.Prompt.Builder b = io.sam4j.prompt.Prompt.builder();
      g.points().forEach(b::point);
      if (g.box() != null) {
        b.box(g.box());
      }
      asPrompt.add(b.build());
      PromptOptions.requireInside(asPrompt, height, width, "frame " + g.frame());
    }
    for (MaskPrompt m : masks) {
      DavisPalette.checkId(m.obj());
      checkFrame(m.frame(), frames, "--mask " + m.png());
    }
  }

  private static void checkFrame(int frame, int frames, String what) {
    if (frame < 0 || frame >= frames) {
      throw new SamException(SamException.Kind.BAD_PROMPT, what + " is on frame " + frame
          + ", which the video does not have: it has " + frames + " frames (0.." + (frames - 1) + ")");
    }
  }

  /** Adds every prompt to the tracker, frame by frame (points and boxes, then masks). */
  void apply(VideoTracker tracker) {
    Map<Integer, List<Runnable>> byFrame = new TreeMap<>();
    for (Group g : groups.values()) {
      byFrame.computeIfAbsent(g.frame(), f -> new ArrayList<>()).add(() ->
          tracker.addPrompt(g.frame(), g.obj(), g.points(), g.box(), true, true));
    }
    for (MaskPrompt m : masks) {
      LabelMap labels = LabelMap.read(m.png());
      int[] values = labels.toArray();
      boolean[] mask = new boolean[values.length];
      boolean any = false;
      for (int i = 0; i < values.length; i++) {
        mask[i] = values[i] != 0;
        any |= mask[i];
      }
      if (!any) {
        throw new SamException(SamException.Kind.BAD_PROMPT, "--mask " + m.png() + " is empty: the"
            + " object's pixels must be non-zero");
      }
      byFrame.computeIfAbsent(m.frame(), f -> new ArrayList<>()).add(() ->
          tracker.addMask(m.frame(), m.obj(), mask, labels.width(), labels.height()));
    }
    byFrame.values().forEach(list -> list.forEach(Runnable::run));
  }

  /** How many distinct objects the prompts name. */
  int promptedObjects() {
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    groups.values().forEach(g -> ids.add(g.obj()));
    masks.forEach(m -> ids.add(m.obj()));
    return ids.size();
  }

  private static int integer(String option, String text, double v) {
    if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
      throw new SamException(SamException.Kind.BAD_PROMPT, option + " '" + text + "': frame and object"
          + " numbers are whole numbers >= 0, not " + v);
    }
    return (int) v;
  }

  private static double[] numbers(String option, String text, int min, int max, String form) {
    String[] parts = text.split(",", -1);
    if (parts.length < min || parts.length > max) {
      throw new SamException(SamException.Kind.BAD_PROMPT, option + " '" + text + "' is not " + form);
    }
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new SamException(SamException.Kind.BAD_PROMPT, option + " '" + text + "': '" + parts[i]
            + "' is not a number (" + form + ")");
      }
    }
    return v;
  }
}
