package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a checkpoint by their state-dict key ({@code image_encoder.blocks.0.attn.qkv.weight}),
 * in file order. Immutable.
 */
public final class StateDict {
  private final Map<String, Tensor> tensors;
  private final String format;

  public StateDict(Map<String, Tensor> tensors, String format) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.format = format;
  }

  /** The file format it was read from: {@code pytorch-zip}, {@code safetensors}, ... */
  public String format() {
    return format;
  }

  /** Keys in file order. */
  public Set<String> keys() {
    return tensors.keySet();
  }

  /** Number of tensors. */
  public int size() {
    return tensors.size();
  }

  public boolean has(String key) {
    return tensors.containsKey(key);
  }

  /**
   * The tensor for {@code key}.
   *
   * @throws SamException naming the missing key when the checkpoint lacks it
   */
  public Tensor get(String key) {
    Tensor t = tensors.get(key);
    if (t == null) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          "the checkpoint has no tensor '" + key + "'; it is not the architecture sam4j took it for"
              + " (or a different version of it); its keys begin with " + sampleKeys());
    }
    return t;
  }

  /** Like {@link #get} but checks the shape too. */
  public Tensor get(String key, long... shape) {
    Tensor t = get(key);
    if (!java.util.Arrays.equals(t.shape(), shape)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          "tensor '" + key + "' has shape " + java.util.Arrays.toString(t.shape()) + " but "
              + java.util.Arrays.toString(shape) + " was expected from the model spec");
    }
    return t;
  }

  /** Keys starting with {@code prefix}, in file order. */
  public List<String> keysWithPrefix(String prefix) {
    List<String> out = new ArrayList<>();
    for (String k : tensors.keySet()) {
      if (k.startsWith(prefix)) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * The number of consecutive numbered children {@code prefix0.}, {@code prefix1.}, ... (for example
   * the blocks of an encoder).
   */
  public int countIndexed(String prefix) {
    int n = 0;
    while (!keysWithPrefix(prefix + n + ".").isEmpty()) {
      n++;
    }
    return n;
  }

  /**
   * The tensors under the given key prefixes, copied to the heap as float32, keys unchanged: what
   * a model keeps after loading so that no mapping of the checkpoint file outlives it (complex
   * tensors stay complex64).
   */
  public StateDict heapCopy(List<String> prefixes) {
    Map<String, Tensor> kept = new LinkedHashMap<>();
    for (String prefix : prefixes) {
      for (String key : keysWithPrefix(prefix)) {
        Tensor t = get(key);
        kept.put(key, t.dtype().isComplex() ? Tensor.ofComplex(t.toFloatArray(), t.shape())
            : Tensor.ofFloats(t.toFloatArray(), t.shape()));
      }
    }
    return new StateDict(kept, format());
  }

  /** A new state dict with {@code prefix} removed from keys that have it, dropping the others. */
  public StateDict stripPrefix(String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return new StateDict(out, format);
  }

  /** Total number of elements of all tensors. */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.numel();
    }
    return n;
  }

  private String sampleKeys() {
    List<String> keys = new ArrayList<>(tensors.keySet());
    if (keys.isEmpty()) {
      return "(none: the checkpoint is empty)";
    }
    return "'" + String.join("', '", keys.subList(0, Math.min(3, keys.size()))) + "'";
  }
}
