package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.MonitorLog.Progress;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * all_sync as a user runs it ({@code ./all_sync start --srcAddr S --dstAddr T}) between two real
 * ZooKeeper 3.9 servers, checked the way a user checks it: both trees read with a plain client, and
 * the monitor log.
 */
@ExtendWith(ProcessScopeExtension.class)
class AllSyncE2EIT {

  /** Initial copy of a seeded tree (10k-wide node included). */
  private static final Duration INITIAL_SYNC = Duration.ofSeconds(90);

  /** One live change, carried by watches, not by the periodic reconcile. */
  private static final Duration LIVE_CHANGE = Duration.ofSeconds(15);

  /** Until a reconcile pass (every 5 s here) reports the final state. */
  private static final Duration PROGRESS = Duration.ofSeconds(45);

  private ProcessScope scope;
  private ZkServerProcess source;
  private ZkServerProcess target;
  private Zk s;
  private Zk t;

  @BeforeEach
  void startServers(ProcessScope scope) {
    this.scope = scope;
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    source = servers.get(0);
    target = servers.get(1);
    s = scope.connect(source);
    t = scope.connect(target);
  }

  /** {@code ./all_sync start --srcAddr S --dstAddr T --logEnableStdout=false ...}. */
  private DaemonProcess startAllSync(int syncDailyInterval, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("start");
    args.add("--srcAddr");
    args.add(source.connectString());
    args.add("--dstAddr");
    args.add(target.connectString());
    args.add("--logEnableStdout=false");
    args.add("--syncDailyInterval");
    args.add(Integer.toString(syncDailyInterval));
    args.addAll(List.of(extra));
    return scope.startDaemon(DaemonProcess.Kind.ALL_SYNC, args);
  }

  private void awaitCopied(DaemonProcess daemon, String root, Duration timeout) {
    await("T's " + root + " equal to S's")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s.readTree(root), t.readTree(root)));
  }

  /** Waits until the newest progress line reports {@code src} nodes in sync; returns it. */
  private Progress awaitInSyncProgress(DaemonProcess daemon, long src) {
    return await(
            "a progress line SrcNodeCount: ["
                + src
                + "] DstNodeCount: ["
                + src
                + "] "
                + "ChangedNodeCount: [0]")
        .atMost(PROGRESS)
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () -> MonitorLog.lastProgress(daemon.monitorLog()).orElse(null),
            p -> p != null && p.src() == src && p.inSync());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void preSeededTreeIsCopiedExactly() throws Exception {
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/persistent", bytes("p"));
    byte[] allBytes = new byte[256];
    for (int i = 0; i < 256; i++) {
      allBytes[i] = (byte) i;
    }
    s.createPersistent("/app/binary", allBytes);
    s.createPersistent("/app/null", null);
    s.createPersistent("/app/empty", new byte[0]);
    // Names that a URL-style escape or a careless split would mangle.
    List<String> oddNames =
        List.of("with space", "100%", "a+b", "名字", "é", "%2Flooks-escaped", "~tilde*star");
    for (String name : oddNames) {
      s.createPersistent("/app/" + name, bytes(name));
    }
    String sequential = s.createSequential("/app/lock-", bytes("seq"));
    // Ephemeral nodes of a client session that stays open: copied as persistent nodes.
    Zk owner = scope.connect(source);
    owner.createPersistent("/app/providers", null);
    owner.createEphemeral("/app/providers/10.0.0.1:20880", bytes("provider-1"));
    owner.createEphemeral("/app/eph", bytes("e"));

    // A wide node: 10,000 children (a getChildren answer over 100 KB).
    s.createPersistent("/wide", null);
    List<String> wide = new ArrayList<>();
    List<byte[]> wideData = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      wide.add(String.format("/wide/child-%05d", i));
      wideData.add(bytes("v" + i));
    }
    s.createPersistentBatch(wide, wideData);

    // A deep chain: 200 levels (defect 5 of docs/original-tool.md).
    List<Op> chain = new ArrayList<>();
    StringBuilder deep = new StringBuilder();
    for (int level = 1; level <= 200; level++) {
      deep.append("/d").append(level);
      chain.add(
          Op.create(
              deep.toString(),
              bytes("level " + level),
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT));
    }
    s.multi(chain);

    SortedMap<String, NodeInfo> seeded = s.readTree("/");
    assertThat(seeded).hasSize(1 + 4 + oddNames.size() + 1 + 3 + 1 + 10_000 + 200);

    DaemonProcess daemon = startAllSync(5);
    awaitCopied(daemon, "/", INITIAL_SYNC);

    // What a user would spot-check by hand.
    assertThat(t.getData("/app/binary")).isEqualTo(allBytes);
    assertThat(t.getData("/app/null")).isNull();
    assertThat(t.getData("/app/empty")).isNotNull().isEmpty();
    assertThat(t.getChildren("/app")).containsAll(oddNames);
    assertThat(t.exists(sequential)).isNotNull();
    Stat copiedEphemeral = t.exists("/app/providers/10.0.0.1:20880");
    assertThat(copiedEphemeral).isNotNull();
    assertThat(copiedEphemeral.getEphemeralOwner()).isZero();
    assertThat(t.getChildren("/wide")).hasSize(10_000);
    assertThat(t.getData(deep.toString())).isEqualTo(bytes("level 200"));
    // all_sync reads S and never writes it.
    assertThat(s.readTree("/")).isEqualTo(seeded);
  }

  @Test
  void liveChangesOnSourceReachTarget() throws Exception {
    s.createPersistent("/live", bytes("root"));
    s.createPersistent("/live/svc", null);
    // A reconcile pass every 10 minutes: what reaches T below within seconds came through watches.
    DaemonProcess daemon = startAllSync(600);
    awaitCopied(daemon, "/live", INITIAL_SYNC);

    s.createPersistent("/live/a", bytes("1"));
    awaitData(daemon, "/live/a", bytes("1"));

    s.setData("/live/a", bytes("2"));
    awaitData(daemon, "/live/a", bytes("2"));

    s.setData("/live/a", null);
    awaitData(daemon, "/live/a", null);

    s.delete("/live/a");
    awaitAbsent(daemon, "/live/a");

    // A parent and its children in one transaction (defect 1 of docs/original-tool.md).
    List<Op> tx = new ArrayList<>();
    tx.add(
        Op.create("/live/parent", bytes("p"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    for (int i = 1; i <= 3; i++) {
      tx.add(
          Op.create(
              "/live/parent/c" + i,
              bytes("c" + i),
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT));
    }
    s.multi(tx);
    awaitCopied(daemon, "/live/parent", LIVE_CHANGE);

    // Ephemeral registrations: copied while their session lives, removed from T when it closes.
    Zk owner = scope.connect(source);
    owner.createEphemeral("/live/svc/e1", bytes("instance-1"));
    owner.createEphemeral("/live/svc/e2", null);
    awaitData(daemon, "/live/svc/e1", bytes("instance-1"));
    awaitData(daemon, "/live/svc/e2", null);
    assertThat(t.exists("/live/svc/e1").getEphemeralOwner()).isZero();

    owner.close();
    awaitAbsent(daemon, "/live/svc/e1");
    awaitAbsent(daemon, "/live/svc/e2");
    assertThat(t.exists("/live/svc")).isNotNull();

    Trees.assertCopied(s.readTree("/live"), t.readTree("/live"));
  }

  private void awaitData(DaemonProcess daemon, String path, byte[] data) {
    await(path + " on T with data " + NodeInfo.describe(data))
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> assertThat(t.getData(path)).isEqualTo(data));
  }

  private void awaitAbsent(DaemonProcess daemon, String path) {
    await(path + " gone from T")
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(100))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> t.exists(path) == null);
  }

  @Test
  void excludedSubtreesAreNeitherCopiedNorTouchedButLookalikesAre() throws Exception {
    // Clients may write under /zookeeper; it is ZooKeeper's own subtree on each side.
    s.createPersistent("/zookeeper/foo", bytes("client-made"));
    s.createPersistent("/zk2zk_migration", new byte[0]);
    s.createPersistent("/zk2zk_migration/%2Fsource-only", new byte[0]);
    s.createPersistent("/zk2zk_ha", null);
    s.createPersistent("/zk2zk_ha/source-only", null);
    // Paths that merely start like an excluded one are ordinary data (defect 4 of
    // docs/original-tool.md).
    s.createPersistent("/zookeeperX", bytes("x"));
    s.createPersistent("/zookeeperX/child", bytes("y"));
    s.createPersistent("/zookeeper_", null);
    s.createPersistent("/zk2zk_migrationX", null);
    s.createPersistent("/zk2zk_ha2", null);
    s.createPersistent("/plain", bytes("plain"));

    SortedMap<String, NodeInfo> targetZookeeperBefore = t.readTree("/zookeeper", List.of());
    SortedMap<String, NodeInfo> sourceZookeeperBefore = s.readTree("/zookeeper", List.of());
    SortedMap<String, NodeInfo> sourceMigrationBefore = s.readTree("/zk2zk_migration", List.of());

    DaemonProcess daemon = startAllSync(5);
    awaitCopied(daemon, "/", INITIAL_SYNC);
    // Wait for a whole pass over the final state, so that absences below are not just "not yet".
    awaitInSyncProgress(daemon, s.readTree("/").size());

    assertThat(t.readTree("/"))
        .containsKeys(
            "/zookeeperX", "/zookeeperX/child", "/zookeeper_", "/zk2zk_migrationX", "/zk2zk_ha2");
    assertThat(t.readTree("/zookeeper", List.of())).isEqualTo(targetZookeeperBefore);
    assertThat(t.exists("/zookeeper/foo")).isNull();
    assertThat(t.exists("/zk2zk_migration/%2Fsource-only")).isNull();
    assertThat(t.exists("/zk2zk_ha/source-only")).isNull();
    // all_sync creates /zk2zk_migration on T at start (for t_sync's records).
    assertThat(t.exists("/zk2zk_migration")).isNotNull();

    assertThat(s.readTree("/zookeeper", List.of())).isEqualTo(sourceZookeeperBefore);
    assertThat(s.readTree("/zk2zk_migration", List.of())).isEqualTo(sourceMigrationBefore);
    assertThat(s.exists("/zk2zk_ha/source-only")).isNotNull();
  }

  @Test
  void pathOptionLimitsTheSyncToThatSubtree() throws Exception {
    s.createPersistent("/svc", bytes("svc"));
    s.createPersistent("/svc/a", bytes("a"));
    s.createPersistent("/svc/a/b", null);
    Zk owner = scope.connect(source);
    owner.createEphemeral("/svc/a/e", bytes("e"));
    s.createPersistent("/svcX", null);
    s.createPersistent("/svcX/y", null);
    s.createPersistent("/other", null);
    s.createPersistent("/other/x", null);

    DaemonProcess daemon = startAllSync(5, "--path", "/svc");
    awaitCopied(daemon, "/svc", INITIAL_SYNC);

    s.createPersistent("/svc/late", bytes("late"));
    s.createPersistent("/other/late", bytes("late"));
    awaitData(daemon, "/svc/late", bytes("late"));

    int subtree = s.readTree("/svc").size();
    Progress progress =
        await("an in-sync progress line")
            .atMost(PROGRESS)
            .pollInterval(Duration.ofMillis(500))
            .failFast("all_sync exited", () -> !daemon.isAlive())
            .until(
                () -> MonitorLog.lastProgress(daemon.monitorLog()).orElse(null),
                p -> p != null && p.inSync() && p.src() >= subtree - 1);
    // docs/cli-and-logs.md counts the nodes "under --path"; whether /svc itself counts is left
    // open there.
    assertThat(progress.src()).isIn((long) subtree, (long) subtree - 1);

    // T holds /svc's subtree and nothing else (outside the excluded subtrees).
    assertThat(t.readTree("/").keySet()).isEqualTo(s.readTree("/svc").keySet());
    Trees.assertCopied(s.readTree("/svc"), t.readTree("/svc"));
  }

  @Test
  void monitorLogAuditsEachWriteAndReportsProgress() throws Exception {
    List<String> seeded = List.of("/m", "/m/a", "/m/b", "/m/c", "/m/c/d");
    for (String path : seeded) {
      s.createPersistent(path, path.equals("/m/b") ? null : bytes(path));
    }
    s.createPersistent("/other", bytes("o"));

    DaemonProcess daemon = startAllSync(5);
    awaitCopied(daemon, "/", INITIAL_SYNC);
    for (String path : seeded) {
      await("one create line for " + path)
          .atMost(LIVE_CHANGE)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> MonitorLog.count(daemon.monitorLog(), MonitorLog.created(path)) == 1);
    }

    s.setData("/m/a", bytes("changed"));
    await("a data-change line for /m/a")
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> MonitorLog.count(daemon.monitorLog(), MonitorLog.dataChanged("/m/a")) == 1);

    s.delete("/m/b");
    await("a delete line for /m/b")
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> MonitorLog.count(daemon.monitorLog(), MonitorLog.deleted("/m/b")) == 1);

    // Our own count of S's nodes: excluded subtrees and / itself left out.
    long sourceNodes = s.readTree("/").size();
    assertThat(sourceNodes).isEqualTo(seeded.size() - 1 + 1);
    awaitInSyncProgress(daemon, sourceNodes);

    List<String> log = daemon.monitorLog();
    // `grep /m/a monitor/all_sync.log` tells the path's history in order.
    List<String> historyOfA = log.stream().filter(l -> l.contains("[/m/a]")).toList();
    assertThat(MonitorLog.indexOf(historyOfA, MonitorLog.created("/m/a")))
        .isNotNegative()
        .isLessThan(MonitorLog.indexOf(historyOfA, MonitorLog.dataChanged("/m/a")));
    assertThat(log).noneMatch(line -> line.contains("\t[fail]\t"));
  }
}
