package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The progress journal of a long command ({@code OUT/progress.jsonl}) that {@code --resume}
 * continues: a first line {@code {"settings": {...}}}, then one JSON object per finished unit of
 * work, flushed as it is written. A resume with other settings is refused; a torn last line (the
 * run was killed while writing it) is dropped.
 */
final class Journal implements AutoCloseable {
  private final Path file;
  private final ObjectMapper om;
  private final List<JsonNode> entries;
  private final BufferedWriter writer;

  private Journal(Path file, ObjectMapper om, List<JsonNode> entries) throws IOException {
    this.file = file;
    this.om = om;
    this.entries = List.copyOf(entries);
    this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /**
   * Opens the journal: with {@code resume} and an existing file, reads its entries (checking the
   * settings); otherwise starts a new file holding only {@code settings}.
   */
  static Journal open(Path file, ObjectNode settings, boolean resume, ObjectMapper om)
      throws IOException {
    List<JsonNode> entries = new ArrayList<>();
    if (resume && Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      StringBuilder kept = new StringBuilder();
      boolean header = false;
      JsonNode wanted = om.readTree(om.writeValueAsString(settings));
      for (int i = 0; i < lines.size(); i++) {
        JsonNode n;
        try {
          n = om.readTree(lines.get(i));
        } catch (IOException e) {
          if (i == lines.size() - 1) {
            break; // interrupted while writing the last line
          }
          throw new SamException(SamException.Kind.BAD_INPUT, file + " line " + (i + 1)
              + " is not JSON; delete the file to start over");
        }
        kept.append(lines.get(i)).append('\n');
        if (n.has("settings")) {
          header = true;
          if (!n.get("settings").equals(wanted)) {
            throw new SamException(SamException.Kind.BAD_INPUT, file + " was written with other"
                + " settings " + n.get("settings") + "; use the same options or drop --resume");
          }
          continue;
        }
        entries.add(n);
      }
      if (!header) {
        kept.insert(0, om.writeValueAsString(om.createObjectNode().set("settings", settings))
            + "\n");
      }
      // rewritten without a torn tail so that appended lines start on a line of their own
      AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    } else {
      Files.writeString(file, om.writeValueAsString(om.createObjectNode().set("settings",
          settings)) + "\n", StandardCharsets.UTF_8);
    }
    return new Journal(file, om, entries);
  }

  /** The entries of the earlier run, in order (empty for a new journal). */
  List<JsonNode> entries() {
    return entries;
  }

  /** Appends one finished unit and flushes it. */
  void append(JsonNode entry) {
    try {
      writer.write(om.writeValueAsString(entry));
      writer.write('\n');
      writer.flush();
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot write " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
