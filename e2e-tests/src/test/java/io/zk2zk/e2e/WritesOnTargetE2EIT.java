package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.GoQueryEscape;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that moved to T write persistent nodes there (issue 13), with both packaged daemons
 * running and passes every 2 s, T on ZooKeeper 3.9 and S on 3.5 or 3.9: a new interface's Dubbo
 * mapping and a queue item under a parent created on the fly reach S and stay on both sides (rules
 * 34–36); the item consumed on S is gone from T; a client's change on T to a node from S is undone
 * and reported once (the conflict policy); a copy whose original S deleted still goes. Also across
 * daemon restarts: writes made while a daemon was down are synced when it is back.
 */
@ExtendWith(ProcessScopeExtension.class)
class WritesOnTargetE2EIT {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final String[] INTERVAL = {"--syncDailyInterval", "2"};

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @ParameterizedTest(name = "S on {0}, T on 3.9")
  @ValueSource(strings = {"3.5", "3.9"})
  void persistentNodesClientsCreateOnTReachSAndStay(String sVersion, ProcessScope scope)
      throws Exception {
    ZkServerProcess source =
        scope.startZk("3.5".equals(sVersion) ? E2EConfig.ZK35 : E2EConfig.ZK39);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createWithParents("/dubbo/mapping/com.a.Old", bytes("app-a"), CreateMode.PERSISTENT);
    s.createPersistent("/conf", bytes("c"));
    s.createPersistent("/conf2", bytes("c2"));
    DaemonProcess allSync = allSync(scope, source, target);
    DaemonProcess tSync = tSync(scope, source, target);
    InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);
    awaitPasses(allSync, 2); // S's nodes have been aligned by a complete pass since

    // issue 13, cases 1 and 2: a new interface's mapping, and a queue item whose parent the
    // producer creates on the fly; case 3: a client on T changes a node from S; meanwhile S
    // deletes a node T holds a copy of
    t.createPersistent("/dubbo/mapping/com.b.New", bytes("app-b"));
    String item =
        t.createWithParents("/queue/item-", bytes("job 1"), CreateMode.PERSISTENT_SEQUENTIAL);
    t.setData("/conf", bytes("changed on T"));
    s.delete("/conf2");
    await("the client's nodes on S")
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(100))
        .failFast("a daemon exited", () -> !allSync.isAlive() || !tSync.isAlive())
        .untilAsserted(
            () -> {
              assertThat(s.getData("/dubbo/mapping/com.b.New")).isEqualTo(bytes("app-b"));
              assertThat(s.getData(item)).isEqualTo(bytes("job 1"));
            });
    await("the change on T undone").atMost(WITHIN).until(() -> "c".equals(text(t, "/conf")));
    InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);
    awaitPasses(allSync, 2);

    assertThat(t.getData("/dubbo/mapping/com.b.New")).isEqualTo(bytes("app-b"));
    assertThat(t.getData(item)).isEqualTo(bytes("job 1"));
    assertThat(t.exists("/conf2")).isNull();
    assertThat(record(t, "/dubbo/mapping/com.b.New")).isEqualTo("carried");
    List<String> monitor = allSync.monitorLog();
    assertThat(monitor)
        .filteredOn(l -> l.contains("[Alarm]"))
        .singleElement()
        .asString()
        .endsWith(
            " WARN [Alarm]\t[fail]\t[conflict: changed on T by a client, but the node is S's; S's"
                + " data wins (S: \"c\" (1 bytes), T: \"changed on T\" (12 bytes)) (rule 3)]\t[/conf]");
    assertThat(MonitorLog.count(monitor, MonitorLog.deleted("/conf2"))).isEqualTo(1);
    assertThat(monitor).noneMatch(l -> l.contains("[EventNodeDeleted]") && l.contains("mapping"));
    for (String carried : List.of("/dubbo/mapping/com.b.New", "/queue", item)) {
      assertThat(MonitorLog.count(tSync.monitorLog(), MonitorLog.created(carried)))
          .as("t_sync's copies of " + carried)
          .isEqualTo(1);
    }
    // a copy carries the origin mark, a client's node and its copy on S do not
    assertThat(t.raw().getACL("/dubbo/mapping/com.a.Old", new Stat())).contains(Zk.ORIGIN_MARK);
    assertThat(t.raw().getACL("/dubbo/mapping/com.b.New", new Stat()))
        .doesNotContain(Zk.ORIGIN_MARK);
    assertThat(s.raw().getACL("/dubbo/mapping/com.b.New", new Stat()))
        .doesNotContain(Zk.ORIGIN_MARK);

    // the consumer on S takes the item: gone from T too, and not carried back
    s.delete(item);
    await("the consumed item gone from T").atMost(WITHIN).until(() -> t.exists(item) == null);
    awaitPasses(allSync, 2);
    assertThat(s.exists(item)).isNull();
    InSync.assertMigrationInSync(s, t);
    assertThat(
            MonitorLog.progress(allSync.monitorLog())
                .get(MonitorLog.progress(allSync.monitorLog()).size() - 1)
                .inSync())
        .as("the newest progress line")
        .isTrue();

    DaemonProcess verify =
        scope.startDaemon(
            DaemonProcess.Kind.ALL_SYNC,
            List.of(
                "verify",
                "--srcAddr",
                source.connectString(),
                "--dstAddr",
                target.connectString(),
                "--recheck",
                "1",
                "--recheckInterval",
                "1"));
    assertThat(verify.waitForExit(Duration.ofSeconds(60))).as(verify.diagnostics()).isZero();
    assertThat(verify.stdout()).contains("IN SYNC");
  }

  @Test
  void writesMadeWhileADaemonIsDownAreSyncedAfterItsRestart(ProcessScope scope) throws Exception {
    ZkServerProcess source = scope.startZk(E2EConfig.ZK35);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/app", bytes(""));
    DaemonProcess allSync = allSync(scope, source, target);
    DaemonProcess tSync = tSync(scope, source, target);
    InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);

    // t_sync is killed; a client on T writes its own node meanwhile
    tSync.kill9();
    t.createPersistent("/app/mapping", bytes("made while t_sync was down"));
    awaitPasses(allSync, 2);
    assertThat(t.getData("/app/mapping")).as("all_sync leaves it on T").isNotNull();
    tSync = tSync(scope, source, target);
    await("carried after t_sync's restart")
        .atMost(WITHIN)
        .until(() -> s.exists("/app/mapping") != null);

    // all_sync is killed; a client on S deletes the carried node, another changes S's node
    allSync.kill9();
    s.delete("/app/mapping");
    s.createPersistent("/app/new-on-s", bytes("s"));
    awaitPasses(tSync, 2);
    assertThat(s.exists("/app/mapping")).as("t_sync does not carry it back").isNull();
    allSync = allSync(scope, source, target);
    InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);
    assertThat(t.exists("/app/mapping")).isNull();
    assertThat(t.getData("/app/new-on-s")).isEqualTo(bytes("s"));
    assertThat(record(t, "/app/mapping")).isNull();
  }

  private static DaemonProcess allSync(
      ProcessScope scope, ZkServerProcess source, ZkServerProcess target) {
    return scope.startSync(DaemonProcess.Kind.ALL_SYNC, source, target, INTERVAL);
  }

  private static DaemonProcess tSync(
      ProcessScope scope, ZkServerProcess source, ZkServerProcess target) {
    return scope.startSync(DaemonProcess.Kind.T_SYNC, target, source, INTERVAL);
  }

  /** Waits for {@code n} more progress lines of {@code daemon}. */
  private static void awaitPasses(DaemonProcess daemon, int n) {
    MonitorLog.awaitPasses(daemon, n, WITHIN);
  }

  private static String text(Zk zk, String path) throws Exception {
    return zk.exists(path) == null ? null : new String(zk.getData(path), UTF_8);
  }

  /** The data of the record of {@code path} on T, or null without one. */
  private static String record(Zk t, String path) throws Exception {
    return text(t, "/zk2zk_migration/" + GoQueryEscape.escape(path));
  }
}
