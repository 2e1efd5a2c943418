package io.sam4j.spark;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The rows a job writes: one per input image.
 *
 * <pre>
 * image_id   string        the input's id (default: the file name)
 * path       string        the image's path (null for a bytes input)
 * height     int           image size in pixels (null when the row failed)
 * width      int
 * masks      array&lt;mask&gt;   everything: the AMG records in the reference's order;
 *                          prompts: every mask of every case, case by case; embed: empty;
 *                          concept: every kept instance of every concept case, case by case
 * embedding  binary        embed: float32 little-endian [1, C, h, w]; otherwise null
 * embedding_shape array&lt;long&gt;, input_size array&lt;int&gt; (H, W of the resized image): embed only
 * error      string        why this row failed (unreadable or too large image, bad prompts), or null
 * </pre>
 *
 * A mask: {@code case_name} (prompts), {@code mask_index} (its index in the case's prediction, or
 * the record's index), {@code best} (the case's highest predicted IoU), {@code counts} (COCO RLE,
 * compressed string, column-major, over height x width), {@code area}, {@code bbox} (XYWH: the
 * AMG record's box in everything mode, pycocotools' {@code toBbox} in prompts mode),
 * {@code predicted_iou} (null in concept mode), {@code stability_score}, {@code point_coords}
 * (X, Y of the grid point; everything), {@code crop_box} (XYWH; everything), and in concept mode
 * {@code case_index} (the case's position among the image's cases), {@code label} (the phrase
 * the text encoder got), {@code score} (sigmoid(logit) x
 * sigmoid(presence)), {@code query} (the decoder query) and {@code box_xyxy} (the predicted box in
 * pixels, not clipped); {@code bbox} is then the mask's box, {@code mask_index} the instance's
 * number in the image.
 */
public final class ResultSchema {
  /** The mask struct. */
  public static final StructType MASK = createStructType(List.of(
      createStructField("case_name", StringType, true),
      createStructField("mask_index", IntegerType, false),
      createStructField("best", BooleanType, false),
      createStructField("counts", StringType, false),
      createStructField("area", LongType, false),
      createStructField("bbox", createArrayType(IntegerType, false), false),
      createStructField("predicted_iou", FloatType, true),
      createStructField("stability_score", FloatType, true),
      createStructField("point_coords", createArrayType(DoubleType, false), true),
      createStructField("crop_box", createArrayType(IntegerType, false), true),
      createStructField("case_index", IntegerType, true),
      createStructField("label", StringType, true),
      createStructField("score", FloatType, true),
      createStructField("query", IntegerType, true),
      createStructField("box_xyxy", createArrayType(FloatType, false), true)));

  /** The row of one image. */
  public static final StructType ROW = createStructType(List.of(
      createStructField("image_id", StringType, true),
      createStructField("path", StringType, true),
      createStructField("height", IntegerType, true),
      createStructField("width", IntegerType, true),
      createStructField("masks", createArrayType(MASK, false), true),
      createStructField("embedding", BinaryType, true),
      createStructField("embedding_shape", createArrayType(LongType, false), true),
      createStructField("input_size", createArrayType(IntegerType, false), true),
      createStructField("error", StringType, true)));

  private ResultSchema() {}
}
