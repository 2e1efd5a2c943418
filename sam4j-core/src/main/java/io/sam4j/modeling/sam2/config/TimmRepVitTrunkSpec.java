package io.sam4j.modeling.sam2.config;

import java.util.List;

/**
 * EdgeTAM's trunk, {@code sam2.modeling.backbones.timm.TimmBackbone}: a timm RepViT
 * ({@code features_only}, four stages). Its widths and depths are not in the config; they follow
 * from the checkpoint (the graph is built by the EdgeTAM encoder).
 *
 * @param timmName the timm model name ({@code repvit_m1.dist_in1k})
 * @param features the feature names taken ({@code layer0}..{@code layer3})
 */
public record TimmRepVitTrunkSpec(String timmName, List<String> features) implements Sam2TrunkSpec {

  public TimmRepVitTrunkSpec {
    features = List.copyOf(features);
  }

  @Override
  public String name() {
    return "repvit";
  }

  @Override
  public List<Integer> channelList() {
    return null;
  }
}
