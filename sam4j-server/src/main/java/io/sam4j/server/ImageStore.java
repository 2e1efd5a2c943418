package io.sam4j.server;

import io.sam4j.ImageEmbedding;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The uploaded images, keyed by the SHA-256 of their bytes, and their embeddings per model, both in
 * LRU caches bounded by count and bytes: the same picture is decoded and encoded once.
 */
final class ImageStore {
  /** What an image id looks like: 64 lowercase hex digits. */
  static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

  private final LruCache<String, RgbImage> images;
  private final LruCache<String, ImageEmbedding> embeddings;
  private final long maxPixels;

  ImageStore(ServerConfig config) {
    this.maxPixels = config.maxPixels();
    // images: a few more than embeddings (an image can be encoded by several models)
    this.images = new LruCache<>(Math.max(16, 4 * config.cacheEmbeddings()), config.cacheBytes(),
        img -> 3L * img.width() * img.height());
    this.embeddings = new LruCache<>(config.cacheEmbeddings(), config.cacheBytes(),
        e -> 4L * e.data().length);
  }

  /** Decodes (once per content) and stores an uploaded image; returns its id. */
  String put(byte[] bytes) {
    String id = sha256(bytes);
    images.get(id, k -> Images.decode(bytes, "the uploaded image", maxPixels));
    return id;
  }

  /** The image with this id. */
  RgbImage image(String id) {
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest("'" + id + "' is not an image id (64 hex digits from"
          + " POST /v1/images)");
    }
    RgbImage img = images.getIfPresent(id);
    if (img == null) {
      throw ApiException.notFound("no image with id " + id + " (never uploaded, or evicted from"
          + " the cache: upload it again)");
    }
    return img;
  }

  /** The embedding of image {@code id} by {@code model}, encoded once. */
  ImageEmbedding embedding(ServedModel model, String id) {
    RgbImage img = image(id);
    return embeddings.get(model.name() + "/" + id, k -> {
      try (SamPredictor p = model.model().newPredictor()) {
        p.setImage(img);
        return p.embedding();
      }
    });
  }

  /** The embedding of image {@code id} by {@code model} when it is cached, else null. */
  ImageEmbedding cachedEmbedding(ServedModel model, String id) {
    return embeddings.getIfPresent(model.name() + "/" + id);
  }

  /** {embeddings, their bytes, encodings ever done}. */
  long[] embeddingStats() {
    return embeddings.stats();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
