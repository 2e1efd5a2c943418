package io.sam4j.eval.davis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.registry.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DAVIS 2017 J&F against the official evaluation's numbers (metrics/davis/expected.json). */
class VideoEvaluationTest {
  private static final double TOL = 1e-6;

  private static Path davis() {
    return Fixtures.root().resolve("metrics").resolve("davis");
  }

  private static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(davis().resolve("expected.json").toFile());
  }

  @Test
  void globalTableMatchesTheOfficialCode() throws IOException {
    VideoMetrics m = new VideoEvaluation(davis(), davis().resolve("Results"), "val", List.of())
        .evaluate(ProgressListener.NONE);
    JsonNode g = expected().get("global");
    double[] got = m.global();
    for (int i = 0; i < got.length; i++) {
      String col = VideoMetrics.GLOBAL_COLUMNS.get(i);
      assertEquals(g.get(col).asDouble(), got[i], TOL, col);
    }
    assertEquals(expected().get("global_csv_3dp").asText(), m.globalCsv());
    assertEquals(Files.readString(davis().resolve("per-sequence_results-val.csv")).replace("\r", ""),
        m.perSequenceCsv());
  }

  @Test
  void perObjectPerFrameJAndFMatch() throws IOException {
    VideoMetrics m = new VideoEvaluation(davis(), davis().resolve("Results"), "val", List.of())
        .evaluate(ProgressListener.NONE);
    JsonNode seqs = expected().get("sequences");
    assertEquals(5, m.objects().size());
    for (ObjectScores o : m.objects()) {
      JsonNode e = seqs.get(o.sequence()).get("objects").get(Integer.toString(o.objectId()));
      assertArrayEquals(doubles(e.get("J")), o.j(), TOL, o.name() + " J");
      assertArrayEquals(doubles(e.get("F")), o.f(), TOL, o.name() + " F");
      assertEquals(e.get("J_mean").asDouble(), o.jStats().mean(), TOL);
      assertEquals(e.get("J_recall").asDouble(), o.jStats().recall(), TOL);
      assertEquals(e.get("J_decay").asDouble(), o.jStats().decay(), TOL);
      assertEquals(e.get("F_mean").asDouble(), o.fStats().mean(), TOL);
      assertEquals(e.get("F_recall").asDouble(), o.fStats().recall(), TOL);
      assertEquals(e.get("F_decay").asDouble(), o.fStats().decay(), TOL);
    }
  }

  @Test
  void metricFunctionsOnEveryFrameMatchTheDirectCalls() throws IOException {
    DavisDataset ds = DavisDataset.open(davis());
    JsonNode seqs = expected().get("sequences");
    for (String seq : List.of("dogbowl", "neon")) {
      JsonNode s = seqs.get(seq);
      List<String> frames = ds.frames(seq);
      LabelMap first = ds.annotation(seq, frames.get(0));
      assertEquals(s.get("bound_pix").asInt(), DavisMetrics.boundPix(first.height(), first.width()));
      var objs = s.get("objects").fields();
      while (objs.hasNext()) {
        var en = objs.next();
        int obj = Integer.parseInt(en.getKey());
        double[] ej = doubles(en.getValue().get("J_all_frames_direct"));
        double[] ef = doubles(en.getValue().get("F_all_frames_direct"));
        for (int i = 0; i < frames.size(); i++) {
          LabelMap gt = ds.annotation(seq, frames.get(i));
          LabelMap r = LabelMap.read(davis().resolve("Results").resolve(seq)
              .resolve(frames.get(i) + ".png"));
          boolean[] g = gt.binary(obj);
          boolean[] p = r.binary(obj);
          assertEquals(ej[i], DavisMetrics.jaccard(g, p), TOL, seq + " " + obj + " J " + i);
          assertEquals(ef[i], DavisMetrics.fMeasure(p, g, gt.height(), gt.width()), TOL,
              seq + " " + obj + " F " + i);
        }
      }
    }
  }

  @Test
  void decayBinsAreTheOfficialOverlappingQuarters() {
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, DavisStatistics.binIds(5));
    assertArrayEquals(new int[] {0, 1, 2, 2, 3}, DavisStatistics.binIds(4));
    DavisStatistics s = DavisStatistics.of(new double[] {1, 0.5, 0.6, 0.2});
    assertEquals(0.75, s.mean() + 0.175, 1e-12);
    assertEquals(0.5, s.recall(), 1e-12);
    assertEquals(0.75 - 0.4, s.decay(), 1e-12);
  }

  @Test
  void officialLayoutAndErrors(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("DAVIS");
    copyTree(davis().resolve("Annotations"), root.resolve("Annotations").resolve("480p"));
    Files.createDirectories(root.resolve("ImageSets").resolve("2017"));
    Files.copy(davis().resolve("ImageSets").resolve("val.txt"),
        root.resolve("ImageSets").resolve("2017").resolve("val.txt"));
    VideoMetrics m = new VideoEvaluation(root, davis().resolve("Results"), "val", List.of("neon"))
        .evaluate(ProgressListener.NONE);
    assertEquals(2, m.objects().size());
    assertEquals(0.8193279817818309, m.objects().get(0).jStats().mean(), TOL);

    Path res = tmp.resolve("res");
    copyTree(davis().resolve("Results"), res);
    Files.delete(res.resolve("neon").resolve("00002.png"));
    SamException e = assertThrows(SamException.class, () -> new VideoEvaluation(root, res, "val",
        List.of()).evaluate(ProgressListener.NONE));
    assertTrue(e.getMessage().contains("00002.png is missing"), e.getMessage());
    Files.copy(root.resolve("Annotations/480p/dogbowl/00002.png"),
        res.resolve("neon").resolve("00002.png"));
    e = assertThrows(SamException.class, () -> new VideoEvaluation(root, res, "val", List.of())
        .evaluate(ProgressListener.NONE));
    assertTrue(e.getMessage().contains("same size"), e.getMessage());
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static double[] doubles(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).isNull() ? Double.NaN : a.get(i).asDouble();
    }
    return d;
  }
}
