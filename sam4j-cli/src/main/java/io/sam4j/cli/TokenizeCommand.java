package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import io.sam4j.text.ClipTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j tokenize}: CLIP token ids of strings, as SAM 3's text encoder receives them. */
@Command(
    name = "tokenize",
    header = "CLIP token ids of phrases, as SAM 3's text encoder gets them.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Read a JSON array of strings and write a JSON array of id arrays, one per string, each",
        "exactly --context ids long: start (49406), the byte-level BPE tokens, end (49407), then",
        "0s; a longer phrase is cut and ends with the end token. Pure Java, with OpenAI CLIP's",
        "merges file (MIT) inside the jar.",
        "Example:",
        "  echo '[\"yellow school bus\", \"dog\"]' > phrases.json",
        "  sam4j tokenize --in phrases.json --out ids.json"})
final class TokenizeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--in", required = true, paramLabel = "STRINGS.json",
      description = "A JSON array of strings")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "IDS.json",
      description = "Where to write the JSON array of id arrays")
  Path out;

  @Option(names = "--context", defaultValue = "32", paramLabel = "N",
      description = "Ids per string (default ${DEFAULT-VALUE}, SAM 3's)")
  int context;

  @Override
  public Integer call() throws IOException {
    if (context < 2) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(),
          "--context must be >= 2 (the start and end tokens)");
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode strings;
    try {
      strings = json.readTree(in.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "cannot read " + in + " as JSON: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (strings == null || !strings.isArray()) {
      throw new SamException(SamException.Kind.BAD_INPUT, in + " must hold a JSON array of strings");
    }
    ArrayNode result = json.createArrayNode();
    for (int i = 0; i < strings.size(); i++) {
      if (!strings.get(i).isTextual()) {
        throw new SamException(SamException.Kind.BAD_INPUT, in + ": element " + i
            + " is not a string (" + strings.get(i).getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")");
      }
      ArrayNode ids = result.addArray();
      for (long id : ClipTokenizer.standard().encode(strings.get(i).asText(), context)) {
        ids.add(id);
      }
    }
    AtomicFiles.write(out, (json.writeValueAsString(result) + "\n")
        .getBytes(StandardCharsets.UTF_8));
    return 0;
  }
}
