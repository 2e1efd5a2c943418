package io.sam4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values are what Python 3.11's {@code html.unescape} returns for the same strings. */
class HtmlUnescapeTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "&amp;lt;|&lt;",
      "&ampfoo|&foo",
      "&#x80;|\u20ac",
      "&#0;|\ufffd",
      "&#1;x|x",
      "&notit;|\u00acit;",
      "&#99999999999;|\ufffd",
      "&#xD800;|\ufffd",
      "a &lt b|a < b",
      "&Eacute;t&eacute;|\u00c9t\u00e9",
      "&unknown;|&unknown;",
      "&#x1F436;|\ud83d\udc36",
      "&#65|A",
      "&amp|&",
      "AT&T|AT&T"})
  void matchesPythonsHtmlUnescape(String in, String expected) {
    assertEquals(expected, HtmlUnescape.unescape(in));
  }
}
