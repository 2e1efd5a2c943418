package io.sam4j.checkpoint;

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
