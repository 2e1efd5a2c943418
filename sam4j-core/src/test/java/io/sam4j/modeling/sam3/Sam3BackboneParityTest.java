package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.modeling.sam3.backbone.AxialRope;
import io.sam4j.modeling.sam3.backbone.RopeAttention;
import io.sam4j.modeling.sam3.backbone.Sam3DualViTDetNeck;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.Sam3Preprocessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ViTDet trunk and the detector neck against the reference: the RoPE tables recomputed against
 * the file's {@code freqs_cis}, the smallest FPN level and its position encoding against the
 * fixture's tensors, every level's and the trunk's statistics against the manifest, from
 * {@code .resized.png} and from {@code .decoded.png} through sam4j's resize.
 */
class Sam3BackboneParityTest {
  private static StateDict det;
  private static Sam3Spec spec;
  private static InferenceSession encoder;

  @BeforeAll
  static void build() {
    StateDict sd = CheckpointReader.read(Sam3Fixtures.checkpoint());
    spec = Sam3Detector.detect(sd, Sam3Fixtures.spec());
    det = Sam3Detector.detectorWeights(sd);
    encoder = InferenceSession.create("sam3 image encoder",
        Sam3ImageEncoder.graph(det, spec, List.of(Sam3ImageEncoder.TRUNK_OUTPUT)),
        RuntimeOptions.defaults());
  }

  @AfterAll
  static void close() {
    if (encoder != null) {
      encoder.close();
    }
  }

  @Test
  void ropeTablesRecomputeTheFilesFreqsCis() {
    Sam3Spec.Vit v = spec.vit();
    for (int b = 0; b < v.depth(); b++) {
      int side = v.windowed(b) ? v.windowSize() : v.gridSize();
      float[] file = det.get(Sam3Detector.TRUNK + "blocks." + b + ".attn.freqs_cis").toFloatArray();
      float[] ours = AxialRope.compute(v.headDim(), side, side, v.ropeTheta(),
          RopeAttention.scalePos(v, side)).interleaved();
      assertEquals(file.length, ours.length);
      double max = 0;
      for (int i = 0; i < file.length; i++) {
        max = Math.max(max, Math.abs(file[i] - ours[i]));
      }
      System.out.printf("block %d freqs_cis max |ours - file| %.3g%n", b, max);
      assertTrue(max <= 1e-6, "block " + b + " RoPE table differs by " + max);
    }
  }

  @Test
  void dogFromResizedPngMatchesTheSmallestLevelAndItsPositionEncoding() {
    Map<String, FloatTensor> out = encode("dog", false);
    float[] ref = Sam3Fixtures.npy(Sam3Fixtures.file("dog", "backbone_fpn_2.npy")).toFloatArray();
    double rel = Fixtures.relL2(out.get(Sam3ImageEncoder.FPN + 2).data(), ref);
    System.out.printf("dog backbone_fpn[2] rel L2 %.3g%n", rel);
    assertTrue(rel <= 1e-5, "backbone_fpn[2] rel L2 " + rel);
    float[] pos = Sam3DualViTDetNeck.positionEncodings(spec.neck(), spec.vit().gridSize()).get(2);
    float[] refPos = Sam3Fixtures.npy(Sam3Fixtures.file("dog", "vision_pos_enc_2.npy"))
        .toFloatArray();
    double relPos = Fixtures.relL2(pos, refPos);
    System.out.printf("dog vision_pos_enc[2] rel L2 %.3g%n", relPos);
    assertTrue(relPos <= 1e-6, "vision_pos_enc[2] rel L2 " + relPos);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dog", "picture1"})
  void levelStatisticsMatchTheManifestFromResizedPng(String image) {
    assertStatistics(image, encode(image, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dog", "picture1"})
  void levelStatisticsMatchTheManifestFromDecodedPng(String image) {
    assertStatistics(image, encode(image, true));
  }

  private static Map<String, FloatTensor> encode(String image, boolean decoded) {
    String file = image + (decoded ? ".decoded.png" : ".resized.png");
    float[] x = Sam3Preprocessor.preprocess(Images.read(Sam3Fixtures.file(image, file)),
        spec.imageSize());
    int s = spec.imageSize();
    return encoder.run(Map.of(Sam3ImageEncoder.IMAGE, new FloatTensor(x, new long[] {1, 3, s, s})));
  }

  private static void assertStatistics(String image, Map<String, FloatTensor> out) {
    JsonNode m = Sam3Fixtures.image(image);
    Fixtures.assertStats(image + " trunk_output", out.get(Sam3ImageEncoder.TRUNK_OUTPUT).data(),
        m.get("trunk_output").get(0), 1e-4, 1);
    for (int i = 0; i < spec.neck().levels(); i++) {
      Fixtures.assertStats(image + " backbone_fpn[" + i + "]",
          out.get(Sam3ImageEncoder.FPN + i).data(), m.get("backbone_fpn").get(i), 1e-4, 1);
      int side = Sam3DualViTDetNeck.levelSide(spec.neck(), spec.vit().gridSize(), i);
      Fixtures.assertStats(image + " vision_pos_enc[" + i + "]",
          Sam3DualViTDetNeck.positionEncodings(spec.neck(), spec.vit().gridSize()).get(i),
          m.get("vision_pos_enc").get(i), 1e-6, 1);
      assertEquals(side * side * spec.neck().dModel(), out.get(Sam3ImageEncoder.FPN + i).data().length);
    }
  }
}
