package io.sam4j.eval.davis;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A DAVIS-format folder: {@code Annotations/<seq>/<frame>.png} and {@code ImageSets/<set>.txt} (the
 * flat layout), or the official {@code Annotations/480p/<seq>}, {@code JPEGImages/480p/<seq>} and
 * {@code ImageSets/2017/<set>.txt}. Frames are the sorted {@code *.png} names of the annotations.
 *
 * @param root the dataset folder
 * @param annotations the folder holding one sub-folder of PNGs per sequence
 * @param imageSets the folder holding {@code <set>.txt}
 */
public record DavisDataset(Path root, Path annotations, Path imageSets) {

  /**
   * Finds the layout under {@code root}.
   *
   * @throws SamException when there is no {@code Annotations} folder
   */
  public static DavisDataset open(Path root) {
    if (!Files.isDirectory(root)) {
      throw new SamException(SamException.Kind.IO, "DAVIS folder " + root + " does not exist");
    }
    Path ann = root.resolve("Annotations");
    if (!Files.isDirectory(ann)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "DAVIS folder " + root + " has no"
          + " Annotations/ folder (expected Annotations/<sequence>/<frame>.png or"
          + " Annotations/480p/<sequence>/<frame>.png)");
    }
    if (Files.isDirectory(ann.resolve("480p"))) {
      return new DavisDataset(root, ann.resolve("480p"), root.resolve("ImageSets").resolve("2017"));
    }
    return new DavisDataset(root, ann, root.resolve("ImageSets"));
  }

  /**
   * The sequences listed in {@code <set>.txt} (in the layout's ImageSets folder, else
   * {@code ImageSets/2017/} or {@code ImageSets/}), or, when there is none, every sequence folder
   * under the annotations in sorted order.
   */
  public List<String> sequences(String set) {
    Path list = null;
    for (Path p : List.of(imageSets.resolve(set + ".txt"),
        root.resolve("ImageSets").resolve("2017").resolve(set + ".txt"),
        root.resolve("ImageSets").resolve(set + ".txt"))) {
      if (list == null && Files.isRegularFile(p)) {
        list = p;
      }
    }
    if (list != null) {
      try {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            out.add(line.strip());
          }
        }
        return out;
      } catch (IOException e) {
        throw new SamException(SamException.Kind.IO, "cannot read " + list + ": " + e.getMessage(), e);
      }
    }
    try (Stream<Path> s = Files.list(annotations)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot list " + annotations + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The sorted frame names (without {@code .png}) of a sequence's annotations.
   *
   * @throws SamException when the sequence has no annotation folder or no PNG
   */
  public List<String> frames(String sequence) {
    Path dir = annotations.resolve(sequence);
    if (!Files.isDirectory(dir)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "sequence '" + sequence + "' has no"
          + " annotation folder " + dir);
    }
    List<String> names = pngNames(dir);
    if (names.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "sequence '" + sequence + "' has no"
          + " annotation PNG in " + dir);
    }
    return names;
  }

  /** Sorted names without {@code .png} of the PNG files in {@code dir}. */
  static List<String> pngNames(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JPEG frame folder of a sequence: {@code JPEGImages/<seq>} in the flat layout,
   * {@code JPEGImages/480p/<seq>} in the official one (not checked to exist).
   */
  public Path frameFolder(String sequence) {
    Path images = root.resolve("JPEGImages");
    boolean official = annotations.equals(root.resolve("Annotations").resolve("480p"));
    return (official ? images.resolve("480p") : images).resolve(sequence);
  }

  /** The annotation of one frame. */
  public LabelMap annotation(String sequence, String frame) {
    return LabelMap.read(annotations.resolve(sequence).resolve(frame + ".png"));
  }
}
