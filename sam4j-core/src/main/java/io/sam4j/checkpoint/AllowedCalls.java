package io.sam4j.checkpoint;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the allow-listed Python globals do when a pickle calls them: build tensors from storages
 * and dicts from pairs, nothing else. A call to anything else, a type included, is refused.
 */
final class AllowedCalls {
  /** Globals a state dict needs; every other one is refused. */
  static final Set<String> GLOBALS = Set.of(
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_tensor",
      "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state",
      "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
      "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
      "torch.ByteStorage", "torch.BoolStorage", "torch.ComplexFloatStorage");

  private final String source;

  /** @param source the file name, for messages */
  AllowedCalls(String source) {
    this.source = source;
  }

  /** Calls an allow-listed function (REDUCE); anything else is refused. */
  Object call(Object f, Object args) {
    if (!(f instanceof Pickle.Global g)) {
      throw Pickle.hostile(source, "calls a " + Pickle.typeName(f)
          + " (REDUCE on something that is not an allow-listed function)");
    }
    if (!(args instanceof Pickle.Tuple t)) {
      throw Pickle.bad(source, "calls " + g.qualified() + " with arguments that are not a tuple");
    }
    switch (g.qualified()) {
      case "collections.OrderedDict": {
        Map<Object, Object> m = new LinkedHashMap<>();
        if (t.size() == 1 && t.get(0) instanceof List<?> pairs) {
          for (Object pair : pairs) {
            if (!(pair instanceof Pickle.Tuple kv) || kv.size() != 2) {
              throw Pickle.bad(source, "builds an OrderedDict from a " + Pickle.typeName(pair)
                  + " instead of a (key, value) pair");
            }
            m.put(Pickle.key(kv.get(0), source), kv.get(1));
          }
        }
        return m;
      }
      case "torch._utils._rebuild_tensor_v2":
      case "torch._utils._rebuild_tensor":
        return rebuildTensor(t);
      case "torch._utils._rebuild_parameter":
      case "torch._utils._rebuild_parameter_with_state":
        if (t.size() == 0 || !(t.get(0) instanceof Tensor)) {
          String what = t.size() == 0 ? "missing argument" : Pickle.typeName(t.get(0));
          throw Pickle.bad(source, "rebuilds a parameter from a " + what + ", not a tensor");
        }
        return t.get(0);
      default:
        throw Pickle.hostile(source, "calls " + g.qualified()
            + ", which is a type, not a function a checkpoint calls");
    }
  }

  private Tensor rebuildTensor(Pickle.Tuple t) {
    if (t.size() < 4 || !(t.get(0) instanceof Pickle.Storage s)) {
      throw Pickle.bad(source, "rebuilds a tensor without a storage");
    }
    long offset = int64(t.get(1), "storage offset");
    long[] size = longs(t.get(2), "size");
    long[] stride = longs(t.get(3), "stride");
    return Tensor.checked("in storage '" + s.key() + "'", s.dtype(), size, stride, offset,
        s.bytes(), s.elements());
  }

  /** Sets the state of a dict or tensor (BUILD), which changes nothing; refuses anything else. */
  void build(Object target, Object state) {
    // BUILD sets attributes: OrderedDict._metadata on a state dict, hooks on a tensor. Both are
    // ignored; nothing else may be built.
    if (!(target instanceof Map) && !(target instanceof Tensor)) {
      throw Pickle.hostile(source, "sets the state of a " + Pickle.typeName(target) + " (BUILD)");
    }
  }

  private long[] longs(Object o, String what) {
    if (!(o instanceof Pickle.Tuple t)) {
      throw Pickle.bad(source,
          "rebuilds a tensor whose " + what + " is a " + Pickle.typeName(o) + ", not a tuple");
    }
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = int64(t.get(i), what);
    }
    return out;
  }

  private long int64(Object o, String what) {
    if (!(o instanceof Long v)) {
      throw Pickle.bad(source, "rebuilds a tensor whose " + what + " holds a " + Pickle.typeName(o)
          + (o instanceof BigInteger ? " that is not a 64-bit integer" : ", not an integer"));
    }
    return v;
  }
}
