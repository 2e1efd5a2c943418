package io.sam4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.Safetensors;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.video.VideoLayers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantized linear layers of a SAM 2-family model's video networks: every linear layer of
 * the memory attention (self- and cross-attention projections, MLP) and of EdgeTAM's Spatial
 * Perceiver. Stored in {@value #FILE} as ONNX Runtime's {@code MatMulNBits} initializers, per
 * layer {@code <name>.codes} (uint8 [out, blocks, block * bits / 8], low bits first),
 * {@code <name>.scales} (float32 [out, blocks]) and {@code <name>.zero_points} (uint8 [out,
 * ceil(blocks * bits / 8)]); the manifest lists each layer's shape, bits and block. At load the
 * video graphs write these layers as {@code MatMulNBits} ({@link #videoLayers}), and the weights
 * the graphs read as float (none on the default path) are the dequantized ones
 * ({@link #withDequantized}), so the directory needs no float copy of them.
 */
final class MemoryLayers {
  /** The file of a directory that holds them. */
  static final String FILE = "memory_layers.safetensors";
  /** The manifest's list of them. */
  static final String MANIFEST_KEY = "memory_attention_layers";
  /**
   * The calibrated search's damping ({@link NBitQuantization#quantize}): the rows come from a few
   * photos, each repeated over its clip, and the undamped search overfit them (fixtures: one layer
   * in 40 was 1.5% worse than min-max on a held-out clip); at 0.1 none was, and the mean error
   * fell slightly on every fixture.
   */
  static final double DAMPING = 0.1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private MemoryLayers() {}

  /**
   * Whether a linear layer is one of them: under {@code memory_attention.} or
   * {@code spatial_perceiver.}, and not the RoPE projection's folded rotation (written from its
   * own layer's weight, {@link NBitRewriter#PAIR_ROTATED}).
   */
  static boolean quantizable(String name) {
    return (name.startsWith("memory_attention.") || name.startsWith("spatial_perceiver."))
        && !name.endsWith(NBitRewriter.PAIR_ROTATED);
  }

  /**
   * The layers quantized, and each one's errors (min-max and the chosen method) on its rows.
   *
   * @param layers by name, in graph order
   */
  record Result(Map<String, BlockQuantizer.Quantized> layers,
      List<NBitQuantization.LayerError> errors) {}

  /**
   * Quantizes every layer that has captured rows ({@link VideoCalibration}) as the encoder's
   * layers are ({@link NBitQuantization#quantize}), from its weight in {@code sd}.
   */
  static Result quantize(StateDict sd, QuantizationSettings settings,
      Map<String, Calibration.Rows> rows, io.sam4j.registry.ProgressListener progress) {
    Map<String, BlockQuantizer.Quantized> layers = new LinkedHashMap<>();
    List<NBitQuantization.LayerError> errors = new java.util.ArrayList<>();
    progress.begin("quantizing " + rows.size() + " memory-attention linear layers to "
        + settings.bits() + " bits (" + settings.method().name().toLowerCase(java.util.Locale.ROOT)
        + ")", 0, rows.size());
    try {
      for (Map.Entry<String, Calibration.Rows> e : rows.entrySet()) {
        Tensor w = sd.get(e.getKey() + ".weight");
        NBitQuantization.Outcome o = NBitQuantization.quantize(settings, e.getKey(),
            w.toFloatArray(), w.dim(0), w.dim(1), e.getValue(), DAMPING);
        layers.put(e.getKey(), o.weight());
        errors.add(o.error());
        progress.update(layers.size());
      }
    } finally {
      progress.end();
    }
    return new Result(layers, errors);
  }

  /** The video graphs with {@code layers} as {@code MatMulNBits}; float32 when empty. */
  static VideoLayers videoLayers(Map<String, BlockQuantizer.Quantized> layers) {
    return layers.isEmpty() ? VideoLayers.FLOAT
        : new VideoLayers(new NBitRewriter(Map.copyOf(layers)), null);
  }

  /** {@code sd} with each layer's {@code .weight} replaced by its dequantized weight. */
  static StateDict withDequantized(StateDict sd, Map<String, BlockQuantizer.Quantized> layers) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (String k : sd.keys()) {
      all.put(k, sd.get(k));
    }
    layers.forEach((name, q) -> all.put(name + ".weight", Tensor.ofFloats(q.dequantize(),
        q.out(), q.in())));
    return new StateDict(all, sd.format());
  }

  /** The manifest's entries: name, out, in, bits, block per layer. */
  static ArrayNode manifest(Map<String, BlockQuantizer.Quantized> layers) {
    ArrayNode a = JSON.createArrayNode();
    layers.forEach((name, q) -> {
      ObjectNode o = a.addObject();
      o.put("name", name);
      o.put("out", q.out());
      o.put("in", q.in());
      o.put("bits", q.bits());
      o.put("block", q.block());
    });
    return a;
  }

  /** Writes the layers' packed codes, scales and zero points. */
  static void write(Path file, Map<String, BlockQuantizer.Quantized> layers) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    List<byte[]> blobs = new java.util.ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, BlockQuantizer.Quantized> e : layers.entrySet()) {
      BlockQuantizer.Quantized q = e.getValue();
      int nb = q.blocks();
      int zeroBytes = (nb * q.bits() + 7) / 8;
      ByteBuffer scales = ByteBuffer.allocate(q.scales().length * 4)
          .order(ByteOrder.LITTLE_ENDIAN);
      scales.asFloatBuffer().put(q.scales());
      Object[][] parts = {
          {".codes", "U8", new long[] {q.out(), nb, (long) q.block() * q.bits() / 8},
              NBitRewriter.packCodes(q)},
          {".scales", "F32", new long[] {q.out(), nb}, scales.array()},
          {".zero_points", "U8", new long[] {q.out(), zeroBytes},
              NBitRewriter.packZeros(q, zeroBytes)}};
      for (Object[] p : parts) {
        byte[] bytes = (byte[]) p[3];
        ObjectNode t = header.putObject(e.getKey() + p[0]);
        t.put("dtype", (String) p[1]);
        ArrayNode shape = t.putArray("shape");
        for (long d : (long[]) p[2]) {
          shape.add(d);
        }
        t.putArray("data_offsets").add(offset).add(offset + bytes.length);
        offset += bytes.length;
        blobs.add(bytes);
      }
    }
    byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      out.write(h);
      for (byte[] b : blobs) {
        out.write(b);
      }
    }
  }

  /** Reads the layers a manifest lists ({@value #MANIFEST_KEY}) from {@code file}. */
  static Map<String, BlockQuantizer.Quantized> read(Path file, JsonNode list) {
    Map<String, BlockQuantizer.Quantized> out = new LinkedHashMap<>();
    if (!list.isArray() || list.isEmpty()) {
      return out;
    }
    if (!Files.isRegularFile(file)) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, file.getParent() + " lists"
          + " quantized memory-attention layers but has no " + FILE + " (write it again with"
          + " 'sam4j quantize')");
    }
    StateDict sd = Safetensors.read(file);
    for (JsonNode l : list) {
      String name = l.path("name").asText();
      int o = l.path("out").asInt();
      int in = l.path("in").asInt();
      int bits = l.path("bits").asInt();
      int block = l.path("block").asInt();
      int nb = (in + block - 1) / block;
      byte[] codes = NBitRewriter.unpackCodes(bytes(sd.get(name + ".codes")), o, in, bits, block);
      byte[] zeros = NBitRewriter.unpackZeros(bytes(sd.get(name + ".zero_points")), o, nb, bits);
      float[] scales = sd.get(name + ".scales", o, nb).toFloatArray();
      out.put(name, new BlockQuantizer.Quantized(codes, scales, zeros, o, in, bits, block));
    }
    return out;
  }

  private static byte[] bytes(Tensor t) {
    ByteBuffer b = t.contiguousBytes();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
