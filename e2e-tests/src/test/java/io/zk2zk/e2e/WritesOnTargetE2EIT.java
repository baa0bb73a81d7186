package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
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

/**
 * Clients that moved to T write persistent nodes there (issue 13): with both packaged daemons
 * running and passes every 2 s, a Dubbo-style mapping node and a queue item under a parent created
 * on the fly stay on T through the passes (rule 33), each reported once; a copy whose original S
 * deleted still goes; the progress line and {@code verify} say in sync, with the client's nodes as
 * {@code kept}. S runs ZooKeeper 3.5, T 3.9.
 */
@ExtendWith(ProcessScopeExtension.class)
class WritesOnTargetE2EIT {

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void persistentNodesClientsCreateOnTStayThere(ProcessScope scope) throws Exception {
    ZkServerProcess source = scope.startZk(E2EConfig.ZK35);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createWithParents("/dubbo/mapping/com.a.Old", bytes("app-a"), CreateMode.PERSISTENT);
    s.createPersistent("/conf", bytes("c"));
    List<String> flags = List.of("--logEnableStdout=false", "--syncDailyInterval", "2");
    DaemonProcess allSync =
        scope.startDaemon(
            DaemonProcess.Kind.ALL_SYNC,
            concat(
                List.of(
                    "start",
                    "--srcAddr",
                    source.connectString(),
                    "--dstAddr",
                    target.connectString()),
                flags));
    DaemonProcess tSync =
        scope.startDaemon(
            DaemonProcess.Kind.T_SYNC,
            concat(
                List.of(
                    "start",
                    "--srcAddr",
                    target.connectString(),
                    "--dstAddr",
                    source.connectString()),
                flags));
    InSync.awaitMigrationInSync(s, t, Duration.ofSeconds(30), allSync, tSync);

    // issue 13, cases 1 and 2: a new interface's mapping, and a queue item whose parent the
    // producer creates on the fly; meanwhile S deletes a node T holds a copy of
    t.createPersistent("/dubbo/mapping/com.b.New", bytes("app-b"));
    String item =
        t.createWithParents("/queue/item-", bytes("job 1"), CreateMode.PERSISTENT_SEQUENTIAL);
    s.delete("/conf");
    int before = MonitorLog.progress(allSync.monitorLog()).size();
    await("three passes of all_sync after the writes on T")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !allSync.isAlive())
        .until(() -> MonitorLog.progress(allSync.monitorLog()).size() >= before + 3);

    assertThat(t.getData("/dubbo/mapping/com.b.New")).isEqualTo(bytes("app-b"));
    assertThat(t.getData(item)).isEqualTo(bytes("job 1"));
    assertThat(t.exists("/conf")).isNull();
    List<String> monitor = allSync.monitorLog();
    for (String kept : List.of("/dubbo/mapping/com.b.New", "/queue", item)) {
      assertThat(monitor)
          .as("the lines of " + kept)
          .filteredOn(l -> l.endsWith("\t[" + kept + "]"))
          .singleElement()
          .asString()
          .endsWith(
              " WARN [Alarm]\t[fail]\t[kept: created on the target by a client (no origin mark),"
                  + " not a copy from the source (rule 33)]\t["
                  + kept
                  + "]");
    }
    assertThat(MonitorLog.count(monitor, MonitorLog.deleted("/conf"))).isEqualTo(1);
    assertThat(monitor).noneMatch(l -> l.contains("[EventNodeDeleted]") && l.contains("mapping"));
    assertThat(MonitorLog.progress(monitor).get(MonitorLog.progress(monitor).size() - 1).inSync())
        .as("the newest progress line")
        .isTrue();
    InSync.assertMigrationInSync(s, t);
    // a copy carries the origin mark, a client's node does not
    assertThat(t.raw().getACL("/dubbo/mapping/com.a.Old", new Stat())).contains(Zk.ORIGIN_MARK);
    assertThat(t.raw().getACL("/dubbo/mapping/com.b.New", new Stat()))
        .doesNotContain(Zk.ORIGIN_MARK);

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
    assertThat(verify.stdout()).contains("IN SYNC").contains("/dubbo/mapping/com.b.New");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
