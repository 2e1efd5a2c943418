package io.sam4j.modeling.sam2.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hydra configs and built-in official configs to specs; refusals; checkpoint detection. */
class Sam2ConfigTest {
  @Test
  void sam21FixtureConfig() {
    Sam2ModelSpec s = Sam2Config.read(Fixtures.root().resolve("sam2.1_hiera_fixture.yaml"));
    assertEquals("sam2.1_hiera_fixture", s.name());
    assertEquals(Sam2Family.SAM2_1, s.family());
    assertEquals(1024, s.imageSize());
    assertEquals(32, s.hiddenDim());
    assertEquals(16, s.memDim());
    ImageEncoderSpec e = (ImageEncoderSpec) s.encoder();
    assertEquals(new HieraSpec(8, 1, 3, List.of(2, 2), List.of(1, 1, 3, 1), 2.0, 2.0,
        List.of(7, 7), List.of(8, 4, 14, 7), List.of(4)), e.trunk());
    assertEquals(1, e.scalp());
    FpnNeckSpec n = (FpnNeckSpec) e.neck();
    assertEquals(new FpnNeckSpec(new PositionEmbeddingSineSpec(32, 10000, true, 2 * Math.PI), 32,
        List.of(64, 32, 16, 8), 1, 1, 0, "nearest", "sum", List.of(2, 3)), n);
    assertEquals(new Sam2HeadsSpec(true, true, true, true, true, true, 0.05, 0.98), s.heads());
    assertEquals(32, s.model().at("/memory_encoder/in_dim").asInt());
    assertTrue(s.model().at("/sam_mask_decoder_extra_args/dynamic_multimask_via_stability")
        .asBoolean());
    // the block layout the README lists: windows 8, 4 (q-pool), 14 (q-pool from 4), global, 7
    List<HieraSpec.Block> blocks = ((HieraSpec) e.trunk()).blocks();
    assertEquals(new HieraSpec.Block(8, 8, 1, 8, false, 0), blocks.get(0));
    assertEquals(new HieraSpec.Block(8, 16, 2, 8, true, 1), blocks.get(1));
    assertEquals(new HieraSpec.Block(16, 32, 4, 4, true, 2), blocks.get(2));
    assertEquals(new HieraSpec.Block(32, 32, 4, 14, false, 2), blocks.get(3));
    assertEquals(new HieraSpec.Block(32, 32, 4, 0, false, 2), blocks.get(4));
    assertEquals(new HieraSpec.Block(32, 64, 8, 14, true, 3), blocks.get(5));
  }

  @Test
  void efficientTamFixtureConfig() {
    Sam2ModelSpec s = Sam2Config.read(Fixtures.root().resolve("efficienttam_fixture.yaml"));
    assertEquals(Sam2Family.EFFICIENTTAM, s.family());
    assertEquals(512, s.imageSize());
    assertEquals(32, s.hiddenDim());
    ImageEncoderSpec e = (ImageEncoderSpec) s.encoder();
    assertEquals(new VitDetTrunkSpec(1024, 16, 48, 3, 3, 4.0, true, true, false, 14, List.of(0, 1),
        224, true), e.trunk());
    assertEquals(new VitDetNeckSpec(new PositionEmbeddingSineSpec(32, 10000, true, 2 * Math.PI),
        32, List.of(48), 1, 1, 0, "LN"), e.neck());
    assertEquals(0, e.scalp());
    assertFalse(s.heads().useHighResFeaturesInSam());
  }

  @Test
  void edgeTamFixtureConfig() {
    Sam2ModelSpec s = Sam2Config.read(Fixtures.root().resolve("edgetam_fixture.yaml"));
    assertEquals(Sam2Family.EDGETAM, s.family());
    ImageEncoderSpec e = (ImageEncoderSpec) s.encoder();
    assertEquals(new TimmRepVitTrunkSpec("repvit_m1_fixture",
        List.of("layer0", "layer1", "layer2", "layer3")), e.trunk());
    assertEquals(List.of(48, 32, 24, 16), e.neck().backboneChannelList());
    assertEquals(32, s.hiddenDim());
    assertEquals(16, s.memDim());
    assertEquals(64, s.model().at("/spatial_perceiver/num_latents").asInt());
  }

  @Test
  void officialConfigsLoadWithClassDefaults() {
    assertEquals(17, Sam2Config.officialNames().size());
    for (String name : Sam2Config.officialNames()) {
      Sam2ModelSpec s = Sam2Config.official(name);
      assertEquals(name, s.name());
      assertEquals(256, s.hiddenDim(), name);
      assertEquals(64, s.memDim(), name);
      assertEquals(256, s.model().at("/memory_encoder/in_dim").asInt(), name);
    }
    HieraSpec bplus = (HieraSpec) ((ImageEncoderSpec) Sam2Config.official("sam2.1_hiera_b+")
        .encoder()).trunk();
    // the b+ yaml leaves stages, global blocks and the background size to the class defaults
    assertEquals(new HieraSpec(112, 2, 3, List.of(2, 2), List.of(2, 3, 16, 3), 2.0, 2.0,
        List.of(14, 14), List.of(8, 4, 14, 7), List.of(12, 16, 20)), bplus);
    HieraSpec large = (HieraSpec) ((ImageEncoderSpec) Sam2Config.official("sam2_hiera_l")
        .encoder()).trunk();
    assertEquals(List.of(8, 4, 16, 8), large.windowSpec());
    assertEquals(List.of(1152, 576, 288, 144), large.channelList());
    assertEquals(Sam2Family.SAM2, Sam2Config.official("sam2_hiera_t").family());
    assertEquals(Sam2Family.SAM2_1, Sam2Config.official("sam2.1_hiera_t").family());
    assertEquals(Sam2Family.EDGETAM, Sam2Config.official("edgetam").family());
    assertEquals(512, Sam2Config.official("efficienttam_s_512x512").imageSize());
    assertEquals(1024, Sam2Config.official("efficienttam_ti_2").imageSize());
    assertEquals("efficient_track_anything.modeling.sam.transformer.EfficientRoPEAttention1",
        Sam2Config.official("efficienttam_ti_1").model()
            .at("/memory_attention/layer/cross_attention/_target_").asText());
  }

  @Test
  void videoModelAddsWhatTheVideoBuilderAdds() {
    Sam2ModelSpec s = Sam2Config.read(Fixtures.root().resolve("sam2.1_hiera_fixture.yaml"));
    var v = Sam2Config.videoModel(s);
    assertEquals("sam2.sam2_video_predictor.SAM2VideoPredictor", v.get("_target_").asText());
    assertEquals(8, v.get("fill_hole_area").asInt());
    assertTrue(v.get("binarize_mask_from_pts_for_mem_enc").asBoolean());
    assertFalse(v.get("non_overlap_masks").asBoolean());
    assertFalse(s.model().has("fill_hole_area"));
    assertEquals("efficient_track_anything.efficienttam_video_predictor.EfficientTAMVideoPredictor",
        Sam2Config.videoModel(Sam2Config.official("efficienttam_s")).get("_target_").asText());
  }

  @Test
  void officialFileNamesMapToConfigs() {
    assertEquals("sam2.1_hiera_b+", Sam2Config.officialNameForFile("sam2.1_hiera_base_plus.pt"));
    assertEquals("sam2_hiera_t", Sam2Config.officialNameForFile("/x/sam2_hiera_tiny.pt"));
    assertEquals("efficienttam_s_512x512",
        Sam2Config.officialNameForFile("efficienttam_s_512x512.pt"));
    assertEquals("edgetam", Sam2Config.officialNameForFile("edgetam.pt"));
    assertNull(Sam2Config.officialNameForFile("my_finetune.pt"));
  }

  @Test
  void unknownTargetIsRefusedByName() throws IOException {
    String yaml = fixtureYaml("sam2.1_hiera_fixture.yaml").replace(
        "sam2.modeling.backbones.hieradet.Hiera", "os.system");
    SamException e = assertThrows(SamException.class, () -> Sam2Config.parse(yaml, "evil"));
    assertTrue(e.getMessage().contains("unknown _target_ 'os.system' at model.image_encoder.trunk"),
        e.getMessage());
    assertTrue(e.getMessage().contains("sam2.modeling.backbones.hieradet.Hiera"), e.getMessage());
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
  }

  @Test
  void malformedAndIncompleteConfigsAreRefused() throws IOException {
    SamException bad = assertThrows(SamException.class,
        () -> Sam2Config.parse("model:\n  _target_: [unclosed\n", "broken"));
    assertTrue(bad.getMessage().startsWith("config broken is not valid YAML"), bad.getMessage());
    for (String notMapping : List.of("configs/sam2/sam2_hiera_t.yaml", "")) {
      SamException e = assertThrows(SamException.class, () -> Sam2Config.parse(notMapping, "t"));
      assertTrue(e.getMessage().startsWith("config t is not a YAML mapping"), e.getMessage());
    }
    SamException noModel = assertThrows(SamException.class,
        () -> Sam2Config.parse("trainer: {}\n", "t"));
    assertTrue(noModel.getMessage().contains("no 'model' mapping"), noModel.getMessage());
    String noDim = fixtureYaml("sam2.1_hiera_fixture.yaml").replace("      d_model: 32  # fixture:"
        + " official 256\n      backbone_channel_list", "      backbone_channel_list");
    SamException missing = assertThrows(SamException.class, () -> Sam2Config.parse(noDim, "x"));
    assertTrue(missing.getMessage().contains("model.image_encoder.neck (FpnNeck) lacks the required"
        + " key 'd_model'"), missing.getMessage());
    String wrongChannels = fixtureYaml("sam2.1_hiera_fixture.yaml").replace("[64, 32, 16, 8]",
        "[64, 32, 16, 4]");
    SamException channels = assertThrows(SamException.class,
        () -> Sam2Config.parse(wrongChannels, "x"));
    assertTrue(channels.getMessage().contains("do not match the neck's backbone_channel_list"),
        channels.getMessage());
    String textDim = fixtureYaml("sam2.1_hiera_fixture.yaml").replace("embed_dim: 8",
        "embed_dim: eight");
    SamException text = assertThrows(SamException.class, () -> Sam2Config.parse(textDim, "x"));
    assertTrue(text.getMessage().contains("'embed_dim' must be an integer"), text.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sam2.1_hiera_fixture", "efficienttam_fixture", "edgetam_fixture"})
  void fixtureCheckpointsFitTheirConfigsOnly(String model) {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve(model + ".pt"));
    Sam2Detector.check(sd, Sam2Config.read(root.resolve(model + ".yaml")));
    for (String other : List.of("sam2.1_hiera_fixture", "efficienttam_fixture", "edgetam_fixture")) {
      if (!other.equals(model)) {
        SamException e = assertThrows(SamException.class,
            () -> Sam2Detector.check(sd, Sam2Config.read(root.resolve(other + ".yaml"))));
        assertTrue(e.getMessage().startsWith("the checkpoint is "), e.getMessage());
        assertTrue(e.getMessage().contains("give the config that came with the checkpoint"));
      }
    }
    // an official config of the same family has other shapes
    String official = switch (Sam2Detector.familyOf(sd)) {
      case SAM2_1 -> "sam2.1_hiera_t";
      case EFFICIENTTAM -> "efficienttam_ti";
      default -> "edgetam";
    };
    SamException e = assertThrows(SamException.class,
        () -> Sam2Detector.check(sd, Sam2Config.official(official)));
    assertTrue(e.getMessage().startsWith("the config " + official + " does not fit the checkpoint: "),
        e.getMessage());
    SamException none = assertThrows(SamException.class, () -> Sam2Detector.detect(sd, null));
    assertTrue(none.getMessage().contains("no official config fits"), none.getMessage());
  }

  @Test
  void sam2VersionIsReadFromTheKeys() {
    StateDict sd = CheckpointReader.read(Fixtures.root().resolve("sam2.1_hiera_fixture.pt"));
    assertEquals(Sam2Family.SAM2_1, Sam2Detector.familyOf(sd));
    assertEquals(Sam2Family.SAM2_1, Sam2Config.read(Fixtures.root()
        .resolve("sam2.1_hiera_fixture.yaml")).family());
    SamException e = assertThrows(SamException.class,
        () -> Sam2Detector.check(sd, Sam2Config.official("sam2_hiera_t")));
    assertTrue(e.getMessage().contains("the checkpoint is SAM 2.1 (Hiera, embed dim 8, 6 blocks)"
        + " but the config sam2_hiera_t describes SAM 2:"), e.getMessage());
  }

  private static String fixtureYaml(String name) throws IOException {
    return Files.readString(Fixtures.root().resolve(name));
  }
}
