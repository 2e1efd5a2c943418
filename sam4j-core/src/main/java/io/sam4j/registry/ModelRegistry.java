package io.sam4j.registry;

import io.sam4j.SamException;
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
 * <p>{@link #official()} knows the published checkpoints:
 *
 * <table>
 *   <caption>Official checkpoints</caption>
 *   <tr><th>name</th><th>file</th><th>bytes</th><th>sha256 taken from</th></tr>
 *   <tr><td>{@code sam_vit_b}</td><td>{@code sam_vit_b_01ec64.pth}</td><td>375042383</td>
 *       <td>https://huggingface.co/andzhang01/segment_anything/commit/c862f42541f40f5a5830d8d2551199e7d9358297</td></tr>
 *   <tr><td>{@code sam_vit_l}</td><td>{@code sam_vit_l_0b3195.pth}</td><td>1249524607</td>
 *       <td>https://huggingface.co/andzhang01/segment_anything/commit/99466851cb3f441191094596ec2396dd38cee644</td></tr>
 *   <tr><td>{@code sam_vit_h}</td><td>{@code sam_vit_h_4b8939.pth}</td><td>2564550879</td>
 *       <td>https://huggingface.co/andzhang01/segment_anything/commit/d579a94be8a2b17e806578b86bb02bcd82ab66a6</td></tr>
 *   <tr><td>{@code mobile_sam}</td><td>{@code mobile_sam.pt}</td><td>40728226</td>
 *       <td>https://huggingface.co/iulia-elisa/XAMI-model/commit/a82e1f78411fa0ee9ee18befa1c9af36dc828493</td></tr>
 * </table>
 *
 * <p>The hashes and sizes are those of the Git LFS pointers in the cited Hugging Face commits
 * (an LFS pointer records the SHA-256 and byte size of the file it stands for); the four hashes
 * agree with the table in micro-sam's {@code micro_sam/util.py},
 * https://github.com/computational-cell-analytics/micro-sam/blob/00006fc6a86d4f6888f7ef333cf070987ffabb51/micro_sam/util.py.
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
  private static final String SAM_BASE = "https://dl.fbaipublicfiles.com/segment_anything/";

  private static final ModelRegistry OFFICIAL = new ModelRegistry(List.of(
      new ModelEntry("sam_vit_b", "sam_vit_b_01ec64.pth", URI.create(SAM_BASE + "sam_vit_b_01ec64.pth"),
          // Git LFS pointer of sam_vit_b_01ec64.pth:
          // https://huggingface.co/andzhang01/segment_anything/commit/c862f42541f40f5a5830d8d2551199e7d9358297
          "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", 375_042_383L,
          "https://huggingface.co/andzhang01/segment_anything/commit/c862f42541f40f5a5830d8d2551199e7d9358297",
          "SAM ViT-B, the smallest original SAM (91M parameters)"),
      new ModelEntry("sam_vit_l", "sam_vit_l_0b3195.pth", URI.create(SAM_BASE + "sam_vit_l_0b3195.pth"),
          // Git LFS pointer of sam_vit_l_0b3195.pth:
          // https://huggingface.co/andzhang01/segment_anything/commit/99466851cb3f441191094596ec2396dd38cee644
          "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622", 1_249_524_607L,
          "https://huggingface.co/andzhang01/segment_anything/commit/99466851cb3f441191094596ec2396dd38cee644",
          "SAM ViT-L (308M parameters)"),
      new ModelEntry("sam_vit_h", "sam_vit_h_4b8939.pth", URI.create(SAM_BASE + "sam_vit_h_4b8939.pth"),
          // Git LFS pointer of sam_vit_h_4b8939.pth:
          // https://huggingface.co/andzhang01/segment_anything/commit/d579a94be8a2b17e806578b86bb02bcd82ab66a6
          "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e", 2_564_550_879L,
          "https://huggingface.co/andzhang01/segment_anything/commit/d579a94be8a2b17e806578b86bb02bcd82ab66a6",
          "SAM ViT-H, the reference's default (636M parameters)"),
      // weights/mobile_sam.pt has not changed on MobileSAM's master since commit a509aac (2023-06-29).
      new ModelEntry("mobile_sam", "mobile_sam.pt",
          URI.create("https://github.com/ChaoningZhang/MobileSAM/raw/master/weights/mobile_sam.pt"),
          // Git LFS pointer of mobile_sam.pt:
          // https://huggingface.co/iulia-elisa/XAMI-model/commit/a82e1f78411fa0ee9ee18befa1c9af36dc828493
          // (same SHA-256 in https://huggingface.co/spaces/dhkim2810/MobileSAM/blob/032c1758553e0ebd7439ec0a30b5ecebc63c5009/mobile_sam.pt)
          "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f", 40_728_226L,
          "https://huggingface.co/iulia-elisa/XAMI-model/commit/a82e1f78411fa0ee9ee18befa1c9af36dc828493",
          "MobileSAM: SAM's decoder with a TinyViT encoder (10M parameters)")));

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

  /** The published SAM and MobileSAM checkpoints, in the order {@code sam4j models list} shows. */
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
