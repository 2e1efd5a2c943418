/**
 * Mask encodings: run lengths as segment-anything and pycocotools write them ({@link
 * io.sam4j.mask.Rle}, {@link io.sam4j.mask.CocoRle}) and outlines as polygons with holes ({@link
 * io.sam4j.mask.MaskPolygons}, simplified by {@link io.sam4j.mask.DouglasPeucker}, written by
 * {@link io.sam4j.mask.PolygonJson} and {@link io.sam4j.mask.GeoJson}).
 *
 * <p>Run lengths walk a mask column by column (COCO's Fortran order); polygons use pixel-corner
 * coordinates with y down.
 */
package io.sam4j.mask;
