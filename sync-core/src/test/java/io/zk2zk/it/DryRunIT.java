package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.RunOptions;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.SidesPrepared;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code start --dryRun}: both daemons on trees with every kind of difference decide and audit
 * every write with {@code [dry-run]}, and leave both ensembles exactly as they were (every node's
 * data and full stat, {@code /zk2zk_migration} and {@code /zk2zk_ha} included).
 */
class DryRunIT extends TwoServers {

  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();
  private final ListAppender<ILoggingEvent> runtime = new ListAppender<>();
  private SyncDaemon allSync;
  private SyncDaemon tSync;
  private ZooKeeper ephemeralOwner;

  @BeforeEach
  void captureMonitorLog() {
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
    runtime.start();
    ((Logger) LoggerFactory.getLogger(SyncDaemon.class)).addAppender(runtime);
    ((Logger) LoggerFactory.getLogger(SidesPrepared.class)).addAppender(runtime);
  }

  @AfterEach
  void stop() throws Exception {
    if (tSync != null) {
      tSync.close();
    }
    if (allSync != null) {
      allSync.close();
    }
    if (ephemeralOwner != null) {
      ephemeralOwner.close();
    }
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
    ((Logger) LoggerFactory.getLogger(SyncDaemon.class)).detachAppender(runtime);
    ((Logger) LoggerFactory.getLogger(SidesPrepared.class)).detachAppender(runtime);
  }

  private List<String> lines() {
    return List.copyOf(monitor.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Every node but {@code /zookeeper}: data and the whole stat (any write changes some zxid). */
  private static Map<String, String> snapshot(ZooKeeper zk) throws Exception {
    Map<String, String> out = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>(List.of("/"));
    while (!todo.isEmpty()) {
      String p = todo.poll();
      if (p.equals("/zookeeper")) {
        continue;
      }
      Stat st = new Stat();
      byte[] data = zk.getData(p, false, st);
      out.put(p, (data == null ? "null" : HexFormat.of().formatHex(data)) + " " + st);
      for (String c : zk.getChildren(p, false)) {
        todo.add(SyncScope.child(p, c));
      }
    }
    return out;
  }

  @Test
  void bothDaemonsDecideAndAuditEveryWriteButSendNone() throws Exception {
    // S: the source of all_sync
    Trees.createP(onS, "/app", "a");
    Trees.createP(onS, "/app/missing", "m");
    Trees.createP(onS, "/app/missing/child", "c");
    Trees.createP(onS, "/app/differs", "new");
    Trees.createP(onS, "/q", "");
    for (int i = 0; i < 3; i++) {
      Trees.create(onS, "/q/n-", new byte[0], CreateMode.PERSISTENT_SEQUENTIAL);
    }
    // T: one node extra, one differing, a sequence counter behind, an ephemeral of a client that
    // moved to T (t_sync would copy it to S), a record that names nothing (t_sync would remove it)
    Trees.createP(onT, "/app", "a");
    Trees.createP(onT, "/app/differs", "old");
    Trees.createP(onT, "/app/extra", "x");
    Trees.createP(onT, "/q", "");
    Trees.createP(onT, "/q/n-0000000000", "");
    Trees.createP(onT, "/q/n-0000000001", "");
    Trees.createP(onT, "/q/n-0000000002", "");
    ephemeralOwner = Trees.connect(t.getConnectString());
    Trees.create(ephemeralOwner, "/app/moved", "e".getBytes(), CreateMode.EPHEMERAL);
    Trees.createP(onT, SyncScope.MIGRATION_ROOT, null);
    Trees.createP(onT, SyncScope.MIGRATION_ROOT + "/" + RecordName.escape("/gone"), null);
    // a migration under way: all_sync started marking once; then a client on T made a node of
    // its own (t_sync would carry it to S, rule 34; all_sync keeps it, rule 33)
    Trees.createP(onT, SyncScope.HA_ROOT, null);
    Trees.createP(onT, SyncScope.ORIGIN_MARKS, null);
    Trees.createP(onT, "/app/t-own", "t");
    // raise S's counter of /q beyond T's: T's next sequential child would sort before copies
    Trees.create(onS, "/q/n-", new byte[0], CreateMode.PERSISTENT_SEQUENTIAL);
    onS.delete("/q/n-0000000003", -1);
    Map<String, String> sBefore = snapshot(onS);
    Map<String, String> tBefore = snapshot(onT);

    RunOptions dry = new RunOptions(true, false, 0);
    allSync =
        new SyncDaemon(
            DaemonFixture.config(
                    DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60)
                .withRun(dry));
    tSync =
        new SyncDaemon(
            DaemonFixture.config(
                    DaemonKind.T_SYNC, t.getConnectString(), s.getConnectString(), "/", 60)
                .withRun(dry));
    allSync.start();
    tSync.start();
    assertThat(runtime.list.stream().map(ILoggingEvent::getFormattedMessage))
        .contains(
            "all_sync: DRY RUN: every write is decided and written to the monitor log with"
                + " [dry-run] in EXTRA, none is sent to either ensemble; the same-ensemble probe"
                + " (a node on T) and the creation of /zk2zk_migration are skipped",
            "t_sync: DRY RUN: every write is decided and written to the monitor log with"
                + " [dry-run] in EXTRA, none is sent to either ensemble; the same-ensemble probe"
                + " (a node on T) and the creation of /zk2zk_migration are skipped");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(lines())
                    .contains(
                        "[EventNodeCreated]\t[success]\t[dry-run]\t[/app/missing]",
                        "[EventNodeCreated]\t[success]\t[dry-run]\t[/app/missing/child]",
                        "[EventNodeDataChanged]\t[success]\t[dry-run]\t[/app/differs]",
                        "[EventNodeDeleted]\t[success]\t[dry-run]\t[/app/extra]",
                        "[EventNodeCreated]\t[success]\t[dry-run]\t[/app/moved]",
                        "[EventNodeCreated]\t[success]\t[dry-run]\t[/app/t-own]")
                    .filteredOn(l -> l.startsWith("SrcNodeCount"))
                    .hasSize(2));
    assertThat(lines())
        .as("all_sync keeps a client's node on T (rule 33), even in a dry run")
        .noneMatch(l -> l.startsWith("[EventNodeDeleted]") && l.endsWith("[/app/t-own]"));
    // nothing was written, so every pass still finds the differences
    assertThat(lines())
        .filteredOn(l -> l.startsWith("SrcNodeCount"))
        .noneMatch(l -> l.endsWith("ChangedNodeCount: [0]"));
    assertThat(lines())
        .filteredOn(l -> l.startsWith("["))
        .allMatch(l -> l.contains("\t[dry-run]\t") || l.startsWith("[Alarm]"), "dry-run lines");

    // a live change on S: decided from the watch, audited, not sent
    Trees.createP(onS, "/app/live", "l");
    sBefore = withLiveChange(sBefore, snapshot(onS));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines().contains("[EventNodeCreated]\t[success]\t[dry-run]\t[/app/live]"));

    // metrics count the decided writes apart: nothing shows as written
    assertThat(writes(allSync, "dry-run")).isPositive();
    assertThat(writes(allSync, "success")).isZero();
    assertThat(writes(tSync, "success")).isZero();

    tSync.close();
    allSync.close();
    assertThat(snapshot(onT)).isEqualTo(tBefore);
    assertThat(snapshot(onS)).isEqualTo(sBefore);
  }

  /** The sum of {@code zk2zk_writes_total} with this result, as a scrape shows it. */
  private static double writes(SyncDaemon d, String result) {
    return d.metrics().registry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("zk2zk_writes"))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(p -> result.equals(p.getLabels().get("result")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  /** The snapshot of S before, plus the test's own change (the node and its parent's stat). */
  private static Map<String, String> withLiveChange(
      Map<String, String> before, Map<String, String> now) {
    Map<String, String> expected = new TreeMap<>(before);
    expected.put("/app", now.get("/app"));
    expected.put("/app/live", now.get("/app/live"));
    return expected;
  }
}
