package io.sam4j.modeling.edgesam;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link RepVitSpec} from an EdgeSAM checkpoint: every width from the tensor shapes, the
 * stride of each block from its token mixer's keys ({@code token_mixer.0.conv} is a stride-1
 * {@code RepVGGDW}; a bare {@code token_mixer.0.c} a stride-2 depthwise convolution), SE from the
 * presence of {@code token_mixer.1.fc1}. A spec file may give {@code image_encoder.upsample_mode}
 * ({@code bicubic}, the default, or {@code bilinear}) and {@code img_size}.
 */
public final class RepVitDetector {
  private static final String P = "image_encoder.";

  private RepVitDetector() {}

  /** Whether the state dict holds EdgeSAM's RepViT encoder. */
  public static boolean matches(StateDict sd) {
    return sd.has(P + "features.0.0.c.weight");
  }

  /**
   * The encoder spec.
   *
   * @param enc the spec file's {@code image_encoder} object (a missing node for none)
   * @param givenName the spec file's name, or null
   */
  public static RepVitSpec detect(StateDict sd, JsonNode enc, String givenName) {
    int stem = need(sd, P + "features.0.2.c.weight").dim(0);
    int count = sd.countIndexed(P + "features.") - 1;
    check(count >= 1, "the RepViT encoder has no blocks after its stem (features.1...)");
    boolean fuse = sd.has(P + "fuse_stage2.weight");
    List<RepVitSpec.Block> blocks = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String t = P + "features." + i + ".token_mixer.";
      int channels = need(sd, P + "features." + i + ".channel_mixer.m.2.c.weight").dim(0);
      boolean se = sd.has(t + "1.fc1.weight");
      if (sd.has(t + "0.conv.c.weight")) {
        blocks.add(new RepVitSpec.Block(channels, sd.get(t + "0.conv.c.weight").dim(2), 1, se));
      } else {
        Tensor dw = need(sd, t + "0.c.weight");
        need(sd, t + "2.c.weight");
        // RepViT(fuse=False) keeps the last stages of 384 or 512 channels at stride 16
        boolean skip = !fuse && (channels == 384 || channels == 512);
        blocks.add(new RepVitSpec.Block(channels, dw.dim(2), skip ? 1 : 2, se));
      }
    }
    int out = need(sd, P + "neck.0.weight").dim(0);
    int fuseChans = fuse ? sd.get(P + "fuse_stage2.weight").dim(0) : 0;
    if (fuse) {
      need(sd, P + "fuse_stage3.op_list.0.weight");
    }
    String mode = enc.path("upsample_mode").asText("bicubic");
    check(mode.equals("bicubic") || mode.equals("bilinear"), "the spec's"
        + " image_encoder.upsample_mode must be \"bicubic\" or \"bilinear\", not \"" + mode + "\"");
    int imgSize = enc.path("img_size").asInt(1024);
    RepVitSpec official = RepVitSpec.edgeSam();
    boolean isOfficial = blocks.equals(official.blocks()) && stem == official.stemChannels()
        && fuse && out == 256 && fuseChans == 256;
    String name = givenName != null ? givenName : isOfficial ? "edge_sam" : "repvit";
    RepVitSpec spec = new RepVitSpec(name, imgSize, stem, blocks, fuse, mode, fuseChans, out);
    check(!fuse || spec.stageEnds().size() >= 4, "the RepViT encoder has "
        + spec.stageEnds().size() + " stages; fusing stages 2 and 3 needs at least 4");
    return spec;
  }

  private static Tensor need(StateDict sd, String key) {
    if (!sd.has(key)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the checkpoint looks like"
          + " EdgeSAM (RepViT encoder) but has no '" + key + "': it is incomplete or another"
          + " variant");
    }
    return sd.get(key);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, what);
    }
  }
}
