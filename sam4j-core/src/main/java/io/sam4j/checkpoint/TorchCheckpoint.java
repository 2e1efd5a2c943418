package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the zip format of {@code torch.save}: one {@code <folder>/data.pkl} pickle (parsed by the
 * allow-listing {@link Unpickler}) and one {@code <folder>/data/<key>} entry per storage, mapped
 * into memory without copying. Plain state dicts and wrapped ones ({@code {"model": ...}}) load.
 */
public final class TorchCheckpoint {
  private static final long MAX_PICKLE_BYTES = 512L << 20;
  private static final List<String> WRAPPER_KEYS =
      List.of("model", "state_dict", "model_state_dict", "module", "net");

  private TorchCheckpoint() {}

  /** Reads the state dict of a {@code torch.save} zip file. */
  public static StateDict read(Path file) {
    String source = file.getFileName().toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ZipArchive zip = ZipArchive.open(ch, source);
      ZipArchive.Entry pkl = null;
      for (ZipArchive.Entry e : zip.entries().values()) {
        String n = e.name();
        if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
          if (pkl != null) {
            throw new SamException(SamException.Kind.BAD_CHECKPOINT,
                source + ": the zip holds two data.pkl files; it is not a single checkpoint");
          }
          pkl = e;
        }
      }
      if (pkl == null) {
        throw new SamException(SamException.Kind.BAD_CHECKPOINT, source
            + ": the zip has no '<folder>/data.pkl'; it is a zip file but not a PyTorch checkpoint");
      }
      String folder = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
      checkByteOrder(zip, folder, source);
      byte[] pickle = zip.readAll(pkl, MAX_PICKLE_BYTES);
      Map<String, Pickle.Storage> storages = new HashMap<>();
      Unpickler u = new Unpickler(pickle, source, pid -> storage(zip, folder, source, pid, storages));
      Object root = u.load();
      return new StateDict(stateDictOf(root, source), "pytorch-zip");
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, source + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  private static void checkByteOrder(ZipArchive zip, String folder, String source)
      throws IOException {
    ZipArchive.Entry bo = zip.entries().get(folder + "byteorder");
    if (bo != null) {
      String order = new String(zip.readAll(bo, 64), StandardCharsets.US_ASCII).trim();
      if (!order.equals("little")) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
            source + ": the checkpoint was saved with byte order '" + order
                + "'; only little-endian checkpoints are supported");
      }
    }
  }

  private static Object storage(ZipArchive zip, String folder, String source, Object pid,
      Map<String, Pickle.Storage> cache) {
    if (!(pid instanceof Pickle.Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))
        || !(t.get(1) instanceof Pickle.Global type) || !(t.get(2) instanceof String key)
        || !(t.get(4) instanceof Long elements)) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT,
          source + ": the pickle has a persistent id that is not a torch storage reference");
    }
    Pickle.Storage cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    DType dtype = DType.fromTorchStorage(type.name());
    if (dtype == null || !type.module().equals("torch")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          source + ": storage type " + type.qualified() + " is not supported");
    }
    ZipArchive.Entry e = zip.entries().get(folder + "data/" + key);
    if (e == null) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, source + ": the pickle refers to"
          + " storage '" + key + "' but the zip has no entry " + folder + "data/" + key
          + " (the file is incomplete or corrupt)");
    }
    if (elements < 0 || elements > e.size() / dtype.size()) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, source + ": storage '" + key
          + "' claims " + elements + " " + dtype + " elements but its entry has " + e.size()
          + " bytes (the file is truncated or corrupt)");
    }
    try {
      ByteBuffer bytes = zip.map(e);
      Pickle.Storage s = new Pickle.Storage(key, dtype, bytes, elements);
      cache.put(key, s);
      return s;
    } catch (IOException ex) {
      throw new SamException(SamException.Kind.IO,
          source + ": cannot read storage '" + key + "': " + ex.getMessage(), ex);
    }
  }

  /** Finds the tensor map: the root itself, or the first wrapper key that holds one. */
  static Map<String, Tensor> stateDictOf(Object root, String source) {
    if (root instanceof Map<?, ?> m) {
      Map<String, Tensor> tensors = tensorsOf(m);
      if (!tensors.isEmpty()) {
        return stripCommonPrefix(tensors, "module.");
      }
      for (String k : WRAPPER_KEYS) {
        Object inner = m.get(k);
        if (inner instanceof Map<?, ?> im) {
          Map<String, Tensor> t = tensorsOf(im);
          if (!t.isEmpty()) {
            return stripCommonPrefix(t, "module.");
          }
        }
      }
    }
    throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, source
        + ": the checkpoint holds a " + Pickle.typeName(root) + " with no tensors (looked at the top"
        + " level and under " + WRAPPER_KEYS + "); it is not a model state dict");
  }

  private static Map<String, Tensor> tensorsOf(Map<?, ?> m) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getKey() instanceof String k && e.getValue() instanceof Tensor t) {
        out.put(k, t);
      }
    }
    return out;
  }

  private static Map<String, Tensor> stripCommonPrefix(Map<String, Tensor> m, String prefix) {
    for (String k : m.keySet()) {
      if (!k.startsWith(prefix)) {
        return m;
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
    return out;
  }
}
