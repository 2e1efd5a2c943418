package io.sam4j.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
