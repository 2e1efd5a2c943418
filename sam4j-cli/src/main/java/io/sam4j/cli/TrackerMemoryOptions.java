package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.video.TrackerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --memory-mb} and {@code --spill-dir}: how much of a video session's memories (mask
 * features, object pointers, logits) stays in the heap before the oldest go to a spill file.
 */
final class TrackerMemoryOptions {
  @Option(names = "--memory-mb", defaultValue = "64", paramLabel = "MB",
      description = "Heap for the tracker's memories; beyond it the least recently used are"
          + " spilled to disk and read back when needed (default ${DEFAULT-VALUE})")
  long memoryMb;

  @Option(names = "--spill-dir", paramLabel = "DIR",
      description = "Folder for the spill file (default: the system's temporary folder)")
  Path spillDir;

  /** The tracker options these flags give (two cached frames, nothing dropped). */
  TrackerOptions options() {
    if (memoryMb < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "--memory-mb must not be negative, got " + memoryMb);
    }
    TrackerOptions d = TrackerOptions.defaults();
    return new TrackerOptions(d.cachedFrames(), memoryMb << 20, spillDir, false);
  }

  /** The flags again, for a child process. */
  List<String> args() {
    List<String> a = new ArrayList<>(List.of("--memory-mb", Long.toString(memoryMb)));
    if (spillDir != null) {
      a.addAll(List.of("--spill-dir", spillDir.toString()));
    }
    return a;
  }
}
