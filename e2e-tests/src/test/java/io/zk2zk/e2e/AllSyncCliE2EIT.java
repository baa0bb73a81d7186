package io.zk2zk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** all_sync's command line contract: exit codes, error messages, help and a clean stop. */
@ExtendWith(ProcessScopeExtension.class)
class AllSyncCliE2EIT {

  /** JVM start plus argument parsing. */
  private static final Duration USAGE_EXIT = Duration.ofSeconds(30);

  /** "exit 1 after a bounded wait": about a minute at most, plus slack for a loaded machine. */

  /** "exits 0 within a few seconds" after SIGTERM. */
  private static final Duration CLEAN_STOP = Duration.ofSeconds(10);

  /** Every flag of the `start` table, spelled exactly (note the capital L of LogCompress). */
  private static final List<String> START_FLAGS =
      List.of(
          "--srcAddr",
          "--dstAddr",
          "--srcSession",
          "--dstSession",
          "--path",
          "--tunnelLength",
          "--workerNum",
          "--workerBufferSize",
          "--workerRetryCnt",
          "--watcherCompareConcurrency",
          "--watcherReWatchConcurrency",
          "--zkEventBuffer",
          "--zkEventWorkerLimit",
          "--syncCompareConcurrency",
          "--syncSearchConcurrency",
          "--syncDailyInterval",
          "--logLevel",
          "--logPath",
          "--monitorLogPath",
          "--logMaxFileSize",
          "--logMaxBackup",
          "--LogCompress",
          "--logEnableStdout");

  private static DaemonProcess allSync(ProcessScope scope, String... args) {
    return scope.startDaemon(DaemonProcess.Kind.ALL_SYNC, List.of(args));
  }

  /** A usage error is a one-line reason and the usage, never a stack trace. */
  private static void assertNoStackTrace(DaemonProcess daemon) {
    assertThat(daemon.output()).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }

  @Test
  void sigtermStopsCleanlyWithExitCodeZero(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    scope.connect(servers.get(0)).createPersistent("/x", null);
    DaemonProcess daemon =
        allSync(
            scope,
            "start",
            "--srcAddr",
            servers.get(0).connectString(),
            "--dstAddr",
            servers.get(1).connectString(),
            "--logEnableStdout=false",
            "--syncDailyInterval",
            "5");
    // Up and working: a reconcile pass has reported.
    await("a progress line")
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> MonitorLog.lastProgress(daemon.monitorLog()).isPresent());
    assertThat(daemon.runtimeLogPath()).exists();

    daemon.sigterm();
    assertThat(daemon.waitForExit(CLEAN_STOP)).isZero();
  }

  @Test
  void helpListsEveryStartFlag(ProcessScope scope) {
    DaemonProcess daemon = allSync(scope, "start", "--help");
    assertThat(daemon.waitForExit(USAGE_EXIT)).isZero();
    assertThat(daemon.output()).contains(START_FLAGS);
  }

  @Test
  void missingSrcAddrIsAUsageErrorNamingIt(ProcessScope scope) {
    DaemonProcess daemon =
        allSync(
            scope,
            "start",
            "--dstAddr",
            "127.0.0.1:" + FreePorts.next(),
            "--logEnableStdout=false");
    assertThat(daemon.waitForExit(USAGE_EXIT)).isEqualTo(2);
    assertThat(daemon.stderr()).contains("srcAddr");
    assertNoStackTrace(daemon);
  }

  @Test
  void unknownFlagIsAUsageErrorNamingIt(ProcessScope scope) {
    DaemonProcess daemon =
        allSync(
            scope,
            "start",
            "--srcAddr",
            "127.0.0.1:" + FreePorts.next(),
            "--dstAddr",
            "127.0.0.1:" + FreePorts.next(),
            "--noSuchFlag",
            "1");
    assertThat(daemon.waitForExit(USAGE_EXIT)).isEqualTo(2);
    assertThat(daemon.stderr()).contains("noSuchFlag");
    assertNoStackTrace(daemon);
  }

  @Test
  void malformedNumberIsAUsageError(ProcessScope scope) {
    DaemonProcess daemon =
        allSync(
            scope,
            "start",
            "--srcAddr",
            "127.0.0.1:" + FreePorts.next(),
            "--dstAddr",
            "127.0.0.1:" + FreePorts.next(),
            "--srcSession",
            "ten");
    assertThat(daemon.waitForExit(USAGE_EXIT)).isEqualTo(2);
    assertThat(daemon.stderr()).contains("srcSession");
    assertNoStackTrace(daemon);
  }
}
