package io.sam4j.registry;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where downloaded checkpoints live: {@code <home>/models/<file name>}, with an unfinished
 * download beside it as {@code <file name>.part}.
 *
 * <p>The home directory is {@code $SAM4J_HOME} when that is set, else {@code ~/.sam4j}.
 * Code that must not depend on the environment (tests) passes the home explicitly:
 *
 * <pre>{@code
 * ModelCache cache = new ModelCache(Path.of("/tmp/sam4j-home"));
 * Path file = cache.fileOf(ModelRegistry.official().get("sam_vit_b"));
 * }</pre>
 *
 * @param home the sam4j home directory (it need not exist yet)
 */
public record ModelCache(Path home) {
  /** The environment variable that overrides the home directory. */
  public static final String HOME_ENV = "SAM4J_HOME";

  /** Suffix of a download in progress. */
  public static final String PART_SUFFIX = ".part";

  /**
   * Makes the home absolute.
   *
   * @throws NullPointerException if {@code home} is null
   */
  public ModelCache {
    home = home.toAbsolutePath().normalize();
  }

  /** The cache of this process: {@code $SAM4J_HOME}, or {@code ~/.sam4j}. */
  public static ModelCache fromEnvironment() {
    return new ModelCache(homeFrom(System.getenv(), Path.of(System.getProperty("user.home"))));
  }

  /**
   * The home directory that an environment implies: the value of {@value #HOME_ENV} when it is set
   * and not blank, else {@code userHome/.sam4j}.
   */
  public static Path homeFrom(Map<String, String> env, Path userHome) {
    String v = env.get(HOME_ENV);
    if (v != null && !v.isBlank()) {
      return Path.of(v.strip());
    }
    return userHome.resolve(".sam4j");
  }

  /** {@code <home>/models}, where checkpoints are kept. */
  public Path modelsDir() {
    return home.resolve("models");
  }

  /** Where the checkpoint of {@code entry} is (or will be) kept. */
  public Path fileOf(ModelEntry entry) {
    return modelsDir().resolve(entry.fileName());
  }

  /** Where an unfinished download of {@code entry} is kept. */
  public Path partOf(ModelEntry entry) {
    return partOf(fileOf(entry));
  }

  /** The part file that belongs to {@code target}: the same name plus {@value #PART_SUFFIX}. */
  public static Path partOf(Path target) {
    return target.resolveSibling(target.getFileName() + PART_SUFFIX);
  }

  /** Whether the checkpoint of {@code entry} has been downloaded (it is not checked here). */
  public boolean contains(ModelEntry entry) {
    return Files.isRegularFile(fileOf(entry));
  }

  /** Bytes of an unfinished download of {@code entry}, 0 when there is none. */
  public long partialBytes(ModelEntry entry) {
    Path part = partOf(entry);
    try {
      return Files.isRegularFile(part) ? Files.size(part) : 0;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read " + part + ": " + e.getMessage(), e);
    }
  }
}
