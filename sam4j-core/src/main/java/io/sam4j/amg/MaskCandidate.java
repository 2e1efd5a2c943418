package io.sam4j.amg;

import io.sam4j.mask.Rle;

/**
 * A mask between decoding and the final records: column-major RLE over the whole image and the
 * values the filters and NMS need. Boxes are XYXY with inclusive max corner, in image pixels.
 */
record MaskCandidate(Rle rle, float[] box, float iou, float stability, double[] point,
    CropBoxes.Crop crop) {}
