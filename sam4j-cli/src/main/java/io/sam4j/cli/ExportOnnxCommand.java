package io.sam4j.cli;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j export-onnx}: the encoder and the prompt decoder as standalone ONNX files. */
@Command(
    name = "export-onnx",
    header = "Write the encoder and the prompt decoder as ONNX files.",
    mixinStandardHelpOptions = true,
    description = {
        "Write the model as two ONNX files (standard opset 17 operators) that other tools load:",
        "  DIR/encoder.onnx  image [1,3,1024,1024] -> image_embeddings [1,256,64,64]; the image is",
        "                    RGB resized so its longest side is 1024 (bilinear), normalized with",
        "                    mean (123.675, 116.28, 103.53) and std (58.395, 57.12, 57.375) on",
        "                    0..255, and zero-padded at the bottom and right",
        "  DIR/decoder.onnx  the reference export's interface: image_embeddings, point_coords,",
        "                    point_labels, mask_input, has_mask_input, orig_im_size -> masks,",
        "                    iou_predictions, low_res_masks (all four mask tokens)",
        "Weights over 1.8 GB go to a .weights file beside the .onnx file.",
        "Example:",
        "  sam4j export-onnx --model mobile_sam.pt --out onnx/"})
final class ExportOnnxCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
      description = "Checkpoint file or model name")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json", description = "Model spec JSON, if the checkpoint needs one")
  Path spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  Path out;

  @Override
  public Integer call() {
    Path file = ModelOptions.resolve(model, commandSpec.commandLine().getErr());
    StateDict sd = CheckpointReader.read(file);
    ModelSpec ms = SpecDetector.detect(sd, spec);
    SamGraphs.exportEncoder(sd, ms).writeTo(out, "encoder.onnx");
    SamGraphs.exportDecoder(sd, ms).writeTo(out, "decoder.onnx");
    commandSpec.commandLine().getErr().println("wrote " + out.resolve("encoder.onnx") + " and "
        + out.resolve("decoder.onnx") + " (" + ms.name() + ")");
    return 0;
  }
}
