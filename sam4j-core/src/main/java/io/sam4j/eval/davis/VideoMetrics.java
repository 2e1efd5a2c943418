package io.sam4j.eval.davis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The DAVIS 2017 global table and the per-object scores behind it. Every global statistic is the
 * mean over all objects of all sequences pooled; {@code J&F-Mean = (J-Mean + F-Mean) / 2}. Values
 * are fractions in [0, 1] (decay may be negative), as the official code computes them.
 *
 * @param objects the per-object scores, in sequence order then object id
 */
public record VideoMetrics(List<ObjectScores> objects) {

  /** The names of the global table's columns, in the official order. */
  public static final List<String> GLOBAL_COLUMNS = List.of("J&F-Mean", "J-Mean", "J-Recall",
      "J-Decay", "F-Mean", "F-Recall", "F-Decay");

  public VideoMetrics {
    objects = List.copyOf(objects);
  }

  /** J&F-Mean: the mean of {@link #jMean()} and {@link #fMean()}. */
  public double jfMean() {
    return (jMean() + fMean()) / 2;
  }

  public double jMean() {
    return mean(0, true);
  }

  public double jRecall() {
    return mean(1, true);
  }

  public double jDecay() {
    return mean(2, true);
  }

  public double fMean() {
    return mean(0, false);
  }

  public double fRecall() {
    return mean(1, false);
  }

  public double fDecay() {
    return mean(2, false);
  }

  /** The global table's values in {@link #GLOBAL_COLUMNS} order. */
  public double[] global() {
    return new double[] {jfMean(), jMean(), jRecall(), jDecay(), fMean(), fRecall(), fDecay()};
  }

  private double mean(int which, boolean j) {
    double s = 0;
    for (ObjectScores o : objects) {
      DavisStatistics st = j ? o.jStats() : o.fStats();
      s += which == 0 ? st.mean() : which == 1 ? st.recall() : st.decay();
    }
    return objects.isEmpty() ? Double.NaN : s / objects.size();
  }

  /**
   * The JSON report: the global columns at top level, then {@code "per_object"} ({@code
   * "<seq>_<id>"} → J-Mean, F-Mean) and {@code "sequences"} (per object: the statistics and the
   * per-frame values). NaN is written as {@code null}.
   */
  public ObjectNode toJson() {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    double[] g = global();
    for (int i = 0; i < g.length; i++) {
      put(root, GLOBAL_COLUMNS.get(i), g[i]);
    }
    root.put("objects", objects.size());
    ObjectNode per = root.putObject("per_object");
    for (ObjectScores o : objects) {
      ObjectNode n = per.putObject(o.name());
      put(n, "J-Mean", o.jStats().mean());
      put(n, "F-Mean", o.fStats().mean());
    }
    ObjectNode seqs = root.putObject("sequences");
    for (ObjectScores o : objects) {
      ObjectNode s = seqs.has(o.sequence()) ? (ObjectNode) seqs.get(o.sequence())
          : seqs.putObject(o.sequence());
      ObjectNode n = s.putObject(Integer.toString(o.objectId()));
      put(n, "J-Mean", o.jStats().mean());
      put(n, "J-Recall", o.jStats().recall());
      put(n, "J-Decay", o.jStats().decay());
      put(n, "F-Mean", o.fStats().mean());
      put(n, "F-Recall", o.fStats().recall());
      put(n, "F-Decay", o.fStats().decay());
      ArrayNode fr = n.putArray("frames");
      o.frames().forEach(fr::add);
      ArrayNode jn = n.putArray("J");
      for (double v : o.j()) {
        add(jn, v);
      }
      ArrayNode fn = n.putArray("F");
      for (double v : o.f()) {
        add(fn, v);
      }
    }
    return root;
  }

  /** The official {@code global_results-<set>.csv} ({@code %.3f}). */
  public String globalCsv() {
    StringBuilder sb = new StringBuilder(String.join(",", GLOBAL_COLUMNS)).append('\n');
    double[] g = global();
    for (int i = 0; i < g.length; i++) {
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", g[i]));
    }
    return sb.append('\n').toString();
  }

  /** The official {@code per-sequence_results-<set>.csv} ({@code %.3f}). */
  public String perSequenceCsv() {
    StringBuilder sb = new StringBuilder("Sequence,J-Mean,F-Mean\n");
    for (ObjectScores o : objects) {
      sb.append(o.name()).append(String.format(Locale.ROOT, ",%.3f,%.3f%n",
          o.jStats().mean(), o.fStats().mean()));
    }
    return sb.toString().replace("\r\n", "\n");
  }

  private static void put(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  private static void add(ArrayNode a, double v) {
    if (Double.isFinite(v)) {
      a.add(v);
    } else {
      a.addNull();
    }
  }
}
