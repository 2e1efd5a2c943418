package io.sam4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.Prediction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a served model's decoder and both predict answer forms (JSON with COCO RLE, bit-packed)
 * on blank embeddings right after the server starts, so that the first clicks of a user find the
 * runtime's sessions planned and the Java paths (upscaling, thresholding, packing, RLE) compiled:
 * a fresh server took 40-58 ms for each of its first ten decodes and 22-30 ms after about
 * twenty. Prompts vary in point count and box, images in size (one below the model's input
 * size, one at it), as users' do.
 */
final class DecoderWarmUp {
  /** Decodes at most. */
  static final int ROUNDS = 32;
  /** Wall time at most, whatever the model's speed. */
  static final long BUDGET_NANOS = 3_000_000_000L;

  private DecoderWarmUp() {}

  /**
   * Warms {@code model} up; returns the decodes done.
   *
   * @throws RuntimeException what the decoder threw (the caller logs it: the first request will
   *     meet the same problem and say why)
   */
  static int run(SamModel model) {
    int s = model.imageSize();
    int[][] sizes = {{534, 800}, {s, s}};
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int done = 0;
    try (SamPredictor p = model.newPredictor()) {
      while (done < ROUNDS && System.nanoTime() < deadline) {
        int[] size = sizes[(done / 8) % 2];
        if (done % 8 == 0) {
          p.setEmbedding(model.blankEmbedding(size[0], size[1]));
        }
        Prediction pred = p.predictBatch(List.of(prompt(done, size))).get(0);
        encodeAnswers(pred);
        done++;
      }
    }
    return done;
  }

  /**
   * 1 to 16 points (the first positive), with a box in the second half: every token count from 2
   * to 18, since the runtime plans each new input shape on its first run (6-15 ms more than later
   * runs, measured); multimask every other round.
   */
  private static Prompt prompt(int round, int[] size) {
    Prompt.Builder b = Prompt.builder().multimask(round % 2 == 0);
    if (round >= ROUNDS / 2) {
      b.box(size[1] * 0.2, size[0] * 0.2, size[1] * 0.7, size[0] * 0.8);
    }
    for (int i = 0; i <= round % 16; i++) {
      b.point(size[1] * (0.1 + 0.05 * i), size[0] * (0.3 + 0.03 * i),
          i == 0 ? Label.FOREGROUND : Label.BACKGROUND);
    }
    return b.build();
  }

  private static void encodeAnswers(Prediction pred) {
    ObjectNode header = MaskJson.prediction(pred, false, false, false);
    List<ObjectNode> meta = new ArrayList<>();
    header.get("masks").forEach(m -> meta.add((ObjectNode) m));
    MaskBits.answer(header, meta, pred.masks());
    try {
      Http.JSON.writeValueAsBytes(MaskJson.prediction(pred, false, false, true));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
