package io.sam4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** The JSON form of predicted masks: COCO RLE, and on request a PNG and the low-res logits. */
final class MaskJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MaskJson() {}

  /**
   * {@code {"masks": [{"iou", "rle": {"size", "counts"}, "area", "bbox", ["png"], ["logits"]}],
   * "best"}} in the library's order; without {@code withRle} (the binary form) {@code rle},
   * {@code area} and {@code bbox} are left to {@link MaskBits}.
   */
  static ObjectNode prediction(Prediction p, boolean png, boolean logits, boolean withRle) {
    ObjectNode out = NODES.objectNode();
    ArrayNode masks = out.putArray("masks");
    for (int i = 0; i < p.size(); i++) {
      Mask m = p.masks().get(i);
      ObjectNode o = masks.addObject();
      o.put("iou", p.iouPredictions()[i]);
      if (withRle) {
        Rle rle = Rle.encode(m);
        o.set("rle", CocoRle.toJson(rle, true));
        o.put("area", rle.area());
        ArrayNode bbox = o.putArray("bbox");
        for (int v : rle.bbox()) {
          bbox.add(v);
        }
      }
      if (png) {
        o.put("png", Base64.getEncoder().encodeToString(maskPng(m)));
      }
      if (logits) {
        o.put("logits", PromptJson.encodeLogits(p.lowResLogits(i)));
      }
    }
    out.put("best", p.bestIndex());
    return out;
  }

  /** A mask as an 8-bit grayscale PNG: 255 inside, 0 outside. */
  static byte[] maskPng(Mask m) {
    BufferedImage b = new BufferedImage(m.width(), m.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
    byte[] bits = m.toByteArray();
    for (int i = 0; i < bits.length; i++) {
      data[i] = bits[i] != 0 ? (byte) 255 : 0;
    }
    return png(b);
  }

  static byte[] png(BufferedImage b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(b, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
