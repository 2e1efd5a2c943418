package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.VideoTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The video page end to end in a real headless Chromium with the SAM 2.1 fixture model: upload the
 * clip's frames as a zip, click an object, propagate over the clip, scrub, correct a frame, play,
 * export JSON and PNGs; the masks
 * compared with the library's {@link VideoTracker}. Screenshots go to target/browser/. Without
 * Chromium the test skips, except in CI (CI=true), where it fails.
 */
class VideoBrowserTest {
  private static final Path SHOTS = Path.of("target", "browser");

  @Test
  void thePageTracksAnObjectThroughTheClip() throws Exception {
    Path chrome = Chromium.binaryOrSkip();
    Files.createDirectories(SHOTS);
    Path zip = Path.of("target", "bedroom-frames.zip").toAbsolutePath();
    Files.write(zip, TestServers.clipZip());
    try (SamServer server = TestServers.startVideo(ServerConfig.defaults());
         Chromium b = new Chromium(chrome, Path.of("target"));
         FolderFrameSource frames = FolderFrameSource.open(TestServers.clip());
         VideoTracker lib = TestServers.sam21().newTracker(frames)) {
      b.denyDownloads();
      b.send("Page.navigate", Chromium.params().put("url", server.uri() + "video.html"));
      b.waitFor("document.readyState === 'complete' && window.sam4jVideo"
          + " && document.getElementById('model').options.length > 0", 20_000);

      b.setInputFiles("#video-file", zip);
      b.waitFor("sam4jVideo.session && sam4jVideo.frames === 8 && sam4jVideo.bitmaps[0]", 60_000);
      b.screenshot(SHOTS.resolve("video-01-opened.png"));

      // click the object on frame 0: the library's mask for that click
      double[] at = b.client("sam4jVideo", 210, 350);
      b.mouse("mousePressed", at[0], at[1], "left", 1, 0);
      b.mouse("mouseReleased", at[0], at[1], "left", 0, 0);
      b.waitFor("sam4jVideo.masks[0] && sam4jVideo.masks[0][1]", 60_000);
      b.screenshot(SHOTS.resolve("video-02-click.png"));
      JsonNode pt = b.eval("sam4jVideo.prompts['1@0'][0]");
      assertEquals(210, pt.get("x").asDouble(), 1.0);
      assertEquals(350, pt.get("y").asDouble(), 1.0);
      FrameResult first = lib.addPoints(0, 1, List.of(new Point(pt.get("x").asDouble(),
          pt.get("y").asDouble(), Label.FOREGROUND)));
      assertEquals(Rle.encode(first.object(1).mask()), pageRle(b, 0));
      assertTrue(first.object(1).mask().area() > 0, "an empty mask proves little");

      // propagate over the clip: the progress bar fills, every frame gets a mask
      b.eval("document.getElementById('propagate').click()");
      b.waitFor("sam4jVideo.progress && sam4jVideo.progress.done >= 1", 120_000);
      b.screenshot(SHOTS.resolve("video-03-propagating.png"));
      b.waitFor("sam4jVideo.lastPropagation && !sam4jVideo.propagating", 300_000);
      assertEquals(8, b.eval("sam4jVideo.lastPropagation.frames").asInt());
      assertEquals(8, b.eval("+document.getElementById('progress').value").asInt());
      List<FrameResult> expected = new ArrayList<>();
      lib.propagate(null, false, null, expected::add);
      assertEquals(Rle.encode(expected.get(4).object(1).mask()), pageRle(b, 4));
      assertTrue(expected.get(4).object(1).mask().area() > 0, "an empty mask proves little");

      // scrub to frame 4: the overlay shows its mask
      b.eval("(() => { const t = document.getElementById('timeline'); t.value = '4';"
          + " t.dispatchEvent(new Event('input')); })()");
      b.waitFor("sam4jVideo.frame === 4 && sam4jVideo.bitmaps[4]", 20_000);
      b.screenshot(SHOTS.resolve("video-04-frame4.png"));
      long painted = b.eval("(() => { const c = document.getElementById('overlay');"
          + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
          + " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] === 140) n++; return n;"
          + " })()").asLong();
      assertEquals(expected.get(4).object(1).mask().area(), painted);

      // correct frame 4 with a background click (Shift): the library's corrected mask
      double[] neg = b.client("sam4jVideo", 130, 450);
      b.mouse("mousePressed", neg[0], neg[1], "left", 1, 8);
      b.mouse("mouseReleased", neg[0], neg[1], "left", 0, 8);
      b.waitFor("sam4jVideo.prompts['1@4'] && sam4jVideo.lastCorrection === 4", 60_000);
      JsonNode q = b.eval("sam4jVideo.prompts['1@4'][0]");
      assertEquals(0, q.get("label").asInt());
      FrameResult corrected = lib.addPoints(4, 1, List.of(new Point(q.get("x").asDouble(),
          q.get("y").asDouble(), Label.BACKGROUND)));
      assertEquals(Rle.encode(corrected.object(1).mask()), pageRle(b, 4));
      b.screenshot(SHOTS.resolve("video-05-corrected.png"));

      // play back: the frames advance with the overlay, then pause
      b.eval("document.getElementById('play').click()");
      b.waitFor("sam4jVideo.frame !== 4", 20_000);
      b.eval("document.getElementById('play').click()");
      assertEquals(false, b.eval("!!sam4jVideo.playing").asBoolean());

      // export JSON: every frame's mask
      b.eval("document.getElementById('export-json').click()");
      b.waitFor("sam4jVideo.lastExport && sam4jVideo.lastExport.frames", 20_000);
      JsonNode export = b.eval("sam4jVideo.lastExport");
      assertEquals(8, export.get("frames").size());
      assertEquals(Rle.encode(expected.get(7).object(1).mask()), CocoRle.fromJson(export
          .get("frames").get(7).get("objects").get(0).get("rle")));
      assertEquals(Rle.encode(corrected.object(1).mask()), CocoRle.fromJson(export
          .get("frames").get(4).get("objects").get(0).get("rle")));
      // and one PNG of object ids per frame
      b.eval("document.getElementById('export-png').click()");
      b.waitFor("sam4jVideo.lastExport && sam4jVideo.lastExport.png", 20_000);
      assertEquals(8, b.eval("sam4jVideo.lastExport.png.length").asInt());
      b.screenshot(SHOTS.resolve("video-06-exported.png"));
    }
  }


  /** The RLE the page holds for object 1 on a frame. */
  private static Rle pageRle(Chromium b, int frame) throws Exception {
    return CocoRle.fromJson(b.eval("sam4jVideo.masks[" + frame + "][1].rle"));
  }
}
