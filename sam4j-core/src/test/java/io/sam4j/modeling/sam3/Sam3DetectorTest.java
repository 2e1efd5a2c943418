package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAM 3 recognition and spec checking: the fixture with its spec, the fixture without it (not the
 * official shapes), specs that contradict the tensors, other families' files, broken spec files.
 */
class Sam3DetectorTest {
  private static StateDict sd;
  @TempDir Path dir;

  @BeforeAll
  static void read() {
    sd = CheckpointReader.read(Sam3Fixtures.checkpoint());
  }

  @Test
  void fixtureWithItsSpecGivesTheReducedArchitecture() {
    assertTrue(Sam3Detector.isSam3(sd));
    Sam3Spec s = Sam3Detector.detect(sd, Sam3Fixtures.spec());
    assertEquals("sam3_fixture", s.name());
    assertEquals(336, s.imageSize());
    assertEquals(32, s.vit().embedDim());
    assertEquals(4, s.vit().depth());
    assertEquals(2, s.vit().numHeads());
    assertEquals(148, s.vit().mlpHidden());
    assertEquals(List.of(1, 3), s.vit().globalAttBlocks());
    assertEquals(8, s.vit().windowSize());
    assertEquals(24, s.vit().gridSize());
    assertEquals(8, s.vit().posGridSize());
    assertEquals(3, s.neck().levels());
    assertEquals(new Sam3Spec.Text(32, 16, 4, 2, 32, 49408, 4.0, 512), s.text());
    assertEquals(20, s.decoder().numQueries());
    assertEquals(12.0, s.scoring().clampMaxVal());
    StateDict det = Sam3Detector.detectorWeights(sd);
    assertEquals(342, det.size());
    assertTrue(det.has("backbone.vision_backbone.trunk.blocks.0.attn.freqs_cis"));
    assertFalse(det.keys().stream().anyMatch(k -> k.startsWith("tracker.")));
  }

  @Test
  void fixtureWithoutSpecIsNotTheOfficialModel() {
    SamException e = assertThrows(SamException.class, () -> Sam3Detector.detect(sd, null));
    assertEquals(SamException.Kind.UNSUPPORTED_MODEL, e.kind());
    assertTrue(e.getMessage().contains("official SAM 3 architecture contradicts the checkpoint"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--spec"), e.getMessage());
  }

  @Test
  void officialSpecIsConsistent() {
    Sam3Spec.Vit v = Sam3Spec.OFFICIAL.vit();
    assertEquals(72, v.gridSize());
    assertEquals(4736, v.mlpHidden());
    assertEquals(64, v.headDim());
    assertEquals(31, v.lastGlobalBlock());
    assertEquals(24, v.posGridSize());
  }

  @Test
  void specWithOtherGlobalBlocksIsRefusedNamingTheTable() throws IOException {
    SamException e = contradicting(v -> v.with("vit").putArray("global_att_blocks").add(1).add(2));
    assertTrue(e.getMessage().contains("blocks.2.attn.freqs_cis"), e.getMessage());
    assertTrue(e.getMessage().contains("[576, 8]"), e.getMessage());
  }

  @Test
  void specWithOtherHeadsIsRefused() throws IOException {
    SamException e = contradicting(v -> v.with("vit").put("num_heads", 4));
    assertTrue(e.getMessage().contains("freqs_cis"), e.getMessage());
    SamException q = contradicting(v -> v.with("decoder").put("num_queries", 200));
    assertTrue(q.getMessage().contains("query_embed.weight' has shape [20, 32]"), q.getMessage());
    SamException t = contradicting(v -> v.with("text_encoder").put("layers", 24));
    assertTrue(t.getMessage().contains("text_encoder.layers = 24"), t.getMessage());
  }

  @Test
  void unsupportedSwitchesAndOtherFormatsAreRefused() throws IOException {
    SamException e = contradicting(v -> v.with("vit").put("ln_post", true));
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("vit.ln_post"), e.getMessage());
    Path sam1 = Files.writeString(dir.resolve("sam1.json"), "{\"name\": \"tiny\","
        + " \"image_encoder\": {\"num_heads\": 2}}");
    SamException f = assertThrows(SamException.class, () -> Sam3Detector.detect(sd, sam1));
    assertTrue(f.getMessage().contains("not a SAM 3 spec"), f.getMessage());
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"vit\": ");
    SamException g = assertThrows(SamException.class, () -> Sam3Detector.detect(sd, broken));
    assertEquals(SamException.Kind.BAD_INPUT, g.kind());
  }

  @Test
  void sam2CheckpointGivenAsSam3IsNamed() {
    StateDict sam2 = CheckpointReader.read(Fixtures.root().resolve("sam2.1_hiera_fixture.pt"));
    assertFalse(Sam3Detector.isSam3(sam2));
    SamException e = assertThrows(SamException.class,
        () -> Sam3Detector.detect(sam2, Sam3Fixtures.spec()));
    assertEquals(SamException.Kind.UNSUPPORTED_MODEL, e.kind());
    assertTrue(e.getMessage().contains("not SAM 3 but a SAM 2-family checkpoint (SAM 2.1"),
        e.getMessage());
    StateDict sam1 = CheckpointReader.read(Fixtures.checkpoint(Fixtures.Model.MOBILESAM));
    SamException f = assertThrows(SamException.class, () -> Sam3Detector.detect(sam1, null));
    assertTrue(f.getMessage().contains("SAM 1-family"), f.getMessage());
  }

  @Test
  void samModelLoadNamesTheSam3Family() {
    SamException e = assertThrows(SamException.class,
        () -> io.sam4j.SamModel.load(Sam3Fixtures.checkpoint()));
    assertEquals(SamException.Kind.UNSUPPORTED_MODEL, e.kind());
    assertTrue(e.getMessage().contains("SAM 3 checkpoint"), e.getMessage());
  }

  private SamException contradicting(Consumer<ObjectNode> edit) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode spec = (ObjectNode) m.readTree(Sam3Fixtures.spec().toFile());
    edit.accept(spec);
    Path f = dir.resolve("edited.spec.json");
    m.writeValue(f.toFile(), spec);
    return assertThrows(SamException.class, () -> Sam3Detector.detect(sd, f));
  }
}
