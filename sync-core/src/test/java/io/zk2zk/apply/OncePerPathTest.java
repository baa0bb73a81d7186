package io.zk2zk.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reports once per path, within a bounded memory of paths. */
class OncePerPathTest {

  @Test
  void aPathIsReportedOnce() {
    OncePerPath once = new OncePerPath(10);
    assertThat(once.firstTime("/a")).isTrue();
    assertThat(once.firstTime("/a")).isFalse();
    assertThat(once.firstTime("/b")).isTrue();
  }

  @Test
  void theOldestPathsAreForgottenBeyondTheCapacity() {
    OncePerPath once = new OncePerPath(2);
    once.firstTime("/a");
    once.firstTime("/b");
    once.firstTime("/c"); // forgets /a
    assertThat(once.firstTime("/b")).isFalse();
    assertThat(once.firstTime("/a")).isTrue();
  }
}
