package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code sam4j info} on the SAM 3 fixture, with its spec and without. */
class Sam3InfoTest {
  @Test
  void describesTheFixtureWithItsSpec() throws Exception {
    CliRunner r = CliRunner.run("info", Fixtures.root().resolve("sam3_fixture.pt"), "--spec",
        Fixtures.root().resolve("sam3_fixture.spec.json"));
    assertEquals(0, r.exitCode, r.err);
    JsonNode o = new ObjectMapper().readTree(r.out);
    assertEquals("SAM 3", o.get("family").asText());
    assertEquals(336, o.get("image_size").asInt());
    assertEquals(32, o.get("vit").get("embed_dim").asInt());
    assertEquals("[1,3]", o.get("vit").get("global_att_blocks").toString());
    assertEquals(20, o.get("num_queries").asInt());
    assertEquals("b191afe5f50a022893aaa8f33c4fa580efc5cab5b5155c13dee7d58ccd035d6e",
        o.get("sha256").asText());
    JsonNode p = o.get("parameters");
    assertEquals(p.get("total").asLong(), p.get("detector").asLong() + p.get("tracker").asLong());
  }

  @Test
  void withoutItsSpecTheFixtureIsNotTheOfficialModel() {
    CliRunner r = CliRunner.run("info", Fixtures.root().resolve("sam3_fixture.pt"));
    assertEquals(1, r.exitCode, r.err);
    assertTrue(r.err.contains("not the official sam3.pt"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
  }
}
