package io.sam4j.registry;

import java.util.ArrayList;
import java.util.List;

/** Remembers every call, for assertions. */
final class RecordingProgress implements ProgressListener {
  /** {@code begin <task> <done> <total>}, {@code end <last done>}, in order (updates folded). */
  final List<String> events = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  private long last;

  @Override
  public void begin(String task, long done, long total) {
    events.add("begin " + task + " " + done + " " + total);
    last = done;
  }

  @Override
  public void update(long done) {
    if (done < last) {
      throw new AssertionError("progress went back from " + last + " to " + done);
    }
    last = done;
  }

  @Override
  public void end() {
    events.add("end " + last);
  }

  @Override
  public void note(String message) {
    notes.add(message);
  }

  /** All notes in one string. */
  String allNotes() {
    return String.join("\n", notes);
  }
}
