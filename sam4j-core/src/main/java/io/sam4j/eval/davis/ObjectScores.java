package io.sam4j.eval.davis;

import java.util.List;

/**
 * J and F of one object of one sequence over the evaluated frames (the first and last frame of a
 * sequence are not evaluated in the semi-supervised protocol).
 *
 * @param sequence sequence name
 * @param objectId object id (1-based label in the annotations)
 * @param frames names (without {@code .png}) of the evaluated frames
 * @param j per-frame region similarity, one per frame
 * @param f per-frame boundary F-measure, one per frame
 * @param jStats mean, recall and decay of {@code j}
 * @param fStats mean, recall and decay of {@code f}
 */
public record ObjectScores(String sequence, int objectId, List<String> frames, double[] j,
    double[] f, DavisStatistics jStats, DavisStatistics fStats) {

  /** Copies the arrays so that the record stays immutable. */
  public ObjectScores {
    frames = List.copyOf(frames);
    j = j.clone();
    f = f.clone();
  }

  /** The official per-object name {@code <sequence>_<objectId>}. */
  public String name() {
    return sequence + "_" + objectId;
  }

  /** A copy of the per-frame J values. */
  @Override
  public double[] j() {
    return j.clone();
  }

  /** A copy of the per-frame F values. */
  @Override
  public double[] f() {
    return f.clone();
  }
}
