package io.sam4j.eval.corrupt;

/** numpy's pairwise summation (blocks of 128, 8 accumulators), for means that match numpy's. */
final class PairwiseSum {
  private PairwiseSum() {}

  /** Sum of {@code n} values {@code a[offset + i * stride]}, in numpy's order. */
  static double strided(double[] a, int offset, int stride, int n) {
    if (n < 8) {
      double res = 0.;
      for (int i = 0; i < n; i++) {
        res += a[offset + i * stride];
      }
      return res;
    } else if (n <= 128) {
      double[] r = new double[8];
      for (int j = 0; j < 8; j++) {
        r[j] = a[offset + j * stride];
      }
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[offset + (i + j) * stride];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[offset + i * stride];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return strided(a, offset, stride, n2) + strided(a, offset + n2 * stride, stride, n - n2);
    }
  }
}
