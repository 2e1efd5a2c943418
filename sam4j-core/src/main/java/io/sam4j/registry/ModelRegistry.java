package io.sam4j.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Short names for downloadable checkpoints, like the reference's {@code sam_model_registry} maps
 * names to builders.
 *
 * <p>{@link #official()} knows the published checkpoints of SAM, MobileSAM, EdgeSAM, SAM 2 and
 * 2.1, EfficientTAM, EdgeTAM and SAM 3. They are data, in {@code official-models.json} beside this
 * class: per file its name, URL, byte size, SHA-256 and where that hash was read. Hashes are those
 * of the publishers' Git LFS pointers where one is readable (an LFS pointer records the SHA-256
 * and byte size of the file it stands for), else of third-party download tables that verify the
 * publishers' files (micro-sam's for SAM 2 and 2.1, cuvis-ai's mirror of EfficientTAM's Hugging
 * Face repository); where none is published (EfficientTAM's {@code _1}/{@code _2} variants,
 * EdgeTAM's plain git file) the entry has none and a download is accepted with a warning. No hash
 * is invented. SAM 3 is gated by its publisher: sam4j names it but never downloads it.
 * The hex suffix in SAM's file names ({@code 01ec64}) is not a prefix of the SHA-256.
 *
 * <p>A registry is immutable; {@link #withBaseUrl(URI)} gives a copy that downloads from a
 * mirror.
 *
 * <pre>{@code
 * ModelEntry e = ModelRegistry.official().get("mobile_sam");
 * }</pre>
 */
public final class ModelRegistry {
  private static final ModelRegistry OFFICIAL = readOfficial();

  private final Map<String, ModelEntry> byName;

  private ModelRegistry(List<ModelEntry> entries) {
    Map<String, ModelEntry> m = new LinkedHashMap<>();
    for (ModelEntry e : entries) {
      if (m.put(e.name(), e) != null) {
        throw new IllegalArgumentException("model name " + e.name() + " appears twice");
      }
    }
    this.byName = java.util.Collections.unmodifiableMap(m);
  }

  private static ModelRegistry readOfficial() {
    JsonNode root;
    try (InputStream in = ModelRegistry.class.getResourceAsStream("official-models.json")) {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the official model list", e);
    }
    List<ModelEntry> entries = new ArrayList<>();
    for (JsonNode m : root.get("models")) {
      entries.add(new ModelEntry(m.get("name").asText(), m.get("file").asText(),
          URI.create(m.get("url").asText()), text(m, "sha256"),
          m.path("size").isNumber() ? m.get("size").asLong() : ModelEntry.UNKNOWN_SIZE,
          text(m, "hash_source"), m.get("description").asText(), text(m, "access")));
    }
    return new ModelRegistry(entries);
  }

  private static String text(JsonNode m, String field) {
    JsonNode v = m.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The published checkpoints, in the order {@code sam4j models list} shows. */
  public static ModelRegistry official() {
    return OFFICIAL;
  }

  /**
   * A registry of the given entries (for tests, mirrors and private models).
   *
   * @throws IllegalArgumentException if two entries share a name
   */
  public static ModelRegistry of(List<ModelEntry> entries) {
    return new ModelRegistry(List.copyOf(entries));
  }

  /** Every entry, in registration order. */
  public List<ModelEntry> entries() {
    return List.copyOf(byName.values());
  }

  /** Every name, in registration order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The entry called {@code name}, if there is one. */
  public Optional<ModelEntry> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The entry called {@code name}.
   *
   * @throws SamException of kind {@link SamException.Kind#BAD_INPUT} naming the known names
   */
  public ModelEntry get(String name) {
    ModelEntry e = byName.get(name);
    if (e == null) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "unknown model name '" + name + "'; known names: " + String.join(", ", names()));
    }
    return e;
  }

  /**
   * The same entries, each downloaded from {@code base} + its file name (a mirror, or a local
   * server in tests). Names, hashes and sizes are unchanged, so a mirror must serve the very same
   * files.
   */
  public ModelRegistry withBaseUrl(URI base) {
    List<ModelEntry> moved = new ArrayList<>();
    for (ModelEntry e : byName.values()) {
      moved.add(e.withBaseUrl(base));
    }
    return new ModelRegistry(moved);
  }
}
