package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
  @Test
  void helpNamesEveryOption() {
    CliRunner r = CliRunner.run("serve", "--help");
    assertEquals(0, r.exitCode, r.err);
    for (String o : new String[] {"--model", "--host", "--port", "--token", "--max-upload-mb",
        "--cache-embeddings", "--config", "--max-sessions", "--session-idle-minutes"}) {
      assertTrue(r.out.contains(o), o + " missing from:\n" + r.out);
    }
  }

  @Test
  void anotherHostThanLoopbackWithoutATokenRefusesToStart() {
    CliRunner r = CliRunner.run("serve", "--model",
        Fixtures.checkpoint(Fixtures.Model.MOBILESAM), "--host", "0.0.0.0", "--port", "0");
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode);
    assertTrue(r.err.contains("refusing to listen on 0.0.0.0 without --token"), r.err);
  }
}
