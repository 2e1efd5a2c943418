package io.sam4j.text;

import io.sam4j.SamException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * OpenAI CLIP's byte-level BPE tokenizer ({@code SimpleTokenizer}), as SAM 3's text encoder uses it,
 * in pure Java: the same cleaning (NFC, HTML unescaped twice, whitespace runs to one space,
 * trimmed, lower-cased as Python's {@code str.lower} on the whole string), the same split
 * ({@code 's|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+}), UTF-8 bytes mapped to CLIP's
 * printable byte alphabet, and merges by rank from the shipped
 * {@code bpe_simple_vocab_16e6.txt.gz} (MIT, see {@code LICENSE-CLIP.txt} beside it).
 *
 * <p>The vocabulary has 49,408 ids: 256 bytes, the same with an end-of-word mark, 48,894 merges,
 * then {@link #START} and {@link #END}. {@link #encode(String, int)} gives exactly
 * {@code context} ids: start, tokens, end, then 0s; a longer text is cut and its last id is the
 * end token. Thread-safe; {@link #standard()} is loaded once.
 *
 * <pre>{@code
 * long[] ids = ClipTokenizer.standard().encode("yellow school bus", 32);
 * }</pre>
 *
 * <p>The reference also runs {@code ftfy.fix_text}, which repairs mojibake and odd punctuation;
 * only its Unicode NFC normalisation is done here.
 */
public final class ClipTokenizer {
  /** {@code <|startoftext|>}. */
  public static final int START = 49406;
  /** {@code <|endoftext|>}. */
  public static final int END = 49407;
  /** The merges used: lines 1..48894 of the file (line 0 is a version header). */
  private static final int MERGES = 49152 - 256 - 2;
  private static final Pattern SPLIT = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);
  private static volatile ClipTokenizer standard;

  private final String[] byteChars = byteAlphabet();
  private final Map<String, Integer> vocab;
  /** Rank of each merge, keyed by {@code first + " " + second}. */
  private final Map<String, Integer> ranks;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private ClipTokenizer(List<String[]> merges) {
    ranks = new HashMap<>(merges.size() * 2);
    // the reference's order: the bytes that stand for themselves, then the others
    List<String> bytes = new ArrayList<>(256);
    for (int b = 0; b < 256; b++) {
      if (byteChars[b].charAt(0) == b) {
        bytes.add(byteChars[b]);
      }
    }
    for (int b = 0; b < 256; b++) {
      if (byteChars[b].charAt(0) != b) {
        bytes.add(byteChars[b]);
      }
    }
    List<String> words = new ArrayList<>(49408);
    words.addAll(bytes);
    for (String b : bytes) {
      words.add(b + "</w>");
    }
    for (int i = 0; i < merges.size(); i++) {
      String[] m = merges.get(i);
      ranks.put(m[0] + " " + m[1], i);
      words.add(m[0] + m[1]);
    }
    vocab = new HashMap<>(words.size() * 2);
    for (int i = 0; i < words.size(); i++) {
      vocab.put(words.get(i), i);
    }
    if (words.size() != START) {
      throw new IllegalStateException("CLIP vocabulary has " + words.size() + " entries, not " + START);
    }
  }

  /** The tokenizer over the shipped CLIP merges file. */
  public static ClipTokenizer standard() {
    ClipTokenizer t = standard;
    if (t == null) {
      synchronized (ClipTokenizer.class) {
        if (standard == null) {
          try (InputStream in = ClipTokenizer.class.getResourceAsStream(
              "bpe_simple_vocab_16e6.txt.gz")) {
            standard = fromMerges(in);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read CLIP's merges file", e);
          }
        }
        t = standard;
      }
    }
    return t;
  }

  /** A tokenizer over a gzipped merges file in CLIP's format. */
  public static ClipTokenizer fromMerges(InputStream gzipped) throws IOException {
    List<String[]> merges = new ArrayList<>(MERGES);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(gzipped), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line; merges.size() < MERGES && (line = r.readLine()) != null; ) {
        String[] pair = line.split(" ");
        if (pair.length != 2) {
          throw new SamException(SamException.Kind.BAD_INPUT,
              "merges file line " + (merges.size() + 2) + " is not two symbols: '" + line + "'");
        }
        merges.add(pair);
      }
    }
    if (merges.size() != MERGES) {
      throw new SamException(SamException.Kind.BAD_INPUT, "merges file has " + merges.size()
          + " merges; CLIP's has at least " + MERGES);
    }
    return new ClipTokenizer(merges);
  }

  /** The text as the reference cleans it before splitting. */
  public static String clean(String text) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFC);
    t = HtmlUnescape.unescape(HtmlUnescape.unescape(t)).strip();
    t = WHITESPACE.matcher(t).replaceAll(" ").strip();
    return t.toLowerCase(Locale.ROOT);
  }

  /** The BPE ids of a text, without start, end or padding. */
  public int[] tokens(String text) {
    List<int[]> parts = new ArrayList<>();
    int n = 0;
    Matcher m = SPLIT.matcher(clean(text));
    while (m.find()) {
      int[] ids = cache.computeIfAbsent(m.group(), this::bpe);
      parts.add(ids);
      n += ids.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /**
   * Exactly {@code context} ids: {@link #START}, the tokens, {@link #END}, then zeros; when that is
   * too long, the first {@code context} with the last replaced by {@link #END}.
   */
  public long[] encode(String text, int context) {
    if (context < 2) {
      throw new IllegalArgumentException("the context must hold at least the start and end tokens,"
          + " got " + context);
    }
    int[] t = tokens(text);
    long[] ids = new long[context];
    ids[0] = START;
    int kept = Math.min(t.length, context - 2);
    for (int i = 0; i < kept; i++) {
      ids[1 + i] = t[i];
    }
    ids[1 + kept] = END;
    return ids;
  }

  /** One pre-token (a regex match) to ids: its bytes as CLIP's alphabet, merged by rank. */
  private int[] bpe(String token) {
    byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
    List<String> word = new ArrayList<>(utf8.length);
    for (byte b : utf8) {
      word.add(byteChars[b & 0xFF]);
    }
    word.set(word.size() - 1, word.get(word.size() - 1) + "</w>");
    while (word.size() > 1) {
      int best = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i + 1 < word.size(); i++) {
        Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
        if (r != null && r < best) {
          best = r;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    int[] ids = new int[word.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.get(word.get(i));
    }
    return ids;
  }

  /**
   * CLIP's {@code bytes_to_unicode}: printable Latin-1 bytes stand for themselves, the other 68
   * bytes for code points from 256 on, in byte order.
   */
  private static String[] byteAlphabet() {
    String[] chars = new String[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      chars[b] = String.valueOf((char) (printable ? b : next++));
    }
    return chars;
  }
}
