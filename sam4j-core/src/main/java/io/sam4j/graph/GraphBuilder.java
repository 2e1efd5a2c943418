package io.sam4j.graph;

import io.sam4j.checkpoint.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds one ONNX graph: inputs, outputs, initializers and nodes, named after the module that
 * creates them ({@code image_encoder.blocks.3.attn/MatMul_12}). The vocabulary of ops lives in
 * {@link #op} and {@link #node}; shorthands for the common ones are below.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("decoder");
 * Value x = g.input("x", ElemType.FLOAT, 1, 256);
 * g.output("y", g.op("Relu", x));
 * OnnxModel m = g.build();
 * }</pre>
 */
public final class GraphBuilder {
  /** By default, initializers beyond this many bytes in total are kept out of the protobuf. */
  public static final long DEFAULT_INLINE_LIMIT = 1_800_000_000L;
  static final int OPSET = 17;

  private final String name;
  private final List<Node> nodes = new ArrayList<>();
  /** Node outputs that became graph outputs under another name: value name to output name. */
  private final Map<String, String> renamed = new HashMap<>();
  private final Set<String> produced = new HashSet<>();
  private final List<ProtoMessage> inputs = new ArrayList<>();
  private final List<ProtoMessage> outputs = new ArrayList<>();
  private final java.util.Set<String> outputNames = new java.util.HashSet<>();
  private final List<Initializer> initializers = new ArrayList<>();
  private final Map<String, Initializer> initializerByName = new HashMap<>();
  private final Set<String> names = new HashSet<>();
  private final Deque<String> scopes = new ArrayDeque<>();
  private long counter;
  private boolean usesMicrosoftDomain;
  private final boolean portable;
  private LayerRewriter rewriter;

  /** A builder that may use ONNX Runtime's contributed operators where they are faster. */
  public GraphBuilder(String name) {
    this(name, false);
  }

  /**
   * @param portable only standard ONNX operators (for files other runtimes will load); otherwise
   *     ONNX Runtime's contributed operators ({@code com.microsoft}) may be used where faster
   */
  public GraphBuilder(String name, boolean portable) {
    this.name = name;
    this.portable = portable;
  }

  /**
   * Sets who writes the weighted layers (quantization, calibration taps); null for float32.
   * Returns this builder.
   */
  public GraphBuilder rewriter(LayerRewriter r) {
    this.rewriter = r;
    return this;
  }

  /** Who writes the weighted layers, or null (float32 as the checkpoint). */
  public LayerRewriter rewriter() {
    return rewriter;
  }

  /** The float32 values of an initializer added to this graph (computed now if lazy). */
  public float[] initializerFloats(Value v) {
    Initializer init = initializerByName.get(v.name());
    if (init == null || init.type() != ElemType.FLOAT) {
      throw new IllegalArgumentException(v.name() + " is not a float initializer of " + name);
    }
    float[] out = new float[(int) (init.byteSize() / 4)];
    init.data().asFloatBuffer().get(out);
    return out;
  }

  /** The shape of an initializer added to this graph. */
  public long[] initializerDims(Value v) {
    Initializer init = initializerByName.get(v.name());
    if (init == null) {
      throw new IllegalArgumentException(v.name() + " is not an initializer of " + name);
    }
    return init.dims().clone();
  }

  /** Whether this graph keeps to standard ONNX operators. */
  public boolean portable() {
    return portable;
  }

  /**
   * Enters a naming scope: nodes created until it is closed are named after {@code module}, a full
   * module path such as {@code image_encoder.blocks.3.attn} (scopes do not concatenate).
   */
  public Scope scope(String module) {
    scopes.push(module);
    return () -> scopes.pop();
  }

  /** A naming scope; closing it leaves it. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Declares a graph input.
   *
   * @param dims each a {@code Number} (fixed size) or a {@code String} (symbolic dimension)
   */
  public Value input(String inputName, ElemType type, Object... dims) {
    claim(inputName);
    inputs.add(valueInfo(inputName, type, dims));
    return new Value(inputName);
  }

  /**
   * Declares a graph output. A node's output is renamed to {@code outputName} (an Identity node
   * would copy the tensor on every run); inputs, initializers and values already output under
   * another name go through an Identity node.
   */
  public void output(String outputName, Value v, ElemType type) {
    if (!v.name().equals(outputName)) {
      claim(outputName);
      if (produced.contains(v.name()) && !renamed.containsKey(v.name())) {
        renamed.put(v.name(), outputName);
      } else {
        nodes.add(new Node("Identity", "", List.of(v), List.of(outputName), List.of(),
            outputName + "/Identity"));
      }
    }
    outputs.add(valueInfo(outputName, type));
    outputNames.add(outputName);
  }

  /** A float output. */
  public void output(String outputName, Value v) {
    output(outputName, v, ElemType.FLOAT);
  }

  /** Adds an initializer from a checkpoint tensor (converted to float32 when needed). */
  public Value weight(String weightName, Tensor t) {
    ByteBuffer bytes = t.dtype() == io.sam4j.checkpoint.DType.FLOAT32 ? t.contiguousBytes() : null;
    if (bytes == null) {
      return weight(weightName, t.toFloatArray(), t.shape());
    }
    return initializer(weightName, ElemType.FLOAT, t.shape(), bytes);
  }

  /** Adds a float32 initializer holding {@code data}. */
  public Value weight(String weightName, float[] data, long... dims) {
    if (Tensor.numel(dims) != data.length) {
      throw new IllegalArgumentException(weightName + ": " + data.length + " values for dims "
          + java.util.Arrays.toString(dims));
    }
    return initializer(weightName, ElemType.FLOAT, dims, floatBytes(data));
  }

  /**
   * Adds a float32 initializer whose values are computed only when the model is written (for
   * weights derived from a checkpoint, so that they are never all in memory at once).
   */
  public Value lazyWeight(String weightName, long[] dims, Supplier<float[]> values) {
    long bytes = Tensor.numel(dims) * 4;
    return add(weightName, ElemType.FLOAT, dims, bytes, () -> floatBytes(values.get()));
  }

  /**
   * Adds an initializer with raw little-endian bytes; adding the same name again with the same
   * shape returns the first one (a weight shared by two modules).
   */
  public Value initializer(String initName, ElemType type, long[] dims, ByteBuffer data) {
    ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return add(initName, type, dims, view.remaining(), () -> view);
  }

  private Value add(String initName, ElemType type, long[] dims, long bytes,
      Supplier<ByteBuffer> source) {
    Initializer existing = initializerByName.get(initName);
    if (existing != null) {
      if (!java.util.Arrays.equals(existing.dims(), dims) || existing.type() != type) {
        throw new IllegalArgumentException("initializer '" + initName + "' is added twice with"
            + " different shapes");
      }
      return new Value(initName);
    }
    claim(initName);
    Initializer init = new Initializer(initName, type, dims.clone(), bytes, source);
    initializers.add(init);
    initializerByName.put(initName, init);
    return new Value(initName);
  }

  private static ByteBuffer floatBytes(float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return b;
  }

  /** An int64 constant (a 1-D tensor, or a scalar when {@code scalar} is set). */
  public Value ints(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return initializer(fresh("const"), ElemType.INT64, new long[] {values.length}, b);
  }

  /** A float scalar constant (rank 0). */
  public Value scalar(float v) {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v);
    return initializer(fresh("const"), ElemType.FLOAT, new long[0], b);
  }

  /** A float constant of any shape. */
  public Value floats(float[] data, long... dims) {
    return weight(fresh("const"), data, dims);
  }

  /** A node with one output and no attributes. */
  public Value op(String opType, Value... in) {
    return node(opType, in).out();
  }

  /** Starts a node; add attributes, then call {@link NodeBuilder#out()} or {@link NodeBuilder#outs}. */
  public NodeBuilder node(String opType, Value... in) {
    return new NodeBuilder(this, opType, in);
  }

  /** {@code com.microsoft} operators are used (the model then imports that domain). */
  void useMicrosoftDomain() {
    usesMicrosoftDomain = true;
  }

  /** Adds a node with {@code n} fresh outputs named after its type. */
  Value[] addNode(String opType, String domain, List<Value> in, List<ProtoMessage> attrs, int n) {
    String base = fresh(opType);
    List<String> outNames = new ArrayList<>();
    Value[] out = new Value[n];
    for (int i = 0; i < n; i++) {
      String o = n == 1 ? base : base + ":" + i;
      claim(o);
      outNames.add(o);
      out[i] = new Value(o);
    }
    nodes.add(new Node(opType, domain, in, outNames, attrs, base));
    produced.addAll(outNames);
    return out;
  }

  /** Total bytes of all initializers. */
  public long initializerBytes() {
    long n = 0;
    for (Initializer i : initializers) {
      n += i.byteSize();
    }
    return n;
  }

  /**
   * Serializes the model. When the weights would take the protobuf past its 2 GiB limit, they are
   * laid out in an external data file instead (see {@link OnnxModel#writeTo}).
   */
  public OnnxModel build() {
    return build(DEFAULT_INLINE_LIMIT);
  }

  /**
   * Serializes the model, keeping the weights in the protobuf only when they total at most {@code
   * inlineLimit} bytes; otherwise every initializer of 1 KiB or more goes to the external data file
   * {@code <graph name>.weights}.
   */
  public OnnxModel build(long inlineLimit) {
    boolean inlineAll = initializerBytes() <= inlineLimit;
    String dataFile = name + ".weights";
    // nodes whose outputs nothing reads (a dequantization a quantized successor bypasses) and
    // weights no node reads (a position encoding made for a tap nobody asked for) are left out:
    // ONNX Runtime would run the first and warn about the second
    java.util.Set<String> read = new java.util.HashSet<>(outputNames);
    renamed.forEach((v, o) -> {
      if (outputNames.contains(o)) {
        read.add(v);
      }
    });
    java.util.ArrayDeque<Node> kept = new java.util.ArrayDeque<>();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (n.out().stream().anyMatch(read::contains)) {
        kept.addFirst(n);
        n.in().forEach(v -> {
          if (v != null) {
            read.add(v.name());
          }
        });
      }
    }
    ProtoMessage graph = new ProtoMessage();
    kept.forEach(n -> graph.message(1, n.proto(renamed)));
    graph.string(2, name);
    List<OnnxModel.External> external = new ArrayList<>();
    long offset = 0;
    for (Initializer init : initializers) {
      if (!read.contains(init.name())) {
        continue;
      }
      ProtoMessage t = new ProtoMessage();
      t.packedVarints(1, init.dims());
      t.varint(2, init.type().onnx);
      t.string(8, init.name());
      if (inlineAll || init.byteSize() < 1024) {
        t.lazyBytes(9, init.byteSize(), init::data);
      } else {
        offset = (offset + 4095) / 4096 * 4096;
        external.add(new OnnxModel.External(init, offset));
        t.message(13, new ProtoMessage().string(1, "location").string(2, dataFile));
        t.message(13, new ProtoMessage().string(1, "offset").string(2, Long.toString(offset)));
        t.message(13, new ProtoMessage().string(1, "length")
            .string(2, Long.toString(init.byteSize())));
        t.varint(14, 1);
        offset += init.byteSize();
      }
      graph.message(5, t);
    }
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    ProtoMessage model = new ProtoMessage()
        .varint(1, 8)
        .string(2, "sam4j")
        .string(3, "0.1")
        .message(7, graph)
        .message(8, new ProtoMessage().string(1, "").varint(2, OPSET));
    if (usesMicrosoftDomain) {
      model.message(8, new ProtoMessage().string(1, "com.microsoft").varint(2, 1));
    }
    long size = model.size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("graph " + name + " serializes to " + size + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
    model.writeTo(out);
    return new OnnxModel(out.flip(), external, external.isEmpty() ? null : dataFile,
        initializerBytes());
  }

  private static ProtoMessage valueInfo(String valueName, ElemType type, Object... dims) {
    ProtoMessage tensorType = new ProtoMessage().varint(1, type.onnx);
    if (dims.length > 0) {
      ProtoMessage shape = new ProtoMessage();
      for (Object d : dims) {
        ProtoMessage dim = new ProtoMessage();
        if (d instanceof Number num) {
          dim.varint(1, num.longValue());
        } else {
          dim.string(2, d.toString());
        }
        shape.message(1, dim);
      }
      tensorType.message(2, shape);
    }
    return new ProtoMessage().string(1, valueName)
        .message(2, new ProtoMessage().message(1, tensorType));
  }

  /** A name not used yet in this graph, in the current scope: {@code <scope>/<what>_<n>}. */
  public String fresh(String what) {
    String prefix = scopes.isEmpty() ? "" : scopes.peek() + "/";
    String n;
    do {
      n = prefix + what + "_" + counter++;
    } while (names.contains(n));
    return n;
  }

  private void claim(String n) {
    if (!names.add(n)) {
      throw new IllegalArgumentException("name '" + n + "' is used twice in graph " + name);
    }
  }
}
