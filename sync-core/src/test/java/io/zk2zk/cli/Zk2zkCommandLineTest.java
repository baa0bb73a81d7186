package io.zk2zk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.DaemonKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when a command fails unexpectedly: one line naming the cause, no class name, no
 * stack trace, and exit code 1 (docs/cli-and-logs.md: "Never a stack trace as the only
 * explanation").
 */
class Zk2zkCommandLineTest {

  record Run(int exit, String out, String err) {}

  static Run start(DaemonKind kind, RuntimeException thrown) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    DaemonRunner failing =
        (config, e) -> {
          throw thrown;
        };
    int exit =
        Zk2zkCommandLine.create(
                kind, failing, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute("start", "--srcAddr", "a:1", "--dstAddr", "b:2");
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aFailingDaemonIsOneLineWithItsMessage() {
    Run r =
        start(
            DaemonKind.ALL_SYNC,
            new IllegalStateException("cannot create ./runtime: permission denied"));

    assertThat(r.exit()).isEqualTo(ExitCodes.CANNOT_START);
    assertThat(r.err().lines())
        .containsExactly("all_sync: cannot create ./runtime: permission denied");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anExceptionWithoutAMessageIsAPlainDescription() {
    Run r = start(DaemonKind.T_SYNC, new RuntimeException());

    assertThat(r.exit()).isEqualTo(ExitCodes.CANNOT_START);
    assertThat(r.err().lines()).containsExactly("t_sync: unexpected error (see the runtime log)");
  }

  @Test
  void aWrapperWithoutItsOwnMessageShowsTheCausesMessage() {
    // new UncheckedIOException(cause) would show "java.io.IOException: disk full" as its message
    Run r =
        start(
            DaemonKind.ALL_SYNC,
            new RuntimeException(new UncheckedIOException(new IOException("disk full"))));

    assertThat(r.exit()).isEqualTo(ExitCodes.CANNOT_START);
    assertThat(r.err().lines()).containsExactly("all_sync: disk full");
  }

  @Test
  void withoutAMessageTheLineSaysWhereTheDetailsAre() {
    // verify writes no log file: what it logs goes to stderr, above this line
    assertThat(Zk2zkCommandLine.cause(new NullPointerException(), "verify"))
        .isEqualTo("unexpected error (logged above)");
    assertThat(Zk2zkCommandLine.cause(new IllegalStateException(" "), "start"))
        .isEqualTo("unexpected error (see the runtime log)");
  }
}
