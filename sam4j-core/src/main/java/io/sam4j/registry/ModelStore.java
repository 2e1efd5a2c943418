package io.sam4j.registry;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns what a user passes as {@code --model} into a checkpoint file: a registry, a cache
 * directory and a downloader put together.
 *
 * <p>{@link #resolve(String)} uses an existing path as it is, without touching the network; a
 * registry name becomes the cached file, downloaded on first use; anything else is an error that
 * lists the known names.
 *
 * <pre>{@code
 * ModelStore store = ModelStore.standard(ProgressListener.NONE);
 * try (SamModel model = SamModel.load(store.resolve("mobile_sam"))) {
 *   ...
 * }
 * }</pre>
 */
public final class ModelStore {
  private final ModelRegistry registry;
  private final ModelCache cache;
  private final Downloader downloader;
  private final ProgressListener progress;

  /**
   * A store over the given parts.
   *
   * @param progress hears about downloads and checksums
   */
  public ModelStore(ModelRegistry registry, ModelCache cache, Downloader downloader,
      ProgressListener progress) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.downloader = Objects.requireNonNull(downloader, "downloader");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * The official registry, the cache of this process ({@code $SAM4J_HOME} or {@code ~/.sam4j})
   * and a default downloader.
   */
  public static ModelStore standard(ProgressListener progress) {
    return new ModelStore(ModelRegistry.official(), ModelCache.fromEnvironment(),
        Downloader.withDefaults(), progress);
  }

  /** The registry names are looked up in. */
  public ModelRegistry registry() {
    return registry;
  }

  /** The cache downloads go to. */
  public ModelCache cache() {
    return cache;
  }

  /**
   * The checkpoint file {@code model} stands for.
   *
   * @param model a path to an existing file (used as is, no network) or a registry name (the
   *     cached file, downloaded first if absent)
   * @throws SamException of kind {@link SamException.Kind#BAD_INPUT} when {@code model} is neither,
   *     or as {@link #pull(String)} when a download fails
   */
  public Path resolve(String model) {
    if (model == null || model.isBlank()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "no model given: pass a checkpoint file "
          + "or one of " + String.join(", ", registry.names()));
    }
    Path asPath = asPath(model);
    if (asPath != null && Files.exists(asPath)) {
      return asPath;
    }
    if (registry.find(model).isPresent()) {
      return pull(model);
    }
    if (model.contains("/") || model.contains("\\")
        || model.matches(".*\\.(pth|pt|safetensors|onnx|bin)$")) {
      throw new SamException(SamException.Kind.IO, "model file " + model + " does not exist");
    }
    throw new SamException(SamException.Kind.BAD_INPUT, "'" + model + "' is neither an existing "
        + "file nor a known model name; known names: " + String.join(", ", registry.names()));
  }

  /**
   * The cached checkpoint called {@code name}, downloaded (and verified) first if it is not in the
   * cache. A file already in the cache is not hashed again; see {@link #verify(String)}.
   *
   * @throws SamException as {@link ModelRegistry#get(String)} and {@link Downloader#download}
   */
  public Path pull(String name) {
    ModelEntry e = registry.get(name);
    Path file = cache.fileOf(e);
    if (Files.isRegularFile(file)) {
      return file;
    }
    if (e.gated()) {
      throw new SamException(SamException.Kind.BAD_INPUT, name + " cannot be downloaded by sam4j: "
          + e.access() + " (" + file + ")");
    }
    return downloader.download(e, file, progress);
  }

  /**
   * Where the checkpoint called {@code name} is cached.
   *
   * @throws SamException of kind {@link SamException.Kind#IO} when it has not been downloaded; the
   *     message says how to get it and where to put it by hand
   */
  public Path path(String name) {
    ModelEntry e = registry.get(name);
    Path file = cache.fileOf(e);
    if (!Files.isRegularFile(file)) {
      throw notDownloaded(e, file);
    }
    return file;
  }

  /**
   * Hashes the cached checkpoint called {@code name} and compares it with the registry.
   *
   * @throws SamException of kind {@link SamException.Kind#IO} when it has not been downloaded or
   *     cannot be read
   */
  public Verification verify(String name) {
    Path file = path(name);
    ModelEntry e = registry.get(name);
    try {
      long size = Files.size(file);
      String sha = Sha256.ofFile(file, "checking " + file.getFileName(), progress);
      return Verification.of(e, file, size, sha);
    } catch (IOException ex) {
      throw new SamException(SamException.Kind.IO,
          "cannot read " + file + ": " + Transfer.describe(ex), ex);
    }
  }

  private static SamException notDownloaded(ModelEntry e, Path file) {
    return new SamException(SamException.Kind.IO, e.name() + " is not downloaded yet: pull it "
        + "(sam4j models pull " + e.name() + "), or download " + e.url() + " and save it as "
        + file);
  }

  private static Path asPath(String model) {
    try {
      return Path.of(model);
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
