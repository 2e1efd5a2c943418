package io.sam4j.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official names, URLs and hashes, lookups, mirrors, and entry validation. */
class ModelRegistryTest {
  private static final ModelRegistry OFFICIAL = ModelRegistry.official();

  @Test
  void officialNamesInOrder() {
    assertEquals(List.of("sam_vit_b", "sam_vit_l", "sam_vit_h", "mobile_sam", "edge_sam",
        "edge_sam_3x", "sam2_hiera_tiny", "sam2_hiera_small", "sam2_hiera_base_plus",
        "sam2_hiera_large", "sam2.1_hiera_tiny", "sam2.1_hiera_small", "sam2.1_hiera_base_plus",
        "sam2.1_hiera_large", "efficienttam_ti", "efficienttam_s", "efficienttam_ti_512x512",
        "efficienttam_s_512x512", "efficienttam_ti_1", "efficienttam_ti_2", "efficienttam_s_1",
        "efficienttam_s_2", "edgetam", "sam3"), OFFICIAL.names());
  }

  @Test
  void newerFamiliesCarryTheirPublishedHashesOrNone() {
    ModelEntry t = OFFICIAL.get("sam2.1_hiera_tiny");
    assertEquals(URI.create(
        "https://dl.fbaipublicfiles.com/segment_anything_2/092824/sam2.1_hiera_tiny.pt"), t.url());
    assertEquals("7402e0d864fa82708a20fbd15bc84245c2f26dff0eb43a4b5b93452deb34be69", t.sha256());
    assertEquals(156008466L, t.sizeBytes());
    ModelEntry small = OFFICIAL.get("sam2_hiera_small");
    assertEquals("95949964d4e548409021d47b22712d5f1abf2564cc0c3c765ba599a24ac7dce3", small.sha256());
    assertEquals(38807540L, OFFICIAL.get("edge_sam").sizeBytes());
    assertEquals("acbb17b28cca1f860acee09c9ecb6efdb732080dc7a85a07292c31813175fa7d",
        OFFICIAL.get("efficienttam_ti").sha256());
    // nothing published: no hash, no size, never invented
    for (String n : List.of("edgetam", "efficienttam_ti_1", "efficienttam_s_2")) {
      assertFalse(OFFICIAL.get(n).hasSha256(), n);
      assertFalse(OFFICIAL.get(n).hasSize(), n);
      assertEquals(null, OFFICIAL.get(n).hashSource(), n);
    }
    for (ModelEntry e : OFFICIAL.entries()) {
      assertEquals(e.hasSha256(), e.hashSource() != null, e.name());
      assertEquals(e.name().equals("sam3"), e.gated(), e.name());
    }
    assertTrue(OFFICIAL.get("sam3").access().contains("https://huggingface.co/facebook/sam3"));
  }

  @Test
  void officialEntriesMatchThePublishedFiles() {
    check("sam_vit_b", "sam_vit_b_01ec64.pth",
        "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth",
        "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", 375042383L);
    check("sam_vit_l", "sam_vit_l_0b3195.pth",
        "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_l_0b3195.pth",
        "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622", 1249524607L);
    check("sam_vit_h", "sam_vit_h_4b8939.pth",
        "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_h_4b8939.pth",
        "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e", 2564550879L);
    check("mobile_sam", "mobile_sam.pt",
        "https://github.com/ChaoningZhang/MobileSAM/raw/master/weights/mobile_sam.pt",
        "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f", 40728226L);
  }

  private static void check(String name, String file, String url, String sha, long size) {
    ModelEntry e = OFFICIAL.get(name);
    assertEquals(file, e.fileName());
    assertEquals(URI.create(url), e.url());
    assertEquals(sha, e.sha256());
    assertEquals(size, e.sizeBytes());
    assertTrue(e.hashSource().startsWith("https://huggingface.co/"), e.hashSource());
    assertFalse(e.gated());
    assertFalse(e.description().isEmpty());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    SamException e = assertThrows(SamException.class, () -> OFFICIAL.get("sam_vit_x"));
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().startsWith("unknown model name 'sam_vit_x'; known names: sam_vit_b,"
        + " sam_vit_l, sam_vit_h, mobile_sam, edge_sam, "), e.getMessage());
    assertTrue(e.getMessage().endsWith(", edgetam, sam3"), e.getMessage());
    assertTrue(OFFICIAL.find("sam_vit_x").isEmpty());
  }

  @Test
  void mirrorKeepsHashesAndChangesOnlyTheUrl() {
    ModelRegistry mirror = OFFICIAL.withBaseUrl(URI.create("http://mirror.example/sam"));
    ModelEntry b = mirror.get("sam_vit_b");
    assertEquals(URI.create("http://mirror.example/sam/sam_vit_b_01ec64.pth"), b.url());
    assertEquals(OFFICIAL.get("sam_vit_b").sha256(), b.sha256());
    assertEquals(URI.create("http://mirror.example/sam/mobile_sam.pt"), mirror.get("mobile_sam").url());
    assertEquals(OFFICIAL.names(), mirror.names());
  }

  @Test
  void duplicateNamesAreRejected() {
    ModelEntry a = OFFICIAL.get("sam_vit_b");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelRegistry.of(List.of(a, a)));
    assertEquals("model name sam_vit_b appears twice", e.getMessage());
  }

  @Test
  void entryFieldsAreValidated() {
    URI url = URI.create("https://example.com/m.pth");
    assertEquals("ABCD".toLowerCase() + "0".repeat(60),
        new ModelEntry("m", "m.pth", url, "ABCD" + "0".repeat(60), 1, null, null).sha256());
    assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("m", "m.pth", url, "abc", 1, null, null), "short hash");
    assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("M m", "m.pth", url, null, 1, null, null), "bad name");
    assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("m", "../m.pth", url, null, 1, null, null), "path in file name");
    assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("m", "m.pth", URI.create("ftp://example.com/m"), null, 1, null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("m", "m.pth", url, null, -5, null, null), "negative size");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelEntry("m", "m.pth", url, "xyz", 1, null, null));
    assertEquals("sha256 of model m must be 64 hex digits: xyz", e.getMessage());
  }
}
