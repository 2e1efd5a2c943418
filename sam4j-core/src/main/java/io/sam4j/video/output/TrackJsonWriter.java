package io.sam4j.video.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Streams a tracking run to JSON, one frame at a time, so a long video needs no more memory than
 * a short one:
 *
 * <pre>{@code
 * {"video": {"source": "...", "width": 960, "height": 540, "frames": 8},
 *  "frames": [
 *    {"frame_idx": 0, "name": "00000", "objects": [
 *      {"obj_id": 1, "segmentation": {"size": [540, 960], "counts": "<COCO compressed RLE>"},
 *       "area": 5123, "bbox": [x, y, w, h], "object_score_logits": 9.81}]},
 *    ...]}
 * }</pre>
 *
 * Frames appear in the order they were tracked (descending for a reverse run); the RLE is
 * pycocotools' column-major compressed string, {@code bbox} its XYWH {@code toBbox}. An object
 * without an output on a frame is left out of that frame. The caller owns the file.
 */
final class TrackJsonWriter implements AutoCloseable {
  private final JsonGenerator json;

  TrackJsonWriter(Path file, String source, int width, int height, int frames) throws IOException {
    json = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8);
    json.writeStartObject();
    json.writeObjectFieldStart("video");
    json.writeStringField("source", source);
    json.writeNumberField("width", width);
    json.writeNumberField("height", height);
    json.writeNumberField("frames", frames);
    json.writeEndObject();
    json.writeArrayFieldStart("frames");
  }

  void frame(FrameResult frame, String name) {
    try {
      json.writeRaw('\n');
      json.writeStartObject();
      json.writeNumberField("frame_idx", frame.frameIdx());
      json.writeStringField("name", name);
      json.writeArrayFieldStart("objects");
      for (ObjectResult o : frame.objects()) {
        if (o.mask() == null || !o.hasOutput()) {
          continue;
        }
        Rle rle = Rle.encode(o.mask());
        json.writeStartObject();
        json.writeNumberField("obj_id", o.objId());
        json.writeObjectFieldStart("segmentation");
        json.writeArrayFieldStart("size");
        json.writeNumber(rle.height());
        json.writeNumber(rle.width());
        json.writeEndArray();
        json.writeStringField("counts", CocoRle.encode(rle));
        json.writeEndObject();
        json.writeNumberField("area", rle.area());
        json.writeArrayFieldStart("bbox");
        for (int v : rle.bbox()) {
          json.writeNumber(v);
        }
        json.writeEndArray();
        json.writeNumberField("object_score_logits", o.objectScoreLogits());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the arrays and the file. */
  void finish() throws IOException {
    json.writeRaw('\n');
    json.writeEndArray();
    json.writeEndObject();
    json.close();
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
