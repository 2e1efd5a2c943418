package io.sam4j.modeling.sam2.config;

/**
 * {@code PositionEmbeddingSine}: half the channels encode y, half x, with sines and cosines of
 * {@code pos / temperature^(2 floor(i/2) / (numPosFeats/2))}.
 *
 * @param numPosFeats output channels (even)
 * @param temperature the frequency base (10000)
 * @param normalize positions are scaled to (0, scale] by the grid side
 * @param scale the normalized range (2 pi when the config says null)
 */
public record PositionEmbeddingSineSpec(int numPosFeats, double temperature, boolean normalize,
    double scale) {}
