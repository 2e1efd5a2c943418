package io.sam4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CLIP's tokenizer against the SAM 3 fixture's 60 strings and their reference ids. */
class ClipTokenizerTest {
  @Test
  void everyFixtureCaseGivesTheReferenceIds() throws IOException {
    JsonNode cases = new ObjectMapper().readTree(
        Fixtures.root().resolve("sam3_fixture/tokenizer_cases.json").toFile());
    int context = cases.get("context_length").asInt();
    assertEquals(32, context);
    int checked = 0;
    int truncated = 0;
    for (JsonNode c : cases.get("cases")) {
      long[] expected = new long[context];
      for (int i = 0; i < context; i++) {
        expected[i] = c.get("ids").get(i).asLong();
      }
      String text = c.get("text").asText();
      assertArrayEquals(expected, ClipTokenizer.standard().encode(text, context), text);
      assertEquals(c.get("untruncated_length").asInt(),
          ClipTokenizer.standard().tokens(text).length + 2, text);
      truncated += c.get("truncated").asBoolean() ? 1 : 0;
      checked++;
    }
    assertEquals(60, checked);
    assertEquals(true, truncated > 0, "the fixture exercises truncation");
  }

  @Test
  void shippedMergesFileIsClipsOwn() throws Exception {
    try (InputStream in = ClipTokenizer.class.getResourceAsStream("bpe_simple_vocab_16e6.txt.gz")) {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
      assertEquals("924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a",
          HexFormat.of().formatHex(digest));
    }
  }

  @Test
  void visualIsTheImplicitTextOfABoxOnlyPrompt() {
    assertArrayEquals(new long[] {49406, 7195, 49407, 0, 0},
        ClipTokenizer.standard().encode("visual", 5));
  }

  @Test
  void truncationEndsWithTheEndToken() {
    long[] ids = ClipTokenizer.standard().encode("one two three four", 4);
    assertEquals(ClipTokenizer.START, ids[0]);
    assertEquals(ClipTokenizer.END, ids[3]);
    assertArrayEquals(new long[] {49406, 49407}, ClipTokenizer.standard().encode("x y", 2));
    assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.standard().encode("x", 1));
  }

  @Test
  void lowerCasesTheWholeStringAsPythonDoes() {
    // final sigma: Python's str.lower and Java's toLowerCase(Locale.ROOT) both give "ς" at a word end
    assertEquals("\u03bf\u03b4\u03bf\u03c2", ClipTokenizer.clean("\u039f\u0394\u039f\u03a3"));
    assertEquals("a b", ClipTokenizer.clean("  A\t\u00a0 B  "));
  }
}
