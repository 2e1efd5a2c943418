package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.modeling.sam3.Sam3Detector;
import io.sam4j.modeling.sam3.Sam3Model;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.server.ConceptModel;
import io.sam4j.server.SamServer;
import io.sam4j.server.ServedModel;
import io.sam4j.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j serve}: the JSON API under /v1 and the browser page (module sam4j-server). */
@Command(
    name = "serve",
    header = "Serve a JSON API under /v1 and a browser page to segment images.",
    mixinStandardHelpOptions = true,
    description = {
        "Serve a JSON API under /v1 (docs/API.md) and a page to segment images in the browser.",
        "Localhost only unless --token is given; every /v1 call then needs 'Authorization: Bearer T'.",
        "A SAM 3 checkpoint (sam3.pt) answers concept prompts: POST /v1/images/{id}/concepts.",
        "Examples:",
        "  sam4j serve --model mobile_sam --port 8080     then open http://127.0.0.1:8080/",
        "  sam4j serve --model mobile_sam --model sam3.pt --port 8080"})
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
      description = "A checkpoint file or a model name (as for predict); repeat for several models;"
          + " the first is the default")
  List<String> models;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "Model spec JSON for what the checkpoints do not say (applies to every model)")
  Path spec;

  @Option(names = "--config", paramLabel = "CONFIG.yaml",
      description = "Hydra YAML config of SAM 2-family checkpoints (applies to every model; not"
          + " with --spec); such models also serve video sessions (/video.html)")
  Path configFile;

  @Option(names = "--max-sessions", defaultValue = "4", paramLabel = "N",
      description = "Video sessions open at once; one more is answered 429 (default 4)")
  int maxSessions;

  @Option(names = "--session-idle-minutes", defaultValue = "10", paramLabel = "N",
      description = "A video session unused this long is closed and its memory freed (default 10)")
  int sessionIdleMinutes;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address to listen on (default 127.0.0.1); another than loopback needs --token")
  String host;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
      description = "Port to listen on (default 8080; 0 picks a free one)")
  int port;

  @Option(names = "--token", paramLabel = "T",
      description = "Bearer token every /v1 call must carry (compared in constant time)")
  String token;

  @Option(names = "--max-upload-mb", defaultValue = "32", paramLabel = "N",
      description = "Largest request body in MB; larger uploads get 413 (default 32)")
  int maxUploadMb;

  @Option(names = "--cache-embeddings", defaultValue = "16", paramLabel = "N",
      description = "Image embeddings kept in the LRU cache (default 16)")
  int cacheEmbeddings;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = commandSpec.commandLine().getErr();
    // checked before any model is loaded: a refused --host should not cost seconds
    ServerConfig config = ServerConfig.of(host, port, token, (long) maxUploadMb << 20,
        cacheEmbeddings);
    config = config.withVideoLimits(config.maxVideos(), maxSessions, 60L * sessionIdleMinutes);
    if (spec != null && configFile != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "give --spec (a SAM 1-family JSON spec)"
          + " or --config (a SAM 2-family YAML config), not both");
    }
    Path specFile = spec != null ? spec : configFile;
    Set<String> names = new HashSet<>();
    List<ServedModel> served = new ArrayList<>();
    List<ConceptModel> concepts = new ArrayList<>();
    try {
      for (String m : models) {
        Path file = ModelOptions.resolve(m, err);
        String name = name(m, file);
        if (!names.add(name)) {
          throw new SamException(SamException.Kind.BAD_INPUT, "two --model arguments are both"
              + " named '" + name + "'; rename one of the files");
        }
        long t0 = System.nanoTime();
        RuntimeOptions options = new RuntimeOptions(threads.threads, true,
            RuntimeOptions.Precision.FP32);
        String architecture;
        if (Files.isRegularFile(file)
            && Sam3Detector.isSam3(CheckpointReader.read(file))) {
          concepts.add(new ConceptModel(name, Sam3Model.load(file, spec, options)));
          architecture = "sam3";
        } else {
          SamModel model = SamModel.load(file, specFile, options);
          served.add(ServedModel.of(name, model));
          architecture = model.name();
        }
        err.printf("loaded %s (%s) in %.1f s%n", name, architecture,
            (System.nanoTime() - t0) / 1e9);
      }
      try (SamServer server = SamServer.start(served, concepts, config)) {
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        commandSpec.commandLine().getOut().println("sam4j serving on " + server.uri());
        server.awaitStop();
      }
    } finally {
      served.forEach(s -> s.model().close());
      concepts.forEach(c -> c.model().close());
    }
    return 0;
  }

  /** The name clients use: the argument when it is a registry name, else the file's stem. */
  private static String name(String arg, Path file) {
    if (!arg.contains("/") && !arg.contains(".")) {
      return arg;
    }
    String f = file.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }
}
