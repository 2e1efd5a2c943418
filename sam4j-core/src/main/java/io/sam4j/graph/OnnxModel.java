package io.sam4j.graph;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A built ONNX model: the serialized {@code ModelProto} and the initializers that were kept out of
 * it (for models whose weights would push the protobuf past its 2 GiB limit).
 *
 * @param proto the serialized model, a direct buffer
 * @param external initializers the runtime must be given separately, empty for most models
 */
public record OnnxModel(ByteBuffer proto, List<Initializer> external) {}
