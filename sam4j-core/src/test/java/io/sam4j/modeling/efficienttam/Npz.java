package io.sam4j.modeling.efficienttam;

import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** NumPy's {@code .npz} (a zip of {@code .npy} members) for the fixtures: member name to tensor. */
public final class Npz {
  private Npz() {}

  public static Map<String, Tensor> read(Path file) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String name = e.getName().endsWith(".npy")
            ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
        out.put(name, Npy.parse(zip.readAllBytes(), file + ":" + e.getName()));
      }
    }
    return out;
  }
}
