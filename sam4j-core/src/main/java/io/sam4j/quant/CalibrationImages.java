package io.sam4j.quant;

import io.sam4j.SamException;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The calibration images: files given as such, and the image files of given directories (by name
 * order, not recursive). Files that do not decode are skipped; none readable at all is an error.
 */
final class CalibrationImages {
  /** A decoded image and its file. */
  record Named(Path file, RgbImage image) {}

  private CalibrationImages() {}

  static List<Named> load(List<Path> sources) {
    if (sources == null || sources.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "no calibration images given: pass a"
          + " directory of photos or image files with --calibration");
    }
    List<Path> candidates = new ArrayList<>();
    for (Path p : sources) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted().forEach(candidates::add);
        } catch (IOException e) {
          throw new SamException(SamException.Kind.IO, "cannot list the calibration directory "
              + p + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        candidates.add(p);
      } else {
        throw new SamException(SamException.Kind.IO, "calibration input " + p + " does not exist");
      }
    }
    List<Named> out = new ArrayList<>();
    for (Path f : candidates) {
      try {
        out.add(new Named(f, Images.read(f)));
      } catch (SamException e) {
        // not an image (a README, a mask...): skipped
      }
    }
    if (out.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_IMAGE, "no readable image among the "
          + candidates.size() + " file(s) of " + sources + ": calibration needs a few photos"
          + " (JPEG, PNG) like those the model will see");
    }
    return out;
  }
}
