package io.sam4j.registry;

/**
 * Hears how a long task is going (a transfer or checksum in bytes, images or points in counts), so
 * that a terminal can draw a bar and a test can stay silent or record what happened.
 *
 * <p>Calls come in the order {@code begin, update*, end}, possibly several times per download
 * (checking a partial file, then downloading the rest), on the thread doing the work. {@link
 * #note} may come at any time.
 */
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {
    @Override
    public void begin(String task, long done, long total) {}

    @Override
    public void update(long done) {}

    @Override
    public void end() {}
  };

  /**
   * A task starts.
   *
   * @param task what is being done, in words ({@code "downloading sam_vit_b"})
   * @param done amount already done when it starts (a resumed download starts above 0)
   * @param total amount in all, or {@code -1} when unknown
   */
  void begin(String task, long done, long total);

  /**
   * Amount done so far in the current task (from its start, including the {@code done} given to
   * {@link #begin}).
   */
  void update(long done);

  /** The current task is over, finished or not. */
  void end();

  /**
   * Something the user should know that is not an error: a resumed download, a server that
   * ignored a range request, a file accepted without a reference hash.
   */
  default void note(String message) {}
}
