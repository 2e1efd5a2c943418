package io.sam4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the encoder made of one image, plus the sizes needed to map prompts and masks: the
 * embeddings [1, C, h, w], the original image size and the resized input size (both {H, W}).
 * Immutable; it can be saved and set on a predictor later to skip the encoder.
 */
public final class ImageEmbedding {
  private final float[] data;
  private final long[] shape;
  private final int[] originalSize;
  private final int[] inputSize;

  public ImageEmbedding(float[] data, long[] shape, int[] originalSize, int[] inputSize) {
    if (shape.length != 4 || shape[0] != 1) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "image embeddings must have shape [1, C, h, w], got " + Arrays.toString(shape));
    }
    if ((long) data.length != shape[1] * shape[2] * shape[3]) {
      throw new SamException(SamException.Kind.BAD_INPUT, "image embeddings have " + data.length
          + " values for shape " + Arrays.toString(shape));
    }
    checkSize("original", originalSize);
    checkSize("input", inputSize);
    this.data = data.clone();
    this.shape = shape.clone();
    this.originalSize = originalSize.clone();
    this.inputSize = inputSize.clone();
  }

  private static void checkSize(String what, int[] size) {
    if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          what + " size must be {H, W} with positive sides, got " + Arrays.toString(size));
    }
  }

  /**
   * Saves the embedding as {@code file} ({@code .npy}, float32 [1, C, h, w]) and the sizes as a JSON
   * file beside it ({@code <file without .npy>.json}), both atomically.
   */
  public void save(Path file, String modelName) {
    Npy.writeFloats(file, data, shape);
    ObjectNode o =
        JsonNodeFactory.instance.objectNode();
    o.put("model", modelName);
    o.putArray("original_size").add(originalSize[0]).add(originalSize[1]);
    o.putArray("input_size").add(inputSize[0]).add(inputSize[1]);
    AtomicFiles.write(sidecar(file),
        o.toPrettyString().getBytes(StandardCharsets.UTF_8));
  }

  /** Loads an embedding written by {@link #save}. */
  public static ImageEmbedding load(Path file) {
    Path json = sidecar(file);
    if (!Files.isRegularFile(json)) {
      throw new SamException(SamException.Kind.IO, "embedding " + file + " has no " + json
          + " beside it with its image sizes (write both with 'sam4j embed')");
    }
    JsonNode o;
    try {
      o = new ObjectMapper().readTree(json.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "cannot read " + json + ": " + e.getMessage(), e);
    }
    Tensor t = Npy.read(file);
    return new ImageEmbedding(t.toFloatArray(), t.shape(), size(o, "original_size", json),
        size(o, "input_size", json));
  }

  private static int[] size(JsonNode o, String field,
      Path json) {
    JsonNode n = o.path(field);
    if (!n.isArray() || n.size() != 2 || !n.get(0).canConvertToInt() || !n.get(1).canConvertToInt()) {
      throw new SamException(SamException.Kind.BAD_INPUT, json + " lacks \"" + field + "\": [h, w]");
    }
    return new int[] {n.get(0).asInt(), n.get(1).asInt()};
  }

  private static Path sidecar(Path file) {
    String name = file.getFileName().toString();
    String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    return file.resolveSibling(stem + ".json");
  }

  /** The embeddings (a copy), row-major [1, C, h, w]. */
  public float[] data() {
    return data.clone();
  }

  /** Read-only access without a copy, for the predictor. */
  float[] dataUnsafe() {
    return data;
  }

  /** The shape [1, C, h, w] (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The original image size {H, W}. */
  public int[] originalSize() {
    return originalSize.clone();
  }

  /** The resized input size {H, W} (longest side 1024). */
  public int[] inputSize() {
    return inputSize.clone();
  }
}
