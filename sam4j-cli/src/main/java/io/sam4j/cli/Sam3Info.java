package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.modeling.sam3.Sam3Detector;
import io.sam4j.modeling.sam3.Sam3Spec;
import java.nio.file.Path;

/** {@code sam4j info} for a SAM 3 checkpoint: family, dimensions and parameters per part. */
final class Sam3Info {
  private Sam3Info() {}

  static void describe(ObjectNode o, StateDict sd, Path specFile) {
    Sam3Spec s = Sam3Detector.detect(sd, specFile);
    StateDict det = Sam3Detector.detectorWeights(sd);
    o.put("architecture", s.name());
    o.put("family", "SAM 3");
    o.put("spec_from", specFile == null ? "built-in official architecture" : specFile.toString());
    o.put("image_size", s.imageSize());
    ObjectNode vit = o.putObject("vit");
    vit.put("embed_dim", s.vit().embedDim());
    vit.put("depth", s.vit().depth());
    vit.put("num_heads", s.vit().numHeads());
    vit.put("patch_size", s.vit().patchSize());
    vit.put("window_size", s.vit().windowSize());
    ArrayNode globals = vit.putArray("global_att_blocks");
    s.vit().globalAttBlocks().forEach(globals::add);
    o.put("d_model", s.neck().dModel());
    ObjectNode text = o.putObject("text_encoder");
    text.put("width", s.text().width());
    text.put("layers", s.text().layers());
    text.put("heads", s.text().heads());
    text.put("context_length", s.text().contextLength());
    o.put("num_queries", s.decoder().numQueries());
    ObjectNode params = o.putObject("parameters");
    params.put("total", sd.parameterCount());
    params.put("detector", det.parameterCount());
    params.put("tracker", sd.stripPrefix("tracker.").parameterCount());
    for (String part : new String[] {"backbone.vision_backbone.trunk",
        "backbone.vision_backbone.convs", "backbone.language_backbone", "geometry_encoder", "transformer.encoder",
        "transformer.decoder", "dot_prod_scoring", "segmentation_head"}) {
      params.put(part, det.stripPrefix(part + ".").parameterCount());
    }
  }
}
