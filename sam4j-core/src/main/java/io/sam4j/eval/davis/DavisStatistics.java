package io.sam4j.eval.davis;

/**
 * Mean, recall and decay of one object's per-frame values, as {@code davis2017/utils.py
 * db_statistics}: mean = nanmean, recall = fraction of values strictly above 0.5, decay = mean of
 * the first quarter bin minus mean of the last (bins from {@code uint8(round(linspace(1, N, 5) +
 * 1e-10) - 1)}, overlapping by one frame). NaN where the official code gives NaN (no frames).
 *
 * @param mean M
 * @param recall O (the "Recall" column)
 * @param decay D
 */
public record DavisStatistics(double mean, double recall, double decay) {

  /** The statistics of per-frame values (not modified). */
  public static DavisStatistics of(double[] v) {
    int n = v.length;
    double mean = nanMean(v, 0, n);
    double[] above = new double[n];
    for (int i = 0; i < n; i++) {
      above[i] = v[i] > 0.5 ? 1 : 0;
    }
    double recall = nanMean(above, 0, n);
    int[] ids = binIds(n);
    double first = nanMean(v, ids[0], ids[1] + 1);
    double last = nanMean(v, ids[3], ids[4] + 1);
    return new DavisStatistics(mean, recall, first - last);
  }

  /**
   * The five decay bin boundaries for {@code n} values: {@code round(linspace(1, n, 5) + 1e-10) -
   * 1} cast to uint8 (which wraps past 255, as in the official code).
   */
  public static int[] binIds(int n) {
    int[] ids = new int[5];
    double step = (n - 1) / 4.0;
    for (int i = 0; i < 5; i++) {
      double x = i == 4 ? n : i * step + 1;
      long r = (long) Math.rint(x + 1e-10) - 1;
      ids[i] = (int) (r & 0xff);
    }
    return ids;
  }

  /** numpy's nanmean of {@code v[from:to]} with Python slice clipping; NaN when nothing is left. */
  private static double nanMean(double[] v, int from, int to) {
    int a = Math.min(Math.max(from, 0), v.length);
    int b = Math.min(Math.max(to, 0), v.length);
    double sum = 0;
    int count = 0;
    for (int i = a; i < b; i++) {
      if (!Double.isNaN(v[i])) {
        sum += v[i];
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }
}
