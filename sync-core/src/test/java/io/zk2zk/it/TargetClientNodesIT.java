package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Rules 33–36 with a real all_sync and t_sync: a persistent node a client creates on T reaches S
 * and stays on both sides through passes, its changes and its deletion on T reach S, and its
 * deletion on S reaches T; a copy whose original S deleted still goes, and a node T held before the
 * migration keeps the old treatment. Every copy all_sync makes carries the origin mark.
 */
class TargetClientNodesIT extends TwoServers {

  private static final ACL MARK = new ACL(0, new Id("digest", "zk2zk:copied-from-source"));
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();
  private SyncDaemon allSync;
  private SyncDaemon tSync;

  @BeforeEach
  void listen() {
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
  }

  @AfterEach
  void stop() {
    if (tSync != null) {
      tSync.close();
    }
    if (allSync != null) {
      allSync.close();
    }
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
  }

  private List<String> lines() {
    return monitor.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private long passes() {
    return lines().stream().filter(l -> l.startsWith("SrcNodeCount:")).count();
  }

  private void startBoth() throws Exception {
    allSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 1));
    tSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.T_SYNC, t.getConnectString(), s.getConnectString(), "/", 1));
    allSync.start();
    tSync.start();
  }

  private static String data(ZooKeeper zk, String path) throws Exception {
    Stat stat = zk.exists(path, false);
    return stat == null ? null : new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
  }

  private String record(String path) throws Exception {
    return data(onT, SyncScope.MIGRATION_ROOT + "/" + RecordName.escape(path));
  }

  private static double counter(SyncDaemon d, String name) {
    return DaemonFixture.counter(d, name);
  }

  /** Waits for {@code n} more complete passes of each daemon. */
  private void awaitPassesOfEach(int n) {
    double all = counter(allSync, "zk2zk_reconcile_passes");
    double ts = counter(tSync, "zk2zk_reconcile_passes");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                counter(allSync, "zk2zk_reconcile_passes") >= all + n
                    && counter(tSync, "zk2zk_reconcile_passes") >= ts + n);
  }

  private void awaitPasses(int n) {
    long seen = passes();
    await().atMost(Duration.ofSeconds(20)).until(() -> passes() >= seen + n);
  }

  @Test
  void aClientsNodeOnTReachesSAndStaysWhileStaleCopiesGo() throws Exception {
    Trees.createP(onT, "/before", "on T before the migration");
    Trees.createP(onS, "/dubbo", "");
    Trees.createP(onS, "/dubbo/mapping", "");
    Trees.createP(onS, "/dubbo/mapping/com.a.Old", "app-a");
    startBoth();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onT.exists("/dubbo/mapping/com.a.Old", false)).isNotNull();
              assertThat(onT.exists("/before", false)).isNull();
            });
    for (String p : List.of("/dubbo", "/dubbo/mapping", "/dubbo/mapping/com.a.Old")) {
      assertThat(onT.getACL(p, new Stat())).as(p).contains(MARK);
    }

    // case 1: a client on T creates a node S does not have; S deletes one T has a copy of
    Trees.createP(onT, "/dubbo/mapping/com.b.New", "app-b");
    onS.delete("/dubbo/mapping/com.a.Old", -1);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(data(onS, "/dubbo/mapping/com.b.New")).isEqualTo("app-b");
              assertThat(record("/dubbo/mapping/com.b.New")).isEqualTo("carried");
              assertThat(onT.exists("/dubbo/mapping/com.a.Old", false)).isNull();
            });
    awaitPasses(3);

    assertThat(data(onT, "/dubbo/mapping/com.b.New")).isEqualTo("app-b");
    assertThat(data(onS, "/dubbo/mapping/com.b.New")).isEqualTo("app-b");
    assertThat(onS.getACL("/dubbo/mapping/com.b.New", new Stat())).doesNotContain(MARK);
    assertThat(lines())
        .filteredOn(l -> l.endsWith("[/dubbo/mapping/com.b.New]"))
        .containsExactly("[EventNodeCreated]\t[success]\t[]\t[/dubbo/mapping/com.b.New]");
    assertThat(lines())
        .contains("[EventNodeDeleted]\t[success]\t[]\t[/dubbo/mapping/com.a.Old]")
        .contains("[EventNodeDeleted]\t[success]\t[]\t[/before]");

    // its later changes on T reach S, one write each; its deletion on T too, with the record
    onT.setData("/dubbo/mapping/com.b.New", "app-b,app-c".getBytes(StandardCharsets.UTF_8), -1);
    await()
        .atMost(DEADLINE)
        .until(() -> "app-b,app-c".equals(data(onS, "/dubbo/mapping/com.b.New")));
    onT.delete("/dubbo/mapping/com.b.New", -1);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onS.exists("/dubbo/mapping/com.b.New", false)).isNull();
              assertThat(record("/dubbo/mapping/com.b.New")).isNull();
            });
    awaitPasses(2);
    assertThat(onT.exists("/dubbo/mapping/com.b.New", false)).isNull();
  }

  @Test
  void aQueueItemProducedOnTIsConsumedOnSOnce() throws Exception {
    startBoth();
    await().atMost(DEADLINE).until(() -> onT.exists(SyncScope.ORIGIN_MARKS, false) != null);

    // case 2: a producer on T creates the queue's parent on the fly, then an item
    Trees.createP(onT, "/queue", "");
    String item =
        onT.create(
            "/queue/item-",
            "job".getBytes(),
            org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT_SEQUENTIAL);
    await().atMost(DEADLINE).until(() -> "job".equals(data(onS, item)));
    assertThat(record("/queue")).isEqualTo("carried");

    // the consumer on S takes it: it is gone from T too, and not carried back
    onS.delete(item, -1);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onT.exists(item, false)).isNull();
              assertThat(record(item)).isNull();
            });
    awaitPasses(2);
    assertThat(onS.exists(item, false)).isNull();
    assertThat(onT.exists(item, false)).isNull();
    assertThat(data(onS, "/queue")).isEqualTo("");
    assertThat(lines())
        .filteredOn(l -> l.endsWith("[" + item + "]"))
        .containsExactly(
            "[EventNodeCreated]\t[success]\t[]\t[" + item + "]",
            "[MigrateEventNodeDeleteWithRecord]\t[success]\t[]\t[" + item + "]");
  }

  @Test
  void aClientsChangeOnTheSideThatDoesNotOwnANodeIsUndoneAndReportedOnce() throws Exception {
    Trees.createP(onS, "/conf", "");
    Trees.createP(onS, "/conf/shared", "from S");
    startBoth();
    await().atMost(DEADLINE).until(() -> "from S".equals(data(onT, "/conf/shared")));
    Trees.createP(onT, "/conf/t-own", "from T");
    await().atMost(DEADLINE).until(() -> "carried".equals(record("/conf/t-own")));
    awaitPassesOfEach(2); // each daemon's passes have aligned both nodes since

    // case 3: a client on T changes S's node, a client on S changes T's node
    onT.setData("/conf/shared", "by a client on T".getBytes(StandardCharsets.UTF_8), -1);
    onS.setData("/conf/t-own", "by a client on S".getBytes(StandardCharsets.UTF_8), -1);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(data(onT, "/conf/shared")).isEqualTo("from S");
              assertThat(data(onS, "/conf/t-own")).isEqualTo("from T");
            });
    // a second change on T is undone and counted too, without a second line
    onT.setData("/conf/shared", "again".getBytes(StandardCharsets.UTF_8), -1);
    await().atMost(DEADLINE).until(() -> "from S".equals(data(onT, "/conf/shared")));
    awaitPassesOfEach(1);

    assertThat(data(onS, "/conf/shared")).isEqualTo("from S");
    assertThat(counter(allSync, "zk2zk_conflicts")).isEqualTo(2);
    assertThat(counter(tSync, "zk2zk_conflicts")).isEqualTo(1);
    assertThat(data(onT, "/conf/t-own")).isEqualTo("from T");
    assertThat(lines())
        .filteredOn(l -> l.startsWith("[Alarm]"))
        .containsExactlyInAnyOrder(
            "[Alarm]\t[fail]\t[conflict: changed on T by a client, but the node is S's; S's data"
                + " wins (S: \"from S\" (6 bytes), T: \"by a client on T\" (16 bytes)) (rule 3)]"
                + "\t[/conf/shared]",
            "[Alarm]\t[fail]\t[conflict: changed on S by a client, but the node is T's; T's data"
                + " wins (T: \"from T\" (6 bytes), S: \"by a client on S\" (16 bytes)) (rule"
                + " 35)]\t[/conf/t-own]");
    assertThat(lines())
        .filteredOn(l -> l.endsWith("[/conf/shared]") && l.startsWith("[EventNodeDataChanged]"))
        .hasSize(2);
  }

  @Test
  void aCarryACrashInterruptedIsNeitherRepeatedNorLost() throws Exception {
    startBoth();
    await().atMost(DEADLINE).until(() -> onT.exists(SyncScope.ORIGIN_MARKS, false) != null);
    await().atMost(DEADLINE).until(() -> onS.exists(SyncScope.MIGRATION_ROOT, false) != null);
    tSync.close();
    tSync = null;
    // what t_sync killed in the middle of three carries leaves: each record says "carrying"
    // with its token; /q/a's copy landed on S with its marker, and a consumer on S took it since;
    // /q/b's copy never landed; /q/c's neither, and a marker of an older carry of it is left
    Trees.createP(onT, "/q", "");
    for (String item : List.of("a", "b", "c")) {
      Trees.createP(onT, "/q/" + item, "job " + item);
    }
    Trees.createP(onS, "/q", "");
    carrying("/q", "t0");
    for (String item : List.of("a", "b", "c")) {
      carrying("/q/" + item, "t" + item);
    }
    Trees.createP(onS, SyncScope.markerPath("/q", "t0"), "");
    Trees.createP(onS, SyncScope.markerPath("/q/a", "ta"), "");
    Trees.createP(onS, SyncScope.markerPath("/q/c", "older"), "");

    tSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.T_SYNC, t.getConnectString(), s.getConnectString(), "/", 1));
    tSync.start();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(data(onS, "/q/b")).isEqualTo("job b");
              assertThat(data(onS, "/q/c")).isEqualTo("job c");
              assertThat(onT.exists("/q/a", false)).as("taken on S: gone from T").isNull();
              assertThat(record("/q/a")).isNull();
              assertThat(record("/q/b")).isEqualTo("carried");
              assertThat(record("/q")).isEqualTo("carried");
            });
    awaitPassesOfEach(2);
    assertThat(onS.exists("/q/a", false)).as("never carried twice").isNull();
    assertThat(onS.getChildren(SyncScope.MIGRATION_ROOT, false))
        .as("no marker is left: those of the carries done now go with them, the rest a pass sweeps")
        .isEmpty();
  }

  /** Writes the record a carry under way leaves on T. */
  private void carrying(String path, String token) throws Exception {
    Trees.create(
        onT, SyncScope.recordPath(path), RecordName.carrying(token), CreateMode.PERSISTENT);
  }
}
