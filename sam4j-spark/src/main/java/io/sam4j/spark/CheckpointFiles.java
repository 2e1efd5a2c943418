package io.sam4j.spark;

import io.sam4j.SamException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;

/**
 * Finds a checkpoint on an executor. A location is, in this order: a path every executor sees
 * (a shared mount, or the container's working directory where YARN puts {@code --files}); the
 * file name of a file shipped with {@code --files} or {@code SparkContext.addFile}
 * ({@link SparkFiles}); or a Hadoop URI ({@code hdfs://}, {@code s3a://}), copied once per JVM to
 * a local temporary file because the model reader maps local files.
 */
final class CheckpointFiles {
  private static final Map<String, Path> COPIED = new HashMap<>();

  private CheckpointFiles() {}

  static synchronized Path local(String location, Configuration conf) {
    if (location == null) {
      return null;
    }
    URI uri = URI.create(location.replace(" ", "%20"));
    if (uri.getScheme() != null && !uri.getScheme().equals("file") && uri.getScheme().length() > 1) {
      return COPIED.computeIfAbsent(location, l -> copy(l, conf));
    }
    Path p = Path.of(uri.getScheme() == null ? location : uri.getPath());
    if (Files.isRegularFile(p)) {
      return p.toAbsolutePath();
    }
    Path shipped = shipped(p.getFileName().toString());
    if (shipped != null) {
      return shipped;
    }
    throw new SamException(SamException.Kind.IO, "checkpoint " + location + " is not on this"
        + " executor: put it on a path every executor sees, ship it with --files (and name it by"
        + " its file name), or give an hdfs:// or s3a:// URI");
  }

  /** A file shipped with {@code --files}, or null (also outside a Spark executor). */
  private static Path shipped(String name) {
    try {
      Path p = Path.of(SparkFiles.get(name));
      return Files.isRegularFile(p) ? p : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Path copy(String location, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = src.getFileSystem(conf);
      Path dir = Files.createTempDirectory("sam4j-checkpoint");
      Path dst = dir.resolve(src.getName());
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(dst.toUri()), true);
      dst.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return dst;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot copy checkpoint " + location
          + " to this executor: " + e.getMessage(), e);
    }
  }
}
