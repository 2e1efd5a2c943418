package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam4j tokenize} on the SAM 3 fixture's strings, and its refusals. */
class TokenizeCommandTest {
  @TempDir Path dir;

  @Test
  void writesTheReferenceIdsForEveryFixtureString() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode cases = json.readTree(
        Fixtures.root().resolve("sam3_fixture/tokenizer_cases.json").toFile()).get("cases");
    ArrayNode strings = json.createArrayNode();
    cases.forEach(c -> strings.add(c.get("text").asText()));
    Path in = dir.resolve("strings.json");
    json.writeValue(in.toFile(), strings);
    Path out = dir.resolve("ids.json");
    CliRunner r = CliRunner.run("tokenize", "--in", in, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode ids = json.readTree(out.toFile());
    assertEquals(cases.size(), ids.size());
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).get("ids"), ids.get(i), cases.get(i).get("text").asText());
    }
  }

  @Test
  void badInputGetsOneLineAndNoOutput() throws IOException {
    Path out = dir.resolve("ids.json");
    for (String content : new String[] {"{\"a\": 1}", "[\"ok\", 3]", "[broken"}) {
      Path in = Files.writeString(dir.resolve("in.json"), content);
      CliRunner r = CliRunner.run("tokenize", "--in", in, "--out", out);
      assertEquals(1, r.exitCode, content);
      assertTrue(r.err.startsWith("sam4j: error: "), r.err);
      assertEquals(1, r.err.strip().lines().count(), r.err);
      assertFalse(Files.exists(out));
    }
    CliRunner r = CliRunner.run("tokenize", "--in", dir.resolve("in.json"), "--out", out,
        "--context", "1");
    assertEquals(2, r.exitCode, r.err);
  }
}
