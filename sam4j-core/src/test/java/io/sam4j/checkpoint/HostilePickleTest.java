package io.sam4j.checkpoint;

import static io.sam4j.SamException.Kind.BAD_CHECKPOINT;
import static io.sam4j.SamException.Kind.HOSTILE_CHECKPOINT;
import static io.sam4j.SamException.Kind.UNSUPPORTED_MODEL;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.Refusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile-pickle corpus: each test builds a {@code torch.save}-style file whose pickle tries
 * one attack, and checks that reading it fails with a {@link SamException} naming the attack,
 * allocates nothing in proportion to what the file claims, and touches no file
 * ({@link Refusal#assertRefused}). Each test's name says the threat it covers.
 */
class HostilePickleTest {
  @TempDir Path dir;

  private Path checkpoint(PickleBytes pickle) {
    return checkpoint(pickle, Map.of());
  }

  private Path checkpoint(PickleBytes pickle, Map<String, byte[]> storages) {
    return PickleBytes.torchZip(dir.resolve("evil.pth"), "archive", pickle.bytes(), storages);
  }

  private SamException refused(Path file, SamException.Kind kind, String fragment) {
    return Refusal.assertRefused(dir, kind, fragment, () -> CheckpointReader.read(file));
  }

  /** A shell command that would leave a marker file if anything ever ran it. */
  private String touchMarker() {
    return "touch " + dir.resolve("pwned");
  }

  /** Threat: code execution by calling a dangerous global through GLOBAL + REDUCE (protocol 2). */
  @ParameterizedTest
  @ValueSource(strings = {"os.system", "posix.system", "nt.system", "subprocess.Popen",
      "builtins.eval", "builtins.exec", "builtins.__import__", "builtins.getattr"})
  void codeExecutionThroughGlobalAndReduce(String global) {
    int dot = global.indexOf('.');
    PickleBytes p = new PickleBytes().proto(2)
        .global(global.substring(0, dot), global.substring(dot + 1))
        .str(touchMarker()).raw(0x85).op('R').op('.');
    refused(checkpoint(p), HOSTILE_CHECKPOINT, "'" + global + "'");
    assertTrue(Files.notExists(dir.resolve("pwned")));
  }

  /** Threat: the same calls with the name built on the stack (STACK_GLOBAL, protocol 4). */
  @ParameterizedTest
  @ValueSource(strings = {"os.system", "posix.system", "subprocess.Popen", "builtins.eval"})
  void codeExecutionThroughStackGlobalAndReduce(String global) {
    int dot = global.indexOf('.');
    PickleBytes p = new PickleBytes().proto(4).str(global.substring(0, dot))
        .str(global.substring(dot + 1)).raw(0x93).str(touchMarker()).raw(0x85).op('R').op('.');
    refused(checkpoint(p), HOSTILE_CHECKPOINT, "'" + global + "'");
    assertTrue(Files.notExists(dir.resolve("pwned")));
  }

  /** Threat: a dangerous call hidden after a genuine tensor of an otherwise valid state dict. */
  @Test
  void codeExecutionHiddenInsideValidStateDict() {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").tensor("0", 2, new long[] {2}, new long[] {1}).op('s');
    p.str("hook").global("os", "system").str(touchMarker()).raw(0x85).op('R').op('s').op('.');
    refused(checkpoint(p, Map.of("0", PickleBytes.floats(1, 2))), HOSTILE_CHECKPOINT,
        "'os.system'");
  }

  /** Threat: object construction opcodes (INST, OBJ, NEWOBJ, NEWOBJ_EX) on any class. */
  @ParameterizedTest
  @CsvSource({"INST, os.system", "OBJ, collections.OrderedDict", "NEWOBJ, torch.FloatStorage",
      "NEWOBJ_EX, torch.FloatStorage"})
  void objectConstructionOpcodes(String opcode, String what) {
    PickleBytes p = new PickleBytes().proto(4);
    switch (opcode) {
      case "INST" -> p.op('(').str("id").op('i').text("os\nsystem\n");
      case "OBJ" -> p.op('(').global("collections", "OrderedDict").op('o');
      case "NEWOBJ" -> p.global("torch", "FloatStorage").op(')').raw(0x81);
      default -> p.global("torch", "FloatStorage").op(')').op('}').raw(0x92);
    }
    refused(checkpoint(p.op('.')), HOSTILE_CHECKPOINT, "instantiates '" + what + "' (" + opcode);
  }

  /** Threat: BUILD setting the state of something that is neither a dict nor a tensor. */
  @ParameterizedTest
  @CsvSource({"tuple, tuple", "type, global torch.FloatStorage"})
  void buildOnObjectsThatAreNotStateDicts(String target, String described) {
    PickleBytes p = new PickleBytes().proto(2);
    if (target.equals("tuple")) {
      p.op(')');
    } else {
      p.global("torch", "FloatStorage");
    }
    p.op('}').str("__reduce__").str("os.system").op('s').op('b').op('.');
    refused(checkpoint(p), HOSTILE_CHECKPOINT, "sets the state of a " + described + " (BUILD)");
  }

  /** Threat: REDUCE on an allow-listed type or on plain data, to reach a constructor. */
  @Test
  void reduceOnTypesAndData() {
    PickleBytes type = new PickleBytes().proto(2).global("torch", "FloatStorage")
        .integer(1 << 30).raw(0x85).op('R').op('.');
    refused(checkpoint(type), HOSTILE_CHECKPOINT, "calls torch.FloatStorage, which is a type");
    PickleBytes data = new PickleBytes().proto(2).str("os.system").op(')').op('R').op('.');
    refused(checkpoint(data), HOSTILE_CHECKPOINT, "calls a String");
  }

  /** Threat: the copyreg extension registry (EXT1), which names globals by number. */
  @Test
  void extensionRegistryOpcode() {
    PickleBytes p = new PickleBytes().proto(2).raw(0x82, 1).op(')').op('R').op('.');
    refused(checkpoint(p), HOSTILE_CHECKPOINT, "extension registry");
  }

  /** Threat: a persistent id naming a storage the zip does not have, or a path out of it. */
  @ParameterizedTest
  @ValueSource(strings = {"7", "../../../../etc/passwd", "0/../../version"})
  void persistentIdOfAbsentStorage(String key) {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").tensor(key, 2, new long[] {2}, new long[] {1}).op('s').op('.');
    refused(checkpoint(p, Map.of("0", PickleBytes.floats(1, 2))), BAD_CHECKPOINT,
        "refers to storage '" + key + "' but the zip has no entry");
  }

  /** Threat: a persistent id that is not a storage reference at all. */
  @Test
  void persistentIdThatIsNotAStorage() {
    PickleBytes p = new PickleBytes().proto(2).str("/etc/passwd").op('Q').op('.');
    refused(checkpoint(p), BAD_CHECKPOINT, "not a torch storage reference");
  }

  /** Threat: a storage claiming a trillion elements in a 12-byte entry. */
  @Test
  void storageClaimingMoreElementsThanItsEntryHolds() {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").tensor("0", 1_000_000_000_000L, new long[] {1_000_000_000_000L}, new long[] {1});
    p.op('s').op('.');
    refused(checkpoint(p, Map.of("0", PickleBytes.floats(1, 2, 3))), BAD_CHECKPOINT,
        "claims 1000000000000 FLOAT32 elements but its entry has 12 bytes");
  }

  /** Threat: a tensor reaching past the end of its (honest) storage through offset or shape. */
  @ParameterizedTest
  @CsvSource({"0, 4, 1, reaches element 3", "1000000000000, 1, 1, reaches element 1000000000000",
      "0, 2, 1000000000000, reaches element 1000000000000"})
  void tensorReachingPastItsStorage(long offset, long size, long stride, String message) {
    refused(tensorFile(offset, new long[] {size}, new long[] {stride}), BAD_CHECKPOINT, message);
  }

  /** Threat: negative sizes, strides and offsets. */
  @ParameterizedTest
  @CsvSource({"0, -1, 1, negative size or stride", "0, 2, -1, negative size or stride",
      "-1, 1, 1, negative storage offset"})
  void negativeSizesStridesAndOffsets(long offset, long size, long stride, String message) {
    refused(tensorFile(offset, new long[] {size}, new long[] {stride}), BAD_CHECKPOINT, message);
  }

  /** Threat: sizes and strides whose products overflow 64 bits (and wrap to small numbers). */
  @ParameterizedTest
  @CsvSource({"4611686018427387904, 4, 1, 1", "4, 2, 4611686018427387904, 1",
      "3074457345618258603, 3, 1, 3074457345618258603"})
  void sizesAndStridesThatOverflow(long size0, long size1, long stride0, long stride1) {
    refused(tensorFile(0, new long[] {size0, size1}, new long[] {stride0, stride1}),
        BAD_CHECKPOINT, "overflow");
  }

  /** Threat: a size beyond 64 bits (a 9-byte LONG1), which Python accepts and Java cannot hold. */
  @Test
  void sizeBeyondSixtyFourBits() {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
    p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(2)
        .op('t').op('Q').integer(0);
    p.op('(').raw(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1).op('t').intTuple(1);
    p.raw(0x89).op('t').op('R').op('s').op('.');
    refused(checkpoint(p, Map.of("0", PickleBytes.floats(1, 2))), BAD_CHECKPOINT,
        "not a 64-bit integer");
  }

  private Path tensorFile(long offset, long[] size, long[] stride) {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").tensor("0", 3, offset, size, stride).op('s').op('.');
    return checkpoint(p, Map.of("0", PickleBytes.floats(1, 2, 3)));
  }

  /** Threat: 100,000 nested tuples (TUPLE1 on TUPLE1...), to exhaust a recursive reader's stack. */
  @Test
  void deepRecursionThroughNestedTuples() {
    PickleBytes p = new PickleBytes().proto(2).op(')');
    for (int i = 0; i < 100_000; i++) {
      p.raw(0x85);
    }
    refused(checkpoint(p.op('.')), UNSUPPORTED_MODEL, "holds a tuple with no tensors");
  }

  /** Threat: 100,000 nested MARKs holding lists, dicts and tuples, under a state-dict key. */
  @Test
  void deepRecursionThroughNestedMarksListsAndDicts() {
    PickleBytes p = new PickleBytes().proto(2).op('}').str("model");
    for (int i = 0; i < 100_000; i++) {
      p.op('(').op(']').op('}');
    }
    for (int i = 0; i < 50_000; i++) {
      p.op('l').op('t');
    }
    p.op('s').op('.');
    refused(checkpoint(p), UNSUPPORTED_MODEL, "no tensors");
  }
}
