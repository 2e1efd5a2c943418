package io.sam4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.Safetensors;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.edgesam.RepVitSpec;
import io.sam4j.video.VideoLayers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A quantized model directory, loaded back without the original checkpoint:
 * <ul>
 *   <li>{@value #MANIFEST}: what was done (bits, method, block size, activation estimator), with
 *       which images, from which checkpoint, and the model spec;</li>
 *   <li>{@value #ENCODER}: the image encoder graph with its quantized weights;</li>
 *   <li>{@value #WEIGHTS}: the prompt encoder's and mask decoder's float32 weights (their graphs
 *       are built from them at load, as from a checkpoint); for the SAM 2 family every weight
 *       but the image encoder's and the quantized memory-attention layers';</li>
 *   <li>{@code memory_layers.safetensors} (SAM 2 family): the memory attention's quantized
 *       linear layers, packed as {@code MatMulNBits} initializers;</li>
 *   <li>{@code report.json} and {@code report.png}: the accuracy and speed report.</li>
 * </ul>
 */
public final class QuantizedModelDir {
  /** The manifest's file name. */
  public static final String MANIFEST = "quantization.json";
  /** The encoder graph's file name. */
  public static final String ENCODER = "image_encoder.onnx";
  /** The decoder weights' file name. */
  public static final String WEIGHTS = "weights.safetensors";
  static final String FORMAT = "sam4j-quantized-model";
  /** The manifest's {@code family} of a SAM 2-family directory. */
  static final String SAM2_FAMILY = "sam2";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The encoder spec types a manifest may name. */
  private static final List<Class<? extends ModelSpec.EncoderSpec>> ENCODERS =
      List.of(ModelSpec.TinyVitSpec.class, ModelSpec.VitSpec.class, RepVitSpec.class);

  /**
   * What a directory holds.
   *
   * @param manifest the parsed {@value #MANIFEST}
   * @param spec the model's spec
   * @param decoderWeights the prompt encoder's and mask decoder's weights
   * @param encoder the encoder graph as stored
   */
  public record Contents(JsonNode manifest, ModelSpec spec, StateDict decoderWeights,
      OnnxModel encoder) {}

  private QuantizedModelDir() {}

  /**
   * What a SAM 2-family directory holds.
   *
   * @param weights every weight but the image encoder's (decoder, memory encoder and attention,
   *     object pointers): float32, the quantized memory-attention layers' dequantized
   * @param encoder the image encoder graph as stored
   * @param videoLayers writes the quantized memory-attention layers
   *     ({@code memory_layers.safetensors}) as {@code MatMulNBits} in the video graphs;
   *     {@link VideoLayers#FLOAT} when none
   */
  public record Sam2Contents(JsonNode manifest, io.sam4j.modeling.sam2.config.Sam2ModelSpec spec,
      StateDict weights, OnnxModel encoder, VideoLayers videoLayers) {}

  /** Whether {@code dir} holds a quantized SAM 2-family model. */
  public static boolean isSam2(Path dir) {
    if (!isOne(dir)) {
      return false;
    }
    try {
      return SAM2_FAMILY.equals(JSON.readTree(dir.resolve(MANIFEST).toFile()).path("family")
          .asText());
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads a quantized SAM 2-family model directory. */
  public static Sam2Contents readSam2(Path dir) {
    try {
      JsonNode m = JSON.readTree(dir.resolve(MANIFEST).toFile());
      if (!FORMAT.equals(m.path("format").asText()) || !m.has("sam2_config")) {
        throw bad(dir, "its " + MANIFEST + " is not a SAM 2-family " + FORMAT + " manifest");
      }
      Map<String, BlockQuantizer.Quantized> memory = MemoryLayers.read(
          dir.resolve(MemoryLayers.FILE), m.path(MemoryLayers.MANIFEST_KEY));
      StateDict weights = MemoryLayers.withDequantized(Safetensors.read(dir.resolve(WEIGHTS)),
          memory);
      return new Sam2Contents(m, Sam2Quantizer.spec(m), weights, readOnnx(dir.resolve(ENCODER)),
          MemoryLayers.videoLayers(memory));
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read the quantized model " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} is a directory with a quantization manifest. */
  public static boolean isOne(Path dir) {
    return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(MANIFEST));
  }

  /** Reads a quantized model directory. */
  public static Contents read(Path dir) {
    if (!isOne(dir)) {
      throw new SamException(SamException.Kind.BAD_INPUT, dir + " is a directory but not a"
          + " quantized model (no " + MANIFEST + "): give a checkpoint file, or a directory"
          + " written by 'sam4j quantize'");
    }
    try {
      JsonNode m = JSON.readTree(dir.resolve(MANIFEST).toFile());
      if (!FORMAT.equals(m.path("format").asText())) {
        throw bad(dir, "its " + MANIFEST + " is not a " + FORMAT + " manifest");
      }
      ModelSpec spec = specFromJson(m.path("spec"), dir);
      StateDict weights = Safetensors.read(dir.resolve(WEIGHTS));
      return new Contents(m, spec, weights, readOnnx(dir.resolve(ENCODER)));
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read the quantized model " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** The stored encoder graph of a quantized model directory. */
  public static OnnxModel encoder(Path dir) {
    return read(dir).encoder();
  }

  static OnnxModel readOnnx(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, file + " is over 2 GiB");
      }
      ByteBuffer b = ByteBuffer.allocateDirect((int) size);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // read all
      }
      return new OnnxModel(b.flip(), List.of(), null, size);
    }
  }

  /** The spec as JSON: its fields, and the encoder's type. */
  static ObjectNode specToJson(ModelSpec spec) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", spec.name());
    o.put("prompt_embed_dim", spec.promptEmbedDim());
    o.put("image_size", spec.imageSize());
    o.put("encoder_type", spec.encoder().getClass().getSimpleName());
    o.set("encoder", JSON.valueToTree(spec.encoder()));
    o.set("decoder", JSON.valueToTree(spec.decoder()));
    return o;
  }

  static ModelSpec specFromJson(JsonNode o, Path dir) throws IOException {
    String type = o.path("encoder_type").asText();
    for (Class<? extends ModelSpec.EncoderSpec> c : ENCODERS) {
      if (c.getSimpleName().equals(type)) {
        return new ModelSpec(o.path("name").asText(), JSON.treeToValue(o.path("encoder"), c),
            o.path("prompt_embed_dim").asInt(), o.path("image_size").asInt(),
            JSON.treeToValue(o.path("decoder"), ModelSpec.DecoderSpec.class));
      }
    }
    throw bad(dir, "its manifest names an unknown encoder type '" + type + "'");
  }

  /** Writes float32 tensors as a safetensors file. */
  static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      long bytes = e.getValue().numel() * 4;
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      out.write(h);
      for (Tensor t : tensors.values()) {
        float[] f = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        out.write(b.array());
      }
    }
  }

  private static SamException bad(Path dir, String what) {
    return new SamException(SamException.Kind.BAD_CHECKPOINT, dir + " is not a usable quantized"
        + " model directory: " + what + " (write it again with 'sam4j quantize')");
  }
}
