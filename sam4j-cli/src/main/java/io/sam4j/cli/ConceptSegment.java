package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import io.sam4j.mask.Rle;
import io.sam4j.modeling.sam3.ConceptJson;
import io.sam4j.modeling.sam3.ConceptPrompt;
import io.sam4j.modeling.sam3.ConceptResult;
import io.sam4j.modeling.sam3.Sam3Model;
import io.sam4j.modeling.sam3.Sam3Predictor;
import io.sam4j.prompt.Box;
import io.sam4j.render.MaskOverlay;
import io.sam4j.result.Mask;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code sam4j segment --text/--exemplar}: SAM 3 concept segmentation of images. Each phrase is
 * one prompt (the exemplar boxes join every one; without a phrase they form one prompt of their
 * own); one image encoding serves all prompts. Per image: {@code <image>.json} (every instance:
 * phrase as label, score, COCO box and RLE), {@code <image>.instance<k>.png},
 * {@code <image>.labels.png} (instance k + 1 per pixel, the higher score on top) and
 * {@code <image>.overlay.png}.
 */
final class ConceptSegment {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One exemplar box in pixels. */
  record Exemplar(double x0, double y0, double x1, double y1, boolean positive) {
    /** Parses {@code X0,Y0,X1,Y1[,neg|pos]}. */
    static Exemplar parse(String s) {
      String[] p = s.split(",");
      if (p.length != 4 && p.length != 5) {
        throw bad("--exemplar takes X0,Y0,X1,Y1[,neg], got '" + s + "'");
      }
      double[] v = new double[4];
      try {
        for (int i = 0; i < 4; i++) {
          v[i] = Double.parseDouble(p[i].trim());
        }
      } catch (NumberFormatException e) {
        throw bad("--exemplar takes numbers X0,Y0,X1,Y1[,neg], got '" + s + "'");
      }
      boolean positive = true;
      if (p.length == 5) {
        String l = p[4].trim().toLowerCase(Locale.ROOT);
        if (!l.equals("neg") && !l.equals("pos")) {
          throw bad("--exemplar's fifth field is 'neg' or 'pos', got '" + p[4] + "'");
        }
        positive = l.equals("pos");
      }
      if (!(v[2] > v[0] && v[3] > v[1]) || !Double.isFinite(v[2]) || !Double.isFinite(v[3])) {
        throw bad("--exemplar " + s + " needs X0 < X1 and Y0 < Y1");
      }
      return new Exemplar(v[0], v[1], v[2], v[3], positive);
    }
  }

  private ConceptSegment() {}

  /** Runs the prompts on every image; returns the number of images that failed. */
  static int run(Path checkpoint, Path spec, io.sam4j.runtime.RuntimeOptions options,
      List<Path> images, List<String> texts, List<Exemplar> exemplars, double threshold, Path out,
      PrintWriter err) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw bad("--threshold must lie in [0, 1]");
    }
    int failed = 0;
    try (Sam3Model m = Sam3Model.load(checkpoint, spec, options)) {
      Sam3Predictor p = m.newPredictor();
      for (Path file : images) {
        try {
          RgbImage img = Images.read(file);
          segment(p, img, stem(file), texts, exemplars, threshold, out);
        } catch (SamException e) {
          if (images.size() == 1) {
            throw e;
          }
          failed++;
          err.println("sam4j: error: " + e.getMessage());
        }
      }
    }
    return failed;
  }

  private static void segment(Sam3Predictor p, RgbImage img, String stem, List<String> texts,
      List<Exemplar> exemplars, double threshold, Path out) {
    int w = img.width();
    int h = img.height();
    List<Box> drawnBoxes = new ArrayList<>();
    for (Exemplar e : exemplars) {
      if (e.x0() < 0 || e.y0() < 0 || e.x1() > w || e.y1() > h) {
        throw bad("--exemplar " + e.x0() + "," + e.y0() + "," + e.x1() + "," + e.y1()
            + " lies outside the " + w + "x" + h + " image " + stem);
      }
      drawnBoxes.add(new Box(e.x0(), e.y0(), e.x1(), e.y1()));
    }
    p.setImage(img);
    List<String> phrases = texts.isEmpty() ? java.util.Collections.singletonList(null) : texts;
    ObjectNode root = NODES.objectNode();
    root.put("image", stem);
    root.putArray("size").add(h).add(w);
    ArrayNode instances = root.putArray("instances");
    List<Mask> masks = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    for (int i = 0; i < phrases.size(); i++) {
      ConceptPrompt.Builder b = ConceptPrompt.builder().text(phrases.get(i));
      for (Exemplar e : exemplars) {
        b.box((e.x0() + e.x1()) / 2 / w, (e.y0() + e.y1()) / 2 / h, (e.x1() - e.x0()) / w,
            (e.y1() - e.y0()) / h, e.positive());
      }
      ConceptPrompt prompt = b.build();
      ConceptResult r = p.predict(prompt, threshold);
      for (ConceptResult.Instance in : r.instances()) {
        int k = masks.size();
        String file = String.format(Locale.ROOT, "%s.instance%d.png", stem, k);
        Images.writePng(in.mask(), out.resolve(file));
        ConceptJson.add(instances, k, prompt.textUsed(), i, in.query(), in.score(), in.box(),
            Rle.encode(in.mask())).put("file", file);
        masks.add(in.mask());
        scores.add(in.score());
      }
    }
    AtomicFiles.write(out.resolve(stem + ".json"),
        root.toPrettyString().getBytes(StandardCharsets.UTF_8));
    writeLabels(masks, scores, w, h, out.resolve(stem + ".labels.png"));
    Images.writePng(MaskOverlay.render(img, masks, List.of(), drawnBoxes),
        out.resolve(stem + ".overlay.png"));
  }

  /** Instance k + 1 per pixel (0 background), the higher score on top; 16-bit past 255. */
  private static void writeLabels(List<Mask> masks, List<Float> scores, int w, int h, Path file) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < masks.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(scores::get));
    boolean wide = masks.size() > 255;
    BufferedImage b = new BufferedImage(w, h,
        wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
    for (int i : order) {
      byte[] bits = masks.get(i).toByteArray();
      for (int px = 0; px < bits.length; px++) {
        if (bits[px] != 0) {
          if (wide) {
            ((DataBufferUShort) b.getRaster().getDataBuffer()).getData()[px] = (short) (i + 1);
          } else {
            ((DataBufferByte) b.getRaster().getDataBuffer()).getData()[px] = (byte) (i + 1);
          }
        }
      }
    }
    AtomicFiles.write(file, o -> {
      if (!ImageIO.write(b, "png", o)) {
        throw new IOException("no PNG writer available");
      }
    });
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  private static SamException bad(String what) {
    return new SamException(SamException.Kind.BAD_INPUT, what);
  }
}
