package io.sam4j.registry;

import io.sam4j.SamException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One download into an open, locked part file: hashes what the part file already holds, then
 * requests the rest (with {@code Range} when there is something to resume) until the file is
 * complete or the attempts are used up. Returns the SHA-256 of the whole part file.
 */
final class Transfer {
  private static final int MAX_REDIRECTS = 5;
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

  /** The network failed mid-way: worth another attempt. */
  private static final class Broken extends Exception {
    private static final long serialVersionUID = 1L;

    Broken(IOException cause) {
      super(cause);
    }
  }

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int attempts;
  private final ModelEntry entry;
  private final Path target;
  private final Path part;
  private final FileChannel ch;
  private final ProgressListener progress;
  private final MessageDigest md = Sha256.newDigest();
  /** Bytes in the part file, all of them fed to {@link #md}. */
  private long have;
  /** Whether a response body ended cleanly after being stored completely. */
  private boolean done;

  Transfer(Duration connectTimeout, Duration readTimeout, int attempts, ModelEntry entry,
      Path target, FileChannel ch, ProgressListener progress) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.attempts = attempts;
    this.entry = entry;
    this.target = target;
    this.part = ModelCache.partOf(target);
    this.ch = ch;
    this.progress = progress;
  }

  /** Completes the part file and returns its SHA-256 in hex. */
  String run() throws IOException {
    have = ch.size();
    if (entry.hasSize() && have > entry.sizeBytes()) {
      progress.note(part + " is larger than " + entry.name() + " should be; starting over");
      restart();
    }
    if (have > 0) {
      progress.note("resuming " + entry.name() + " after " + have + " bytes");
      Sha256.update(md, ch, have, "checking " + part.getFileName(), progress);
    }
    for (int attempt = 1; !complete(); attempt++) {
      try {
        request();
      } catch (Broken e) {
        IOException cause = (IOException) e.getCause();
        if (attempt >= attempts) {
          throw failure(describe(cause), cause);
        }
        progress.note("download of " + entry.name() + " broke off after " + have + " bytes ("
            + describe(cause) + "); resuming, attempt " + (attempt + 1) + " of " + attempts);
      }
    }
    if (entry.hasSize() && have != entry.sizeBytes()) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, entry.url() + " sent " + have
          + " bytes but " + entry.name() + " has " + entry.sizeBytes() + "; the download was "
          + "deleted and nothing was saved at " + target);
    }
    return Sha256.hex(md);
  }

  /** Whether all bytes are in: the known size is reached, or the last response ended cleanly. */
  private boolean complete() {
    return done || (entry.hasSize() && have == entry.sizeBytes());
  }

  /** One request; on return the response body has been stored completely. */
  private void request() throws Broken, IOException {
    HttpURLConnection c = open();
    try {
      int status = status(c);
      if (status == 416 && have > 0) {
        progress.note("the server cannot resume " + entry.name() + " at byte " + have
            + "; starting over");
        restart();
        c.disconnect();
        request();
        return;
      }
      if (status == 206) {
        checkRangeStart(c.getHeaderField("Content-Range"));
      } else if (status == 200) {
        if (have > 0) {
          progress.note("the server ignored the range request for " + entry.name()
              + "; starting over");
          restart();
        }
      } else {
        throw failure("the server answered HTTP " + status, null);
      }
      long length = c.getContentLengthLong();
      long total = entry.hasSize() ? entry.sizeBytes() : length < 0 ? -1 : have + length;
      InputStream in;
      try {
        in = c.getInputStream();
      } catch (IOException e) {
        throw new Broken(e);
      }
      try {
        copy(in, length, total);
      } finally {
        try {
          in.close();
        } catch (IOException ignored) {
          // the body was read as far as it goes; closing the connection cannot change that
        }
      }
    } finally {
      c.disconnect();
    }
    done = true;
  }

  private static int status(HttpURLConnection c) throws Broken {
    try {
      return c.getResponseCode();
    } catch (IOException e) {
      throw new Broken(e);
    }
  }

  /**
   * Connects and reads the response headers, following up to {@value #MAX_REDIRECTS} redirects
   * (never from https to http).
   */
  private HttpURLConnection open() throws Broken {
    URL url;
    try {
      url = entry.url().toURL();
    } catch (MalformedURLException e) {
      throw failure("the URL is not valid (" + e.getMessage() + ")", e);
    }
    for (int hop = 0; ; hop++) {
      HttpURLConnection c;
      int status;
      try {
        c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(timeoutMillis(connectTimeout));
        c.setReadTimeout(timeoutMillis(readTimeout));
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", "sam4j");
        c.setRequestProperty("Accept-Encoding", "identity");
        if (have > 0) {
          c.setRequestProperty("Range", "bytes=" + have + "-");
        }
      } catch (IOException e) {
        throw new Broken(e);
      }
      status = status(c);
      if (status < 300 || status > 308 || status == 304 || c.getHeaderField("Location") == null) {
        return c;
      }
      URL next;
      try {
        next = new URL(url, c.getHeaderField("Location"));
      } catch (MalformedURLException e) {
        throw failure("the server redirected to a bad URL (" + e.getMessage() + ")", e);
      } finally {
        c.disconnect();
      }
      if (hop >= MAX_REDIRECTS || ("https".equals(url.getProtocol())
          && !"https".equals(next.getProtocol()))) {
        throw failure("refusing redirect " + (hop + 1) + " from " + url + " to " + next, null);
      }
      url = next;
    }
  }

  private static int timeoutMillis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private void checkRangeStart(String header) {
    String range = header == null ? "" : header;
    Matcher m = CONTENT_RANGE.matcher(range);
    if (!m.matches() || Long.parseLong(m.group(1)) != have) {
      throw failure("asked for bytes from " + have + ", the server sent 'Content-Range: " + range
          + "'; delete " + part + " to start over", null);
    }
  }

  /** Stores the body after the {@link #have} bytes already there. */
  private void copy(InputStream in, long length, long total) throws Broken, IOException {
    long start = have;
    byte[] buf = new byte[Sha256.CHUNK];
    progress.begin("downloading " + entry.name(), have, total);
    try {
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          throw new Broken(e);
        }
        if (n < 0) {
          break;
        }
        if (entry.hasSize() && have + n > entry.sizeBytes()) {
          throw new SamException(SamException.Kind.BAD_CHECKPOINT, entry.url() + " sent more than "
              + "the " + entry.sizeBytes() + " bytes of " + entry.name() + "; the download was "
              + "deleted and nothing was saved at " + target);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          ch.write(bb, have + bb.position());
        }
        md.update(buf, 0, n);
        have += n;
        progress.update(have);
      }
    } finally {
      progress.end();
    }
    if (length >= 0 && have - start < length) {
      throw new Broken(new EOFException("connection closed after " + (have - start) + " of "
          + length + " bytes"));
    }
  }

  /** Empties the part file and the digest. */
  private void restart() throws IOException {
    ch.truncate(0);
    md.reset();
    have = 0;
  }

  /** A network failure: what failed, and how to finish by hand. */
  private SamException failure(String cause, Throwable t) {
    String kept = have > 0
        ? " " + have + " bytes are kept in " + part + "; the next download resumes from there."
        : "";
    return new SamException(SamException.Kind.IO, "cannot download " + entry.name() + " from "
        + entry.url() + ": " + cause + "." + kept + " To place the file by hand, download "
        + entry.url() + " and save it as " + target, t);
  }

  /** {@code SimpleClassName: message}, using the first message found along the cause chain. */
  static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        return c.getClass().getSimpleName() + ": " + c.getMessage();
      }
    }
    return t.getClass().getSimpleName();
  }
}
