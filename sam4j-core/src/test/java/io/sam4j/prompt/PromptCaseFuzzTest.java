package io.sam4j.prompt;

import static io.sam4j.fixtures.FuzzContract.file;
import static io.sam4j.fixtures.FuzzContract.refusesOnlyWithSamException;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target for the prompt-cases JSON reader: any file is read into valid cases (whose prompts
 * build) or refused with a SamException. Seeds and past crashes are in
 * {@code src/test/resources/io/sam4j/prompt/PromptCaseFuzzTestInputs/read}.
 */
class PromptCaseFuzzTest {
  @TempDir static Path dir;

  /** The dictionary names the JSON keys: Jackson is not instrumented. */
  @DictionaryEntries({"\"name\"", "\"point_coords\"", "\"point_labels\"", "\"box\"",
      "\"multimask_output\"", "\"mask_input_from\"", "1e400", "-1", "null", "true"})
  @FuzzTest
  void read(byte[] data) {
    Path f = file(dir, "cases.json", data);
    refusesOnlyWithSamException(() -> {
      for (PromptCase c : PromptCase.read(f)) {
        if (c.maskInputFrom() == null) {
          c.prompt(null);
        }
      }
    });
  }
}
