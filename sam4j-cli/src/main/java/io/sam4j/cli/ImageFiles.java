package io.sam4j.cli;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The images named by an {@code --image} argument: one file, or a directory's image files. */
final class ImageFiles {
  private static final Set<String> EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");

  private ImageFiles() {}

  /** The file itself, or the image files of a directory in name order (not recursive). */
  static List<Path> list(Path fileOrDir) {
    if (Files.isRegularFile(fileOrDir)) {
      return List.of(fileOrDir);
    }
    if (!Files.isDirectory(fileOrDir)) {
      throw new SamException(SamException.Kind.IO, "image " + fileOrDir + " does not exist");
    }
    try (Stream<Path> s = Files.list(fileOrDir)) {
      List<Path> files = s.filter(Files::isRegularFile).filter(ImageFiles::isImageName).sorted()
          .collect(Collectors.toList());
      if (files.isEmpty()) {
        throw new SamException(SamException.Kind.IO, "directory " + fileOrDir
            + " has no image files (" + String.join(", ", EXTENSIONS) + ")");
      }
      return files;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot list " + fileOrDir + ": " + e.getMessage(), e);
    }
  }

  private static boolean isImageName(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
