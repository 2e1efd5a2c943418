package io.sam4j.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import io.sam4j.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromptCaseTest {
  private static List<PromptCase> parse(String json) throws Exception {
    return PromptCase.parse(new ObjectMapper().readTree(json), "cases.json");
  }

  private static String error(String json) {
    return assertThrows(SamException.class, () -> parse(json)).getMessage();
  }

  @Test
  void parsesTheFixtureForm() throws Exception {
    List<PromptCase> cases = parse("[{\"name\": \"a\", \"point_coords\": [[1.5, 2]],"
        + " \"point_labels\": [1], \"multimask_output\": true},"
        + " {\"name\": \"b\", \"box\": [1, 2, 3, 4], \"point_coords\": [[5, 6]], \"point_labels\": [0]},"
        + " {\"name\": \"c\", \"mask_input_from\": \"a\"}]");
    assertEquals(3, cases.size());
    assertEquals(new Point(1.5, 2, Label.FOREGROUND), cases.get(0).points().get(0));
    assertTrue(cases.get(0).multimask());
    assertEquals(new Box(1, 2, 3, 4), cases.get(1).box());
    assertEquals(3, cases.get(1).prompt(null).tokenCount());
    assertNull(cases.get(1).maskInputFrom());
    assertEquals("a", cases.get(2).maskInputFrom());
    assertEquals(0, cases.get(2).prompt(new float[256 * 256]).tokenCount());
  }

  @Test
  void refusesBadCases() {
    assertTrue(error("{}").contains("JSON array"));
    assertTrue(error("[{\"name\": \"../x\", \"box\": [1,2,3,4]}]").contains("name"));
    assertTrue(error("[{\"name\": \"a\"}]").contains("no points"));
    assertTrue(error("[{\"name\": \"a\", \"point_coords\": [[1, 2]], \"point_labels\": [5]}]")
        .contains("label 5"));
    assertTrue(error("[{\"name\": \"a\", \"point_coords\": [[1, 2]], \"point_labels\": [1, 0]}]")
        .contains("as many"));
    assertTrue(error("[{\"name\": \"a\", \"box\": [4, 2, 3, 4]}]").contains("x0 <= x1"));
    assertTrue(error("[{\"name\": \"a\", \"mask_input_from\": \"b\"}]").contains("not an earlier"));
    assertTrue(error("[{\"name\": \"a\", \"box\": [1,2,3,4]}, {\"name\": \"a\", \"box\": [1,2,3,4]}]")
        .contains("repeats"));
  }

  @Test
  void refusesCoordinatesThatAreNotFiniteNumbers() throws Exception {
    // 1e400 is valid JSON that overflows a double to Infinity
    assertTrue(error("[{\"name\": \"a\", \"point_coords\": [[1e400, 2]], \"point_labels\": [1]}]")
        .contains("point (Infinity, 2.0) has a coordinate that is not a finite number"));
    assertTrue(error("[{\"name\": \"a\", \"box\": [0, 0, 10, -1e400]}]")
        .contains("not a finite number"));
    ArrayNode nan = (ArrayNode) new ObjectMapper().readTree(
        "[{\"name\": \"a\", \"point_coords\": [[0, 2]], \"point_labels\": [1]}]");
    ((ArrayNode) nan.get(0).get("point_coords").get(0)).set(0, DoubleNode.valueOf(Double.NaN));
    SamException e = assertThrows(SamException.class, () -> PromptCase.parse(nan, "cases.json"));
    assertEquals(SamException.Kind.BAD_PROMPT, e.kind());
    assertTrue(e.getMessage().contains("cases.json case 0 point (NaN, 2.0)"), e.getMessage());
  }

  @Test
  void refusesNaNTokensAsInvalidJson(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("nan.json"),
        "[{\"name\": \"a\", \"point_coords\": [[NaN, 2]], \"point_labels\": [1]}]");
    SamException e = assertThrows(SamException.class, () -> PromptCase.read(f));
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("cannot read prompt cases"), e.getMessage());
  }

  @Test
  void refusesEmptyPrompts() {
    assertTrue(error("[{\"name\": \"a\", \"point_coords\": [], \"point_labels\": []}]")
        .contains("has no points, box or mask_input_from"));
    assertTrue(error("[{\"name\": \"a\", \"box\": null, \"point_coords\": null}]")
        .contains("has no points, box or mask_input_from"));
    assertTrue(assertThrows(SamException.class, () -> new PromptCase("a", List.of(), null, false,
        null).prompt(null)).getMessage().contains("the prompt is empty"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "-2", "0.5", "1e400", "\"1\"", "true", "null"})
  void refusesLabelsOtherThanMinusOneZeroOne(String label) {
    String msg = error("[{\"name\": \"a\", \"point_coords\": [[1, 2]], \"point_labels\": ["
        + label + "]}]");
    assertTrue(msg.startsWith("cases.json case 0 "), msg);
    assertTrue(msg.contains("label"), msg);
  }

  @Test
  void refusesInvertedBoxesOnEitherAxis() {
    assertTrue(error("[{\"name\": \"a\", \"box\": [1, 20, 3, 4]}]").contains("y0 <= y1"));
    assertTrue(error("[{\"name\": \"a\", \"box\": [5, 2, 3, 4]}]").contains("x0 <= x1"));
  }

  @Test
  void acceptsPointsOutsideTheImage() throws Exception {
    List<PromptCase> cases = parse("[{\"name\": \"a\", \"point_coords\": [[-500, 1e6]],"
        + " \"point_labels\": [-1], \"box\": [-10, -10, 99999, 99999]}]");
    assertEquals(new Point(-500, 1e6, Label.IGNORE), cases.get(0).points().get(0));
    assertEquals(new Box(-10, -10, 99999, 99999), cases.get(0).box());
  }

  @Test
  void readsEdgeSamPredictorOptions() throws Exception {
    List<PromptCase> cases = parse("[{\"name\": \"a\", \"point_coords\": [[1, 2]],"
        + " \"point_labels\": [1], \"multimask_output\": true, \"num_multimask_outputs\": 4,"
        + " \"use_stability_score\": true},"
        + " {\"name\": \"b\", \"box\": [1, 2, 3, 4], \"num_multimask_outputs\": 3},"
        + " {\"name\": \"c\", \"box\": [1, 2, 3, 4], \"multimask_output\": false,"
        + " \"num_multimask_outputs\": 1, \"use_stability_score\": false},"
        + " {\"name\": \"d\", \"box\": [1, 2, 3, 4], \"multimask_output\": true}]");
    Prompt a = cases.get(0).prompt(null);
    assertEquals(4, a.numMultimaskOutputs());
    assertTrue(a.useStabilityScore());
    assertEquals(0, a.firstMaskToken(4));
    Prompt b = cases.get(1).prompt(null);
    assertTrue(b.multimask());
    assertEquals(1, b.firstMaskToken(4));
    assertEquals(false, b.useStabilityScore());
    assertEquals(1, cases.get(2).prompt(null).numMultimaskOutputs());
    assertEquals(3, cases.get(3).prompt(null).numMultimaskOutputs());
  }

  @Test
  void refusesBadEdgeSamPredictorOptions() {
    String box = "\"name\": \"a\", \"box\": [1, 2, 3, 4], ";
    assertTrue(error("[{" + box + "\"num_multimask_outputs\": 2}]")
        .contains("\"num_multimask_outputs\" must be 1, 3 or 4, got 2"));
    assertTrue(error("[{" + box + "\"num_multimask_outputs\": 3.5}]")
        .contains("must be 1, 3 or 4"));
    assertTrue(error("[{" + box + "\"num_multimask_outputs\": \"4\"}]")
        .contains("must be 1, 3 or 4"));
    assertTrue(error("[{" + box + "\"multimask_output\": false, \"num_multimask_outputs\": 4}]")
        .contains("contradicts"));
    assertTrue(error("[{" + box + "\"use_stability_score\": 1}]")
        .contains("\"use_stability_score\" must be true or false"));
    SamException e = assertThrows(SamException.class, () -> Prompt.builder().box(1, 2, 3, 4)
        .numMultimaskOutputs(4).build().firstMaskToken(3));
    assertTrue(e.getMessage().contains("does not fit this model's decoder"), e.getMessage());
  }
}
