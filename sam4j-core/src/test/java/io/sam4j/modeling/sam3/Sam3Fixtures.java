package io.sam4j.modeling.sam3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The SAM 3 fixture ({@code README-wave3-sam3.md}): checkpoint, spec, manifest and per-image files
 * under {@code sam3_fixture/<image>/}.
 */
final class Sam3Fixtures {
  static final String[] IMAGES = {"dog", "picture1"};

  private Sam3Fixtures() {}

  static Path checkpoint() {
    return Fixtures.root().resolve("sam3_fixture.pt");
  }

  static Path spec() {
    return Fixtures.root().resolve("sam3_fixture.spec.json");
  }

  static Path dir() {
    return Fixtures.root().resolve("sam3_fixture");
  }

  /** {@code sam3_fixture/<image>/<relative>}. */
  static Path file(String image, String relative) {
    return dir().resolve(image).resolve(relative);
  }

  /** The manifest entry of {@code dog} or {@code picture1}. */
  static JsonNode image(String image) {
    try {
      for (JsonNode n : new ObjectMapper().readTree(dir().resolve("manifest.json").toFile())
          .get("images")) {
        if (n.get("image").asText().startsWith(image + ".")) {
          return n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("no image " + image + " in the SAM 3 manifest");
  }

  /** The manifest entry of one case of an image ({@code text_0}, {@code box_exemplar}, ...). */
  static JsonNode imageCase(String image, String name) {
    for (JsonNode c : image(image).get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no case " + name + " for " + image);
  }

  /** A {@code .npy} or {@code .npy.gz} file as a tensor. */
  static Tensor npy(Path file) {
    try {
      if (file.toString().endsWith(".gz")) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
          return Npy.parse(in.readAllBytes(), file.getFileName().toString());
        }
      }
      return Npy.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
