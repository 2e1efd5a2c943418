package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.util.Collections;
import java.util.List;

/** The inert Python values the unpickler produces besides strings, numbers, lists and maps. */
final class Pickle {
  private Pickle() {}

  /** A Python tuple. */
  record Tuple(List<Object> items) {
    Tuple {
      items = Collections.unmodifiableList(items);
    }

    Object get(int i) {
      return items.get(i);
    }

    int size() {
      return items.size();
    }
  }

  /** A reference to an allow-listed Python global such as {@code torch.FloatStorage}. */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** A storage from a persistent id: its bytes and its element type. */
  record Storage(String key, DType dtype, java.nio.ByteBuffer bytes, long elements) {}

  /** Python's None. */
  static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  /** A dict key as a state dict may hold one: a string, number, bool or None. */
  static Object key(Object k, String source) {
    if (k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double
        || k == NONE || k instanceof java.math.BigInteger) {
      return k;
    }
    throw bad(source, "uses a " + typeName(k) + " as a dict key, which a state dict never does");
  }

  /** A refusal of a checkpoint that tries to do more than hold data. */
  static SamException hostile(String source, String what) {
    return new SamException(SamException.Kind.HOSTILE_CHECKPOINT,
        source + ": the checkpoint " + what);
  }

  /** A refusal of a malformed pickle. */
  static SamException bad(String source, String what) {
    return new SamException(SamException.Kind.BAD_CHECKPOINT, source + ": the pickle " + what);
  }

  /** A short description of a value's type for error messages (never recursive). */
  static String typeName(Object o) {
    if (o == null || o == NONE) {
      return "None";
    }
    if (o instanceof Tuple) {
      return "tuple";
    }
    if (o instanceof Global g) {
      return "global " + g.qualified();
    }
    return o.getClass().getSimpleName();
  }
}
