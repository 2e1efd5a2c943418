package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.prompt.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Prompt options of {@code segment}: points, boxes, multimask, mask input. */
final class PromptOptions {
  @Option(names = "--point", paramLabel = "X,Y[,LABEL]",
      description = "A point in image pixels; LABEL 1 = on the object (default), 0 = not on it. Repeatable.")
  List<String> points = new ArrayList<>();

  @Option(names = "--box", paramLabel = "X0,Y0,X1,Y1",
      description = "A box around an object, corners in image pixels. Repeat for several objects"
          + " (decoded together).")
  List<String> boxes = new ArrayList<>();

  @Option(names = "--multimask", description = "Return three candidate masks per object instead of one")
  boolean multimask;

  @Option(names = "--mask-in", paramLabel = "FILE",
      description = "Low-res logits (.npy, 256x256; 128x128 for 512-pixel models) of an earlier"
          + " prediction, to refine it")
  Path maskIn;

  /** The prompts: one per box, or one made of the points (and at most one box). */
  List<Prompt> prompts() {
    List<Point> pts = new ArrayList<>();
    for (String p : points) {
      double[] v = numbers("--point", p, 2, 3);
      pts.add(new Point(v[0], v[1], v.length == 3 ? Label.of(v[2]) : Label.FOREGROUND));
    }
    List<Box> bx = new ArrayList<>();
    for (String b : boxes) {
      double[] v = numbers("--box", b, 4, 4);
      bx.add(new Box(v[0], v[1], v[2], v[3]));
    }
    if (bx.size() > 1 && (!pts.isEmpty() || maskIn != null)) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "several --box options make one object"
          + " each; --point and --mask-in can only refine a single object (give at most one --box)");
    }
    float[] mask = maskIn == null ? null : readMask(maskIn);
    List<Prompt> out = new ArrayList<>();
    if (bx.size() > 1) {
      for (Box b : bx) {
        out.add(Prompt.builder().box(b).multimask(multimask).build());
      }
      return out;
    }
    Prompt.Builder b = Prompt.builder().multimask(multimask);
    pts.forEach(b::point);
    if (!bx.isEmpty()) {
      b.box(bx.get(0));
    }
    if (mask != null) {
      b.maskInput(mask);
    }
    if (pts.isEmpty() && bx.isEmpty() && mask == null) {
      throw new SamException(SamException.Kind.BAD_PROMPT,
          "no prompt: give --point X,Y, --box X0,Y0,X1,Y1 or --mask-in FILE");
    }
    out.add(b.build());
    return out;
  }

  /**
   * Refuses prompts that lie outside a {@code width x height} image. The library keeps the
   * reference's permissive behaviour (a point outside the image is encoded like any other); on the
   * command line such a point is almost always a typo or a swapped X/Y, so it is an error here.
   * Coordinates on the border ({@code 0..width}, {@code 0..height}) are inside.
   */
  static void requireInside(List<Prompt> prompts, int height, int width, String image) {
    for (Prompt p : prompts) {
      for (Point pt : p.points()) {
        if (pt.x() < 0 || pt.y() < 0 || pt.x() > width || pt.y() > height) {
          throw outside("--point " + fmt(pt.x()) + "," + fmt(pt.y()), height, width, image);
        }
      }
      if (p.box().isPresent()) {
        Box b = p.box().get();
        if (b.x0() < 0 || b.y0() < 0 || b.x1() > width || b.y1() > height) {
          throw outside("--box " + fmt(b.x0()) + "," + fmt(b.y0()) + "," + fmt(b.x1()) + ","
              + fmt(b.y1()), height, width, image);
        }
      }
    }
  }

  private static SamException outside(String what, int height, int width, String image) {
    return new SamException(SamException.Kind.BAD_PROMPT, what + " lies outside " + image + ", which is "
        + width + "x" + height + " (WxH): coordinates are X,Y in image pixels, 0 <= X <= " + width
        + " and 0 <= Y <= " + height);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static double[] numbers(String option, String text, int min, int max) {
    String[] parts = text.split(",", -1);
    if (parts.length < min || parts.length > max) {
      throw new SamException(SamException.Kind.BAD_PROMPT, option + " '" + text + "' needs "
          + (min == max ? min : min + " or " + max) + " comma-separated numbers");
    }
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new SamException(SamException.Kind.BAD_PROMPT,
            option + " '" + text + "': '" + parts[i] + "' is not a number");
      }
    }
    return v;
  }

  private static float[] readMask(Path file) {
    Tensor t = Npy.read(file);
    long[] s = t.shape();
    long side = s.length < 2 ? 0 : s[s.length - 1];
    if (s.length < 2 || side != s[s.length - 2] || t.numel() != side * side) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "--mask-in " + file + " has shape "
          + java.util.Arrays.toString(s) + "; it must hold one square low-res logit mask (one of"
          + " the low_res_logits of an earlier prediction: 256x256, or 128x128 for 512-pixel"
          + " models)");
    }
    return t.toFloatArray();
  }
}
