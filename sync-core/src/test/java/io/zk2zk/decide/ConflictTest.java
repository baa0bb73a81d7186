package io.zk2zk.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The versions a conflict report shows: short, printable, with their sizes. */
class ConflictTest {

  @Test
  void aVersionIsShownAsTextWithItsSize() {
    assertThat(Conflict.describe("app-a".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("\"app-a\" (5 bytes)");
    assertThat(Conflict.describe(null)).isEqualTo("null");
    assertThat(Conflict.describe(new byte[0])).isEqualTo("\"\" (0 bytes)");
  }

  @Test
  void controlBytesQuotesAndTabsCannotBreakTheMonitorLine() {
    assertThat(Conflict.describe("a\tb\n\"c\"".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("\"a.b..c.\" (7 bytes)");
    assertThat(Conflict.describe(new byte[] {(byte) 0xff, 'x'})).isEqualTo("\".x\" (2 bytes)");
  }

  @Test
  void aLongVersionIsCut() {
    String shown = Conflict.describe("x".repeat(1000).getBytes(StandardCharsets.UTF_8));
    assertThat(shown).isEqualTo("\"" + "x".repeat(64) + "...\" (1000 bytes)");
  }
}
