package io.sam4j.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references to text, as Python's {@code html.unescape} does it (the HTML5 rules):
 * named references from the WHATWG list (some also without their {@code ;}, the longest known
 * prefix winning), decimal and hexadecimal references with the standard's replacements for
 * invalid code points. CLIP's tokenizer applies it twice to every prompt.
 */
final class HtmlUnescape {
  private static final Pattern CHARREF = Pattern.compile(
      "&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
  private static final Map<String, String> NAMED = readEntities();
  private static final Map<Integer, String> INVALID_CHARREFS = invalidCharrefs();

  private HtmlUnescape() {}

  /** {@code s} with every character reference replaced. */
  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = CHARREF.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String replace(String s) {
    if (s.charAt(0) == '#') {
      boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
      String digits = s.substring(hex ? 2 : 1);
      if (digits.endsWith(";")) {
        digits = digits.substring(0, digits.length() - 1);
      }
      BigInteger big = new BigInteger(digits, hex ? 16 : 10);
      if (big.bitLength() > 31) {
        return "\uFFFD";
      }
      int num = big.intValue();
      String fixed = INVALID_CHARREFS.get(num);
      if (fixed != null) {
        return fixed;
      }
      if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
        return "\uFFFD";
      }
      if (invalidCodePoint(num)) {
        return "";
      }
      return new String(Character.toChars(num));
    }
    String v = NAMED.get(s);
    if (v != null) {
      return v;
    }
    for (int x = s.length() - 1; x > 1; x--) {
      v = NAMED.get(s.substring(0, x));
      if (v != null) {
        return v + s.substring(x);
      }
    }
    return "&" + s;
  }

  /** Python's {@code _invalid_codepoints}: references to these become nothing. */
  private static boolean invalidCodePoint(int c) {
    return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F)
        || (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF)
        || (c & 0xFFFE) == 0xFFFE;
  }

  /** Python's {@code _invalid_charrefs}: NUL, CR and the Windows-1252 meanings of 0x80-0x9F. */
  private static Map<Integer, String> invalidCharrefs() {
    Map<Integer, String> m = new HashMap<>();
    m.put(0x00, "\uFFFD");
    m.put(0x0D, "\r");
    int[] cp1252 = {0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
        0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
    for (int i = 0; i < cp1252.length; i++) {
      m.put(0x80 + i, String.valueOf((char) cp1252[i]));
    }
    return Map.copyOf(m);
  }

  private static Map<String, String> readEntities() {
    Map<String, String> m = new HashMap<>(4096);
    try (InputStream in = HtmlUnescape.class.getResourceAsStream("html5-entities.tsv");
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        int tab = line.indexOf('\t');
        StringBuilder v = new StringBuilder();
        for (String cp : line.substring(tab + 1).split(" ")) {
          v.appendCodePoint(Integer.parseInt(cp, 16));
        }
        m.put(line.substring(0, tab), v.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the HTML entity table", e);
    }
    return Map.copyOf(m);
  }
}
