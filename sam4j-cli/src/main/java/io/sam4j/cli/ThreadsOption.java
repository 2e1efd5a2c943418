package io.sam4j.cli;

import picocli.CommandLine.Option;

/** {@code --threads}: the intra-op threads of every inference session a command opens. */
final class ThreadsOption {
  @Option(names = "--threads", defaultValue = "0",
      description = "Threads for inference, 0 = one per core (default)")
  int threads;
}
