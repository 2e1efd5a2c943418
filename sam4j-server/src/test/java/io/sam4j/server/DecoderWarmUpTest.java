package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The warm-up decodes every prompt form it means to on both families (a SAM 2 model's blank
 * embedding carries high-resolution features, so nothing is skipped), within its time budget on
 * the fixture models.
 */
class DecoderWarmUpTest {
  @Test
  void warmsUpSamAndSam2Decoders() {
    assertEquals(DecoderWarmUp.ROUNDS, DecoderWarmUp.run(TestServers.mobileSam()));
    assertEquals(DecoderWarmUp.ROUNDS, DecoderWarmUp.run(TestServers.sam21()));
  }
}
