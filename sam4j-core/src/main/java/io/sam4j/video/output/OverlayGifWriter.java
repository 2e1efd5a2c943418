package io.sam4j.video.output;

import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.render.MaskOverlay;
import io.sam4j.result.Mask;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Streams an animated GIF of the tracked masks over the frames ({@link MaskOverlay}'s tints, one
 * colour per object), written frame by frame with ImageIO's GIF writer so that only one frame is
 * held. Frames are scaled down so that the longer side is at most {@code maxSide} pixels, and the
 * animation loops. The caller owns the file.
 */
final class OverlayGifWriter implements AutoCloseable {
  private final ImageOutputStream stream;
  private final ImageWriter writer;
  private final int delayCentis;
  private final int maxSide;
  private boolean first = true;

  OverlayGifWriter(Path file, double fps, int maxSide) throws IOException {
    this.writer = ImageIO.getImageWritersByFormatName("gif").next();
    this.stream = ImageIO.createImageOutputStream(file.toFile());
    this.delayCentis = (int) Math.max(2, Math.round(100 / fps));
    this.maxSide = maxSide;
    writer.setOutput(stream);
    writer.prepareWriteSequence(null);
  }

  /** Adds one frame with the given masks (in a fixed object order, null where absent). */
  void frame(RgbImage image, List<Mask> masks) throws IOException {
    List<Mask> present = masks.stream()
        .map(m -> m == null ? Mask.fromBytes(new byte[image.width() * image.height()], image.width(),
            image.height()) : m)
        .toList();
    BufferedImage full = Images.toBufferedImage(MaskOverlay.render(image, present, List.of(), List.of()));
    BufferedImage img = scale(full);
    ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(img);
    IIOMetadata meta = writer.getDefaultImageMetadata(type, writer.getDefaultWriteParam());
    String format = meta.getNativeMetadataFormatName();
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
    IIOMetadataNode gce = child(root, "GraphicControlExtension");
    gce.setAttribute("disposalMethod", "none");
    gce.setAttribute("userInputFlag", "FALSE");
    gce.setAttribute("transparentColorFlag", "FALSE");
    gce.setAttribute("delayTime", Integer.toString(delayCentis));
    gce.setAttribute("transparentColorIndex", "0");
    if (first) {
      IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
      app.setAttribute("applicationID", "NETSCAPE");
      app.setAttribute("authenticationCode", "2.0");
      app.setUserObject(new byte[] {1, 0, 0}); // loop forever
      child(root, "ApplicationExtensions").appendChild(app);
      first = false;
    }
    meta.setFromTree(format, root);
    writer.writeToSequence(new IIOImage(img, null, meta), writer.getDefaultWriteParam());
  }

  private BufferedImage scale(BufferedImage full) {
    int w = full.getWidth();
    int h = full.getHeight();
    int side = Math.max(w, h);
    if (side <= maxSide) {
      return full;
    }
    int sw = Math.max(1, (int) Math.round((double) w * maxSide / side));
    int sh = Math.max(1, (int) Math.round((double) h * maxSide / side));
    BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    var g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(full, 0, 0, sw, sh, null);
    g.dispose();
    return out;
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }

  /** Ends the animation and closes the file. */
  void finish() throws IOException {
    writer.endWriteSequence();
    close();
  }

  @Override
  public void close() throws IOException {
    writer.dispose();
    stream.close();
  }
}
