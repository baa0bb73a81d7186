package io.zk2zk.cli;

import static io.zk2zk.cli.StartCommandTest.allSync;
import static io.zk2zk.cli.StartCommandTest.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.cli.StartCommandTest.Run;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code start --ha}, {@code --haSession} and {@code --dryRun}: parsing and the usage errors. */
class HaAndDryRunFlagsTest {

  @Test
  void offByDefaultWithAFourSecondElectionSession() {
    Run r = allSync(start());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().run().highAvailability()).isFalse();
    assertThat(r.config().run().dryRun()).isFalse();
    assertThat(r.config().run().haSession()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void haWithItsOwnSessionTimeout() {
    Run r = allSync(start("--ha", "--haSession", "6"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().run().highAvailability()).isTrue();
    assertThat(r.config().run().haSession()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void dryRunAlone() {
    Run r = allSync(start("--dryRun"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().run().dryRun()).isTrue();
  }

  @Test
  void dryRunWithHaIsAUsageErrorThatSaysWhy() {
    Run r = allSync(start("--dryRun", "--ha"));
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.runnerCalls()).isZero();
    assertThat(r.errLines().get(0))
        .isEqualTo(
            "all_sync: --dryRun and --ha exclude each other: a dry run writes nothing, an election writes"
                + " on T");
  }

  @Test
  void haSessionMustBePositive() {
    Run r = allSync(start("--ha", "--haSession", "0"));
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).isEqualTo("all_sync: --haSession must be a positive number: 0");
  }
}
