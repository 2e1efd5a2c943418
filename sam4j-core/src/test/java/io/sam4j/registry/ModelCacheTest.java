package io.sam4j.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the cache is and where files go in it. */
class ModelCacheTest {
  @TempDir Path home;

  @Test
  void homeComesFromSam4jHome() {
    assertEquals(Path.of("/data/sam4j"),
        ModelCache.homeFrom(Map.of("SAM4J_HOME", "/data/sam4j"), Path.of("/home/u")));
  }

  @Test
  void homeDefaultsToDotSam4j() {
    assertEquals(Path.of("/home/u/.sam4j"), ModelCache.homeFrom(Map.of(), Path.of("/home/u")));
    assertEquals(Path.of("/home/u/.sam4j"),
        ModelCache.homeFrom(Map.of("SAM4J_HOME", "  "), Path.of("/home/u")));
  }

  @Test
  void filesLiveUnderModels() throws IOException {
    ModelCache cache = new ModelCache(home);
    ModelEntry b = ModelRegistry.official().get("sam_vit_b");
    assertEquals(home.resolve("models"), cache.modelsDir());
    assertEquals(home.resolve("models/sam_vit_b_01ec64.pth"), cache.fileOf(b));
    assertEquals(home.resolve("models/sam_vit_b_01ec64.pth.part"), cache.partOf(b));
    assertFalse(cache.contains(b));
    assertEquals(0, cache.partialBytes(b));
    Files.createDirectories(cache.modelsDir());
    Files.write(cache.partOf(b), new byte[42]);
    assertEquals(42, cache.partialBytes(b));
    assertFalse(cache.contains(b));
    Files.write(cache.fileOf(b), new byte[1]);
    assertTrue(cache.contains(b));
  }
}
