package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pickle virtual machine that can only build data: strings, numbers, tuples, lists, dicts, and the
 * handful of PyTorch globals a state dict needs ({@link AllowedCalls}). Any other global (such as
 * {@code os.system}) is refused where it appears, before anything is called; nothing in the file is
 * ever executed.
 *
 * <p>{@code net.razorvine:pickle} (Pyrolite) was evaluated first: it keeps its class constructors in
 * a static, process-wide registry and turns unknown classes into generic objects instead of
 * refusing them, so it can neither give a per-call allow-list nor an error naming the global.
 */
final class Unpickler {
  private static final Object MARK = new Object();

  private final ByteBuffer in;
  private final String source;
  private final Function<Object, Object> persistentLoad;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayList<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final AllowedCalls calls;

  /**
   * @param data the pickle bytes
   * @param source the file name, for messages
   * @param persistentLoad resolves persistent ids (torch storages); may throw SamException
   */
  Unpickler(byte[] data, String source, Function<Object, Object> persistentLoad) {
    this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    this.source = source;
    this.persistentLoad = persistentLoad;
    this.calls = new AllowedCalls(source);
  }

  /** Runs the pickle to its STOP opcode and returns the value. */
  Object load() {
    try {
      while (true) {
        if (!in.hasRemaining()) {
          throw bad("the pickle ends without a STOP opcode (truncated)");
        }
        int at = in.position();
        int op = in.get() & 0xff;
        if (op == '.') {
          return pop();
        }
        step(op, at);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw bad("the pickle ends in the middle of an opcode (truncated)");
    } catch (ClassCastException | IndexOutOfBoundsException e) {
      throw bad("the pickle is malformed near byte " + in.position());
    }
  }

  private void step(int op, int at) {
    switch (op) {
      case 0x80: in.get(); break; // PROTO
      case 0x95: in.getLong(); break; // FRAME: framing is only a hint
      case '(': marks.add(stack.size()); stack.add(MARK); break;
      case '0': pop(); break;
      case '1': popMark(); break;
      case '2': push(peek()); break;
      case 'N': push(Pickle.NONE); break;
      case 0x88: push(Boolean.TRUE); break;
      case 0x89: push(Boolean.FALSE); break;
      case 'J': push((long) in.getInt()); break;
      case 'K': push((long) (in.get() & 0xff)); break;
      case 'M': push((long) (in.getShort() & 0xffff)); break;
      case 0x8a: push(readLong(in.get() & 0xff)); break;
      case 0x8b: push(readLong(length(in.getInt() & 0xffffffffL))); break;
      case 'G': push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); in.order(ByteOrder.LITTLE_ENDIAN); break;
      case 'I': push(parseInt(readLine())); break;
      case 'L': push(parseInt(stripSuffix(readLine(), "L"))); break;
      case 'F': push(parseFloat(readLine())); break;
      case 'X': push(readString(length(in.getInt() & 0xffffffffL))); break;
      case 0x8c: push(readString(in.get() & 0xff)); break;
      case 0x8d: push(readString(length(in.getLong()))); break;
      case 'T': push(readString(length(in.getInt()))); break;
      case 'U': push(readString(in.get() & 0xff)); break;
      case 'B': push(readBytes(length(in.getInt() & 0xffffffffL))); break;
      case 'C': push(readBytes(in.get() & 0xff)); break;
      case 0x8e: case 0x96: push(readBytes(length(in.getLong()))); break;
      case ')': push(new Pickle.Tuple(List.of())); break;
      case 0x85: push(tupleOf(1)); break;
      case 0x86: push(tupleOf(2)); break;
      case 0x87: push(tupleOf(3)); break;
      case 't': push(new Pickle.Tuple(popMark())); break;
      case ']': push(new ArrayList<>()); break;
      case 'l': push(new ArrayList<>(popMark())); break;
      case 'a': { Object v = pop(); list(peek()).add(v); break; }
      case 'e': { List<Object> items = popMark(); list(peek()).addAll(items); break; }
      case '}': push(new LinkedHashMap<>()); break;
      case 'd': { Map<Object, Object> m = new LinkedHashMap<>(); putAll(m, popMark()); push(m); break; }
      case 's': { Object v = pop(); Object k = pop(); dict(peek()).put(key(k), v); break; }
      case 'u': { List<Object> items = popMark(); putAll(dict(peek()), items); break; }
      case 0x8f: push(new ArrayList<>()); break; // EMPTY_SET, kept as an inert list
      case 0x90: { List<Object> items = popMark(); list(peek()).addAll(items); break; }
      case 0x91: push(new ArrayList<>(popMark())); break;
      case 'q': memo.put((long) (in.get() & 0xff), peek()); break;
      case 'r': memo.put(in.getInt() & 0xffffffffL, peek()); break;
      case 'p': memo.put(parseLong(readLine()), peek()); break;
      case 0x94: memo.put((long) memo.size(), peek()); break;
      case 'h': push(memoGet(in.get() & 0xff)); break;
      case 'j': push(memoGet(in.getInt() & 0xffffffffL)); break;
      case 'g': push(memoGet(parseLong(readLine()))); break;
      case 'c': push(global(readLine(), readLine())); break;
      case 0x93: { Object name = pop(); Object module = pop(); push(global(str(module), str(name))); break; }
      case 'Q': push(persistentLoad.apply(pop())); break;
      case 'R': { Object args = pop(); Object f = pop(); push(calls.call(f, args)); break; }
      case 'b': { Object state = pop(); calls.build(peek(), state); break; }
      case 'i': throw refuse("INST", readLine() + "." + readLine());
      case 'o': { List<Object> items = popMark(); throw refuse("OBJ", describe(items.isEmpty() ? null : items.get(0))); }
      case 0x81: { pop(); throw refuse("NEWOBJ", describe(pop())); }
      case 0x92: { pop(); pop(); throw refuse("NEWOBJ_EX", describe(pop())); }
      case 0x82: case 0x83: case 0x84:
        throw hostile("uses the copyreg extension registry (EXT opcode), which can name any global");
      case 'P':
        throw bad("uses a text persistent id at byte " + at + ", which PyTorch never writes");
      case 0x97: case 0x98:
        throw bad("uses out-of-band buffers (pickle protocol 5), which a checkpoint never needs");
      default:
        throw bad(String.format("has an unknown or unsupported pickle opcode 0x%02x at byte %d", op, at));
    }
  }

  private Object global(String module, String name) {
    String q = module + "." + name;
    if (!AllowedCalls.GLOBALS.contains(q)) {
      throw hostile("refers to the Python global '" + q + "', which is not on sam4j's allow-list"
          + " (tensors, storages, OrderedDict); torch.load would import and possibly run it."
          + " Refusing the file: it is either not a plain state dict or deliberately malicious");
    }
    return new Pickle.Global(module, name);
  }

  private Object key(Object k) {
    return Pickle.key(k, source);
  }

  private void putAll(Map<Object, Object> m, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw bad("has an odd number of dict items");
    }
    for (int i = 0; i < items.size(); i += 2) {
      m.put(key(items.get(i)), items.get(i + 1));
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) {
    if (!(o instanceof List)) {
      throw bad("appends to a " + Pickle.typeName(o));
    }
    return (List<Object>) o;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) {
    if (!(o instanceof Map)) {
      throw bad("sets an item on a " + Pickle.typeName(o));
    }
    return (Map<Object, Object>) o;
  }

  private Pickle.Tuple tupleOf(int n) {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop();
    }
    return new Pickle.Tuple(List.of(items));
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop() {
    if (stack.isEmpty()) {
      throw bad("pops from an empty stack (malformed pickle)");
    }
    Object o = stack.remove(stack.size() - 1);
    if (o == MARK) {
      throw bad("pops a MARK as a value (malformed pickle)");
    }
    return o;
  }

  private Object peek() {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw bad("reads an empty stack (malformed pickle)");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popMark() {
    if (marks.isEmpty()) {
      throw bad("has no MARK where one is needed (malformed pickle)");
    }
    int m = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
    stack.subList(m, stack.size()).clear();
    return items;
  }

  private Object memoGet(long i) {
    Object o = memo.get(i);
    if (o == null) {
      throw bad("reads memo entry " + i + ", which was never stored");
    }
    return o;
  }

  private int length(long n) {
    if (n < 0 || n > in.remaining()) {
      throw bad("claims a " + n + "-byte value with only " + in.remaining() + " bytes left");
    }
    return (int) n;
  }

  private String readString(int n) {
    length(n);
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private byte[] readBytes(int n) {
    length(n);
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private Object readLong(int n) {
    length(n);
    if (n == 0) {
      return 0L;
    }
    byte[] le = new byte[n];
    in.get(le);
    byte[] be = new byte[n];
    for (int i = 0; i < n; i++) {
      be[i] = le[n - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private String readLine() {
    int start = in.position();
    int end = start;
    while (end < in.limit() && in.get(end) != '\n') {
      end++;
    }
    if (end >= in.limit()) {
      throw bad("a text opcode has no end of line (truncated)");
    }
    byte[] b = new byte[end - start];
    in.get(b);
    in.get();
    return new String(b, StandardCharsets.UTF_8);
  }

  private Object parseInt(String s) {
    if (s.equals("00")) {
      return Boolean.FALSE;
    }
    if (s.equals("01")) {
      return Boolean.TRUE;
    }
    BigInteger v = parseBig(s);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private long parseLong(String s) {
    BigInteger v = parseBig(s);
    if (v.bitLength() >= 64) {
      throw bad("has a memo index " + s.trim() + " that is not a 64-bit integer");
    }
    return v.longValue();
  }

  private double parseFloat(String s) {
    try {
      if (s.length() > 1000) {
        throw new NumberFormatException();
      }
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw bad("has a malformed float");
    }
  }

  private BigInteger parseBig(String s) {
    try {
      if (s.length() > 1000) {
        throw new NumberFormatException();
      }
      return new BigInteger(s.trim());
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad("has a malformed number");
    }
  }

  private static String stripSuffix(String s, String suffix) {
    return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
  }

  private String str(Object o) {
    if (!(o instanceof String s)) {
      throw bad("names a global with a " + Pickle.typeName(o) + " instead of a string");
    }
    return s;
  }

  private static String describe(Object o) {
    return o instanceof Pickle.Global g ? g.qualified() : Pickle.typeName(o);
  }

  private SamException refuse(String opcode, String what) {
    return hostile("instantiates '" + what + "' (" + opcode + "), which a state dict never does");
  }

  private SamException hostile(String what) {
    return Pickle.hostile(source, what);
  }

  private SamException bad(String what) {
    return Pickle.bad(source, what);
  }
}
