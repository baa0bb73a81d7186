package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Carrying on a migration that the original Go tool started: T already holds records in its format
 * (Go's url.QueryEscape of the path), some live, some stale. Both daemons converge without
 * duplicate copies and without touching live registrations.
 */
@ExtendWith(ProcessScopeExtension.class)
class OriginalToolRecordsE2EIT {

  private static final String LIVE_ON_T = "/svc/providers/t-live";
  private static final String DUBBO_ON_T = "/svc/providers/dubbo%3A%2F%2F10.0.0.9%3A20880";
  private static final String GONE_FROM_T = "/svc/providers/t-gone";
  private static final String LIVE_ON_S = "/svc/providers/s-live";

  @Test
  void continuesFromRecordsWrittenByTheOriginalTool(ProcessScope scope) throws Exception {
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK39);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    Zk clientOnS = scope.connect(sServer);
    Zk clientOnT = scope.connect(tServer);

    // what the original tool left while it was stopped
    for (Zk side : List.of(s, t)) {
      side.createWithParents("/config/k", "v".getBytes(UTF_8), CreateMode.PERSISTENT);
      side.createPersistent("/svc", new byte[0]);
      side.createPersistent("/svc/providers", new byte[0]);
    }
    clientOnS.createEphemeral(LIVE_ON_S, "s".getBytes(UTF_8));
    t.createPersistent(LIVE_ON_S, "s".getBytes(UTF_8));
    clientOnT.createEphemeral(LIVE_ON_T, "t".getBytes(UTF_8));
    clientOnT.createEphemeral(DUBBO_ON_T, "d".getBytes(UTF_8));
    s.createPersistent(LIVE_ON_T, "t".getBytes(UTF_8));
    s.createPersistent(DUBBO_ON_T, "d".getBytes(UTF_8));
    s.createPersistent(GONE_FROM_T, "g".getBytes(UTF_8)); // its client left T meanwhile
    t.createPersistent("/zk2zk_migration", new byte[0]);
    // record names exactly as Go's url.QueryEscape writes them
    for (String name :
        List.of(
            "%2Fsvc%2Fproviders%2Ft-live",
            "%2Fsvc%2Fproviders%2Fdubbo%253A%252F%252F10.0.0.9%253A20880",
            "%2Fsvc%2Fproviders%2Ft-gone",
            "%2Fsvc%2Fproviders%2Fnothing")) {
      t.createPersistent("/zk2zk_migration/" + name, new byte[0]);
    }
    long tOwner = t.exists(LIVE_ON_T).getEphemeralOwner();
    long sOwner = s.exists(LIVE_ON_S).getEphemeralOwner();

    DaemonProcess allSync =
        scope.startDaemon(
            DaemonProcess.Kind.ALL_SYNC,
            List.of(
                "start",
                "--srcAddr",
                sServer.connectString(),
                "--dstAddr",
                tServer.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "3"));
    DaemonProcess tSync =
        scope.startDaemon(
            DaemonProcess.Kind.T_SYNC,
            List.of(
                "start",
                "--srcAddr",
                tServer.connectString(),
                "--dstAddr",
                sServer.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "3"));

    await("stale copy and records cleaned up, live ones kept")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(s.exists(GONE_FROM_T)).isNull();
              assertThat(new TreeSet<>(t.getChildren("/zk2zk_migration")))
                  .isEqualTo(
                      new TreeSet<>(
                          Set.of(
                              "%2Fsvc%2Fproviders%2Ft-live",
                              "%2Fsvc%2Fproviders%2Fdubbo%253A%252F%252F10.0.0.9%253A20880")));
            });
    await("both daemons report in sync")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(MonitorLog.lastProgress(allSync.monitorLog()))
                  .hasValueSatisfying(p -> assertThat(p.inSync()).isTrue());
              assertThat(MonitorLog.lastProgress(tSync.monitorLog()))
                  .hasValueSatisfying(p -> assertThat(p.inSync()).isTrue());
            });

    // live registrations untouched, on both sides
    assertThat(t.exists(LIVE_ON_T).getEphemeralOwner()).isEqualTo(tOwner);
    assertThat(t.exists(DUBBO_ON_T).getEphemeralOwner()).isNotZero();
    assertThat(s.exists(LIVE_ON_S).getEphemeralOwner()).isEqualTo(sOwner);
    assertThat(s.exists(LIVE_ON_T).getEphemeralOwner()).isZero();
    assertThat(s.exists(DUBBO_ON_T).getEphemeralOwner()).isZero();
    // no duplicates: nothing was re-created, t_sync's copies were not copied back to T
    for (String p : List.of(LIVE_ON_T, DUBBO_ON_T, LIVE_ON_S)) {
      assertThat(MonitorLog.count(allSync.monitorLog(), MonitorLog.created(p))).as(p).isZero();
      assertThat(MonitorLog.count(tSync.monitorLog(), MonitorLog.created(p))).as(p).isZero();
    }
    assertThat(
            MonitorLog.count(
                tSync.monitorLog(),
                MonitorLog.audit("MigrateEventNodeDeleteWithRecord", "success", "", GONE_FROM_T)))
        .isEqualTo(1);
    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    assertThat(tSync.monitorLog()).noneMatch(l -> l.contains("[fail]"));
  }
}
