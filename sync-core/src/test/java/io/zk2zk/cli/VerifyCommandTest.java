package io.zk2zk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.DaemonKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code verify} command line: its flags and usage errors (no ZooKeeper involved). */
class VerifyCommandTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    DaemonRunner never =
        (c, e) -> {
          throw new AssertionError("verify must not start a daemon");
        };
    int exit =
        Zk2zkCommandLine.create(
                DaemonKind.T_SYNC, never, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsTheConnectionFlagsAndVerifysOwn() {
    Run r = run("verify", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("t_sync's rules")
        .contains("--srcAddr", "--dstAddr", "--srcSession", "--dstSession", "--path")
        .contains("--startTimeout", "--srcAuth", "--dstAuth", "--srcClientConfig")
        .contains("--json", "--maxDiffs", "--recheck", "--recheckInterval", "--copyAcl")
        .doesNotContain("--syncDailyInterval");
  }

  @Test
  void theTopCommandNamesBothCommands() {
    Run r = run();

    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines().findFirst()).hasValue("t_sync: missing command: start or verify");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--maxDiffs=-1",
        "--recheck=-2",
        "--recheckInterval=0",
        "--path=relative",
        "--startTimeout=0",
        "--noSuchFlag"
      })
  void badValuesAreUsageErrorsNamingTheFlag(String bad) {
    Run r = run("verify", "--srcAddr", "127.0.0.1:1", "--dstAddr", "127.0.0.1:2", bad);

    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    String flag = bad.substring(0, bad.contains("=") ? bad.indexOf('=') : bad.length());
    assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("t_sync: ").contains(flag);
  }

  @Test
  void aMissingAddressIsAUsageError() {
    Run r = run("verify", "--dstAddr", "127.0.0.1:2");

    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--srcAddr");
  }

  @Test
  void oneServerOnBothSidesCannotBeVerified() {
    // an ensemble compared with itself would always look in sync
    Run r = run("verify", "--srcAddr", "127.0.0.1:2181", "--dstAddr", "127.0.0.1:2181/chroot");

    assertThat(r.exit()).isEqualTo(ExitCodes.CANNOT_START);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .containsExactly(
            "t_sync verify: cannot verify: source 127.0.0.1:2181 and target"
                + " 127.0.0.1:2181/chroot name the same server");
  }
}
