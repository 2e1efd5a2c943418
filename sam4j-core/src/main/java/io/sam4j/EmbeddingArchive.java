package io.sam4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .npz} form of an {@link ImageEmbedding} (layout in its class comment): a zip of
 * stored members, as {@code numpy.savez} writes, read back with a bound on every member.
 */
final class EmbeddingArchive {
  /** No member of an embedding archive is larger (ViT-H's embedding is 4 MB). */
  private static final long MAX_MEMBER = 1L << 30;

  private EmbeddingArchive() {}

  static void write(Path file, Map<String, byte[]> members) {
    AtomicFiles.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        byte[] b = m.getValue();
        ZipEntry e = new ZipEntry(m.getKey());
        e.setMethod(ZipEntry.STORED);
        e.setSize(b.length);
        e.setCompressedSize(b.length);
        CRC32 crc = new CRC32();
        crc.update(b);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(b);
        zip.closeEntry();
      }
      zip.finish();
    });
  }

  static ImageEmbedding read(Path file) {
    Map<String, byte[]> members = new HashMap<>();
    try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        members.put(e.getName(), readBounded(zip, file, e.getName()));
      }
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read embedding " + file + ": "
          + e.getMessage(), e);
    }
    byte[] meta = members.get(ImageEmbedding.metaName());
    byte[] emb = members.get("image_embeddings.npy");
    if (meta == null || emb == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, file + " is not a sam4j image embedding"
          + " archive: it lacks " + (meta == null ? ImageEmbedding.metaName()
          : "image_embeddings.npy") + " (write one with 'sam4j embed --out FILE.npz')");
    }
    JsonNode o;
    try {
      o = new ObjectMapper().readTree(meta);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "cannot read " + file + ":"
          + ImageEmbedding.metaName() + ": " + e.getMessage(), e);
    }
    List<Tensor> levels = new ArrayList<>();
    for (int i = 0; members.containsKey("high_res_feats_" + i + ".npy"); i++) {
      levels.add(Npy.parse(members.get("high_res_feats_" + i + ".npy"),
          file + ":high_res_feats_" + i + ".npy"));
    }
    return ImageEmbedding.fromArchive(file, o, Npy.parse(emb, file + ":image_embeddings.npy"),
        levels);
  }

  private static byte[] readBounded(InputStream in, Path file, String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > MAX_MEMBER) {
        throw new SamException(SamException.Kind.BAD_INPUT, file + ": member " + name
            + " is larger than " + MAX_MEMBER + " bytes; not an image embedding");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
