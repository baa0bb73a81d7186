package io.zk2zk.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Record names must be Go's {@code url.QueryEscape} byte for byte (compatibility with the Go tool).
 */
class RecordNameTest {

  /**
   * Expected strings worked out by hand from Go's rule (ASCII letters, digits, '-', '_', '.', '~'
   * unescaped; space → '+'; every other UTF-8 byte → %XX upper-case), never from the code under
   * test.
   */
  static Stream<Arguments> goVectors() {
    return Stream.of(
        Arguments.of("~", "~"),
        Arguments.of("*", "%2A"),
        Arguments.of(" ", "+"),
        Arguments.of("+", "%2B"),
        Arguments.of("%", "%25"),
        Arguments.of("/", "%2F"),
        Arguments.of(":", "%3A"),
        Arguments.of("-_.", "-_."),
        Arguments.of("", ""),
        Arguments.of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
        // Go's query escaping also escapes the sub-delims that URLEncoder keeps or that paths keep.
        Arguments.of("!'()", "%21%27%28%29"),
        Arguments.of("$&,;=?@", "%24%26%2C%3B%3D%3F%40"),
        Arguments.of("#[]", "%23%5B%5D"),
        Arguments.of("\t\n", "%09%0A"),
        Arguments.of("\u007f", "%7F"),
        Arguments.of("a b+c", "a+b%2Bc"),
        Arguments.of("é", "%C3%A9"),
        Arguments.of("名", "%E5%90%8D"),
        // U+1F600 GRINNING FACE: 4 UTF-8 bytes F0 9F 98 80
        Arguments.of("\uD83D\uDE00", "%F0%9F%98%80"),
        Arguments.of(
            "/service1/providers/10.0.0.1:20880", "%2Fservice1%2Fproviders%2F10.0.0.1%3A20880"),
        // Dubbo registers URL-encoded provider names: their '%' must become '%25'.
        Arguments.of(
            "/dubbo/com.foo.Bar/providers/dubbo%3A%2F%2F10.0.0.1%3A20880%2Fcom.foo.Bar%3Fanyhost%3Dtrue",
            "%2Fdubbo%2Fcom.foo.Bar%2Fproviders%2Fdubbo%253A%252F%252F10.0.0.1%253A20880"
                + "%252Fcom.foo.Bar%253Fanyhost%253Dtrue"),
        Arguments.of("/a/~b/c*d", "%2Fa%2F~b%2Fc%2Ad"));
  }

  @ParameterizedTest(name = "escape({0}) = {1}")
  @MethodSource("goVectors")
  void escapesLikeGoQueryEscape(String path, String expected) {
    assertThat(RecordName.escape(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "unescape({1}) = {0}")
  @MethodSource("goVectors")
  void unescapeReversesTheGoVectors(String path, String name) {
    assertThat(RecordName.unescape(name)).isEqualTo(path);
  }

  @Test
  void roundTripsRandomStrings() {
    // Seeded: a failure reproduces. Code points only (no lone surrogates: paths are valid UTF-16).
    int[] alphabet = {
      'a', 'Z', '0', '9', '-', '_', '.', '~', ' ', '%', '+', '*', '/', ':', '?', '&', '=', '!',
      0x7f, 'é', 'ß', '名', 0x1F600, 0x10FFFF
    };
    Random random = new Random(20261125L);
    for (int n = 0; n < 2000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(24);
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
      }
      String s = sb.toString();
      String escaped = RecordName.escape(s);

      assertThat(RecordName.unescape(escaped)).as("round trip of %s", s).isEqualTo(s);
      // Only the unreserved set, '+' and '%XX' may appear; a record name never holds a '/'.
      assertThat(escaped).matches("([A-Za-z0-9\\-_.~+]|%[0-9A-F]{2})*");
      // Independent oracle: the JDK encoder differs from Go only on '*' and '~'.
      String jdk =
          URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
      assertThat(escaped).as("escape of %s", s).isEqualTo(jdk);
      assertThat(URLDecoder.decode(escaped, StandardCharsets.UTF_8)).isEqualTo(s);
    }
  }

  @Test
  void unescapeAcceptsLowerCaseHex() {
    // Go's QueryUnescape accepts either case; a record written by hand may use lower case.
    assertThat(RecordName.unescape("%2fservice1%3a20880")).isEqualTo("/service1:20880");
    assertThat(RecordName.unescape("%c3%a9%e5%90%8d")).isEqualTo("é名");
    assertThat(RecordName.unescape("%2A%2a")).isEqualTo("**");
  }

  @Test
  void unescapePassesUnescapedCharactersThroughLikeGo() {
    // Go's QueryUnescape leaves characters that are not '%' or '+' as they are, non-ASCII included.
    assertThat(RecordName.unescape("~*-_.:/")).isEqualTo("~*-_.:/");
    assertThat(RecordName.unescape("é名")).isEqualTo("é名");
    assertThat(RecordName.unescape("\uD83D\uDE00")).isEqualTo("\uD83D\uDE00");
  }

  @ParameterizedTest(name = "unescape({0}) is rejected")
  @ValueSource(strings = {"%", "%G1", "%2", "%1G", "abc%", "abc%4", "%%", "%-1", "%+1"})
  void malformedNamesAreRejected(String name) {
    assertThatThrownBy(() -> RecordName.unescape(name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonAsciiDigitsAreNotHex() {
    // Go's ishex accepts only 0-9a-fA-F; Character.digit would also accept e.g. FULLWIDTH ONE.
    assertThatThrownBy(() -> RecordName.unescape("%\uFF11\uFF11"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void urlEncoderDiffersFromGoOnTildeAndStar() {
    // Why RecordName exists: java.net.URLEncoder escapes '~' and keeps '*', Go does the opposite.
    assertThat(URLEncoder.encode("~", StandardCharsets.UTF_8)).isEqualTo("%7E");
    assertThat(URLEncoder.encode("*", StandardCharsets.UTF_8)).isEqualTo("*");
    assertThat(RecordName.escape("~")).isNotEqualTo(URLEncoder.encode("~", StandardCharsets.UTF_8));
    assertThat(RecordName.escape("*")).isNotEqualTo(URLEncoder.encode("*", StandardCharsets.UTF_8));
  }

  @Test
  void recordPathLivesUnderTheMigrationRoot() {
    assertThat(SyncScope.recordPath("/service1/providers/10.0.0.1:20880"))
        .isEqualTo("/zk2zk_migration/%2Fservice1%2Fproviders%2F10.0.0.1%3A20880");
  }
}
