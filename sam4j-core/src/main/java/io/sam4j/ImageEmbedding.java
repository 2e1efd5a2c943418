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
import java.util.List;
import java.util.Optional;

/**
 * What the encoder made of one image, plus the sizes needed to map prompts and masks: the
 * embeddings [1, C, h, w], the original image size and the resized input size (both {H, W}); for
 * SAM 2-family models with high-resolution features also those ([1, C/8, 4h, 4w] and
 * [1, C/4, 2h, 2w]). Immutable; it can be saved and set on a predictor later to skip the encoder.
 *
 * <p>Files ({@link #save}, {@link #load}): a name ending in {@code .npz} is one NumPy archive
 * (stored, uncompressed) with the members {@code image_embeddings.npy} (float32 [1, C, h, w]),
 * {@code high_res_feats_0.npy} and {@code high_res_feats_1.npy} (float32, only when present) and
 * {@code sam4j.json}: {@code {"format": "sam4j-image-embedding", "version": 1, "model": NAME,
 * "original_size": [H, W], "input_size": [H, W]}} ({@code numpy.load} returns that member as
 * bytes). Any other name is the SAM 1 layout: the {@code .npy} plus a JSON file beside it with the
 * sizes; embeddings with high-resolution features must use {@code .npz}.
 */
public final class ImageEmbedding {
  private static final String META = "sam4j.json";
  private static final String FORMAT = "sam4j-image-embedding";
  private final float[] data;
  private final long[] shape;
  private final int[] originalSize;
  private final int[] inputSize;
  private final float[][] highRes;
  private final long[][] highResShapes;
  /** The model that made it, when the file says so. */
  private final String model;

  /** An embedding without high-resolution features. */
  public ImageEmbedding(float[] data, long[] shape, int[] originalSize, int[] inputSize) {
    this(data, shape, List.of(), List.of(), originalSize, inputSize, null);
  }

  /**
   * An embedding with the high-resolution features a SAM 2 model's decoder reads (level 0 then
   * level 1; empty lists for none).
   *
   * @param model the name of the model that made it, or null when unknown
   */
  public ImageEmbedding(float[] data, long[] shape, List<float[]> highRes,
      List<long[]> highResShapes, int[] originalSize, int[] inputSize, String model) {
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
    if (highRes.size() != highResShapes.size()) {
      throw new IllegalArgumentException("high-res features and shapes differ in count");
    }
    this.highRes = new float[highRes.size()][];
    this.highResShapes = new long[highRes.size()][];
    for (int i = 0; i < highRes.size(); i++) {
      long[] hs = highResShapes.get(i);
      if (hs.length != 4 || hs[0] != 1 || Tensor.numel(hs) != highRes.get(i).length) {
        throw new SamException(SamException.Kind.BAD_INPUT, "high-resolution features " + i
            + " have " + highRes.get(i).length + " values for shape " + Arrays.toString(hs));
      }
      this.highRes[i] = highRes.get(i).clone();
      this.highResShapes[i] = hs.clone();
    }
    this.data = data.clone();
    this.shape = shape.clone();
    this.originalSize = originalSize.clone();
    this.inputSize = inputSize.clone();
    this.model = model;
  }

  private static void checkSize(String what, int[] size) {
    if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          what + " size must be {H, W} with positive sides, got " + Arrays.toString(size));
    }
  }

  /**
   * Saves the embedding atomically: as one {@code .npz} archive when the name ends in
   * {@code .npz}, else as {@code file} ({@code .npy}, float32 [1, C, h, w]) with the sizes in a
   * JSON file beside it ({@code <file without .npy>.json}); see the class comment for the layout.
   *
   * @throws SamException when an embedding with high-resolution features is not saved as .npz
   */
  public void save(Path file, String modelName) {
    if (isNpz(file)) {
      saveNpz(file, modelName);
      return;
    }
    if (highRes.length > 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "this embedding has high-resolution"
          + " features: save it as one .npz file (" + file.getFileName() + " is not .npz)");
    }
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
    if (isNpz(file)) {
      return EmbeddingArchive.read(file);
    }
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

  /** The resized input size {H, W}: longest side 1024 (SAM 1 family), or S x S (SAM 2 family). */
  public int[] inputSize() {
    return inputSize.clone();
  }

  /** Whether the embedding carries high-resolution features (SAM 2 with Hiera or RepViT). */
  public boolean hasHighResFeatures() {
    return highRes.length > 0;
  }

  /** Number of high-resolution feature levels (0 or 2). */
  public int highResLevels() {
    return highRes.length;
  }

  /** High-resolution features of level {@code i} (a copy), row-major. */
  public float[] highResFeatures(int i) {
    return highRes[i].clone();
  }

  /** Read-only access without a copy, for the predictor. */
  float[] highResUnsafe(int i) {
    return highRes[i];
  }

  /** The shape of level {@code i} (a copy). */
  public long[] highResShape(int i) {
    return highResShapes[i].clone();
  }

  /** The name of the model that made the embedding, when its file says so. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  private static boolean isNpz(Path file) {
    return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npz");
  }

  private void saveNpz(Path file, String modelName) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("format", FORMAT);
    o.put("version", 1);
    o.put("model", modelName);
    o.putArray("original_size").add(originalSize[0]).add(originalSize[1]);
    o.putArray("input_size").add(inputSize[0]).add(inputSize[1]);
    java.util.Map<String, byte[]> members = new java.util.LinkedHashMap<>();
    members.put("image_embeddings.npy", Npy.floatsToBytes(data, shape));
    for (int i = 0; i < highRes.length; i++) {
      members.put("high_res_feats_" + i + ".npy", Npy.floatsToBytes(highRes[i], highResShapes[i]));
    }
    members.put(META, o.toPrettyString().getBytes(StandardCharsets.UTF_8));
    EmbeddingArchive.write(file, members);
  }

  /** Builds an embedding from an archive's parts (see {@link EmbeddingArchive}). */
  static ImageEmbedding fromArchive(Path file, JsonNode meta, Tensor emb, List<Tensor> levels) {
    if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != 1) {
      throw new SamException(SamException.Kind.BAD_INPUT, file + " is not a sam4j image embedding"
          + " (its " + META + " lacks \"format\": \"" + FORMAT + "\", \"version\": 1)");
    }
    List<float[]> hr = new java.util.ArrayList<>();
    List<long[]> hrShapes = new java.util.ArrayList<>();
    for (Tensor t : levels) {
      hr.add(t.toFloatArray());
      hrShapes.add(t.shape());
    }
    Path json = file.resolveSibling(file.getFileName() + ":" + META);
    String model = meta.path("model").isTextual() ? meta.get("model").asText() : null;
    return new ImageEmbedding(emb.toFloatArray(), emb.shape(), hr, hrShapes,
        size(meta, "original_size", json), size(meta, "input_size", json), model);
  }

  static String metaName() {
    return META;
  }
}
