package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.apache.zookeeper.Op;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Daemons killed ({@code kill -9}) or stopped at awkward moments and started again, as a user
 * restarts them (same working directory, same flags): the restart's first pass converges, with no
 * duplicate, no leftover, no lost node and no manual clean-up.
 */
@ExtendWith(ProcessScopeExtension.class)
class DaemonRestartE2EIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Duration LIVE_CHANGE = Duration.ofSeconds(10);

  private ProcessScope scope;
  private ZkServerProcess source;
  private ZkServerProcess target;
  private Zk s;
  private Zk t;

  @BeforeEach
  void init(ProcessScope scope) {
    this.scope = scope;
  }

  /** S on {@code sourceVersion}, T on 3.9, and a plain client to each. */
  private void startServers(String sourceVersion) {
    source = scope.register(ZkServerProcess.standalone(sourceVersion, scope.newDir("zk-source")));
    target = scope.register(ZkServerProcess.standalone(E2EConfig.ZK39, scope.newDir("zk-target")));
    source.launch();
    target.launch();
    source.awaitServing(ZkServerProcess.START_TIMEOUT);
    target.awaitServing(ZkServerProcess.START_TIMEOUT);
    s = scope.connect(source);
    t = scope.connect(target);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** The same command in the same directory each time, as a user restarts a daemon. */
  private DaemonProcess startAllSync() {
    return scope.startDaemon(
        DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.dir().resolve("all_sync-run"))
            .args(
                "start",
                "--srcAddr",
                source.connectString(),
                "--dstAddr",
                target.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "600"));
  }

  private DaemonProcess startTSync() {
    return scope.startDaemon(
        DaemonProcess.builder(DaemonProcess.Kind.T_SYNC, scope.dir().resolve("t_sync-run"))
            .args(
                "start",
                "--srcAddr",
                target.connectString(),
                "--dstAddr",
                source.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "600"));
  }

  private void awaitCopied(DaemonProcess daemon) {
    await("T equal to S")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s.readTree("/"), t.readTree("/")));
  }

  /** Children of {@code path} on T, 0 while it is absent. */
  private int childrenOnT(String path) throws Exception {
    var stat = t.exists(path);
    return stat == null ? 0 : stat.getNumChildren();
  }

  /**
   * Polls {@code progress} until {@code window} says the daemon is in the middle of its work, then
   * kills it ({@code kill -9}); returns the value seen at the kill.
   */
  private static int killWhen(
      DaemonProcess daemon, String what, IntSupplier progress, Predicate<Integer> window) {
    int seen =
        await(what)
            .atMost(CONVERGE)
            .pollInterval(Duration.ofMillis(5))
            .failFast(daemon.kind().launcherName() + " exited", () -> !daemon.isAlive())
            .until(progress::getAsInt, window);
    daemon.kill9();
    return seen;
  }

  private IntSupplier children(String path) {
    return () -> {
      try {
        return childrenOnT(path);
      } catch (Exception e) {
        return Integer.MAX_VALUE; // unknown: never inside a window
      }
    };
  }

  private static List<String> paths(String parent, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(String.format("%s/n%05d", parent, i));
    }
    return out;
  }

  private static List<byte[]> values(List<String> paths) {
    return paths.stream().map(p -> bytes("value of " + p)).toList();
  }

  @Test
  void allSyncKilledMidInitialSyncMidLiveBatchAndMidDelete() throws Exception {
    startServers(E2EConfig.ZK39);
    // 1. mid initial sync
    s.createPersistent("/big", bytes("big"));
    List<String> big = paths("/big", 5_000);
    s.createPersistentBatch(big, values(big));
    DaemonProcess daemon = startAllSync();
    int copied =
        killWhen(daemon, "T holds part of /big", children("/big"), n -> n > 0 && n < 5_000);
    System.err.println("killed during the initial sync with " + copied + " of 5000 copied");
    daemon = startAllSync();
    awaitCopied(daemon);

    // 2. mid live batch: S gets 3,000 nodes in transactions of 500 while all_sync copies them
    s.createPersistent("/live", null);
    List<String> live = paths("/live", 3_000);
    CompletableFuture<Void> writes =
        CompletableFuture.runAsync(
            () -> {
              try {
                s.createPersistentBatch(live, values(live));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    copied = killWhen(daemon, "T holds part of /live", children("/live"), n -> n > 0 && n < 3_000);
    System.err.println("killed during live copies with " + copied + " of 3000 copied");
    writes.get();
    daemon = startAllSync();
    awaitCopied(daemon);

    // 3. while deleting: /live goes from S in transactions of 500, all_sync deletes it from T
    CompletableFuture<Void> deletes =
        CompletableFuture.runAsync(
            () -> {
              try {
                List<Op> batch = new ArrayList<>();
                for (String p : live) {
                  batch.add(Op.delete(p, -1));
                  if (batch.size() == 500) {
                    s.multi(batch);
                    batch.clear();
                  }
                }
                s.delete("/live");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // deletes go fast: a poll may see none left (0 once /live itself is gone); the kill then
    // lands after the last delete was sent, which a restart must survive as well
    int left = killWhen(daemon, "T lost part of /live", children("/live"), n -> n < 3_000);
    System.err.println("killed while deleting with " + left + " of 3000 left on T");
    deletes.get();
    daemon = startAllSync();
    awaitCopied(daemon);
    assertThat(t.exists("/live")).isNull();

    // nothing failed, no guard or other alarm fired, and the daemon still follows S
    List<String> log = daemon.monitorLog();
    assertThat(log).noneMatch(l -> l.contains("[Alarm]"));
    s.createPersistent("/after", bytes("after"));
    await("a live change after the restarts")
        .atMost(LIVE_CHANGE)
        .ignoreExceptions()
        .until(() -> t.getData("/after") != null);
  }

  // ---- live changes while the restart's first pass walks ---------------------------------------

  /**
   * all_sync restarts while S takes traffic: T already holds S's 5,000 nodes, and while the first
   * pass walks them every one of them changes on S (a third deleted, the others new data). The
   * watches carry each change to T; the pass, which read some of these nodes on S before they
   * changed, must not write its older reads over them (old data back, deleted nodes created again).
   * With no periodic pass for ten minutes, T must equal S once the writes stop.
   */
  @Test
  void liveChangesDuringTheRestartsFirstPassAreKept() throws Exception {
    startServers(E2EConfig.ZK39);
    s.createPersistent("/big", bytes("big"));
    t.createPersistent("/big", bytes("big"));
    List<String> big = paths("/big", 5_000);
    s.createPersistentBatch(big, values(big));
    t.createPersistentBatch(big, values(big));

    DaemonProcess daemon = startAllSync();
    await("the first pass starts")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(10))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> daemon.runtimeLog().contains("reconcile pass starting"));
    // a third of the nodes go, the others get new data
    for (int i = 0; i < big.size(); i++) {
      if (i % 3 == 0) {
        s.delete(big.get(i));
      } else {
        s.setData(big.get(i), bytes("changed " + big.get(i)));
      }
    }
    assertThat(daemon.runtimeLog())
        .as("the pass ran while S changed")
        .contains("reconcile pass done");
    await("T holds S's newest data")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s.readTree("/"), t.readTree("/")));
  }

  // ---- t_sync killed while it copies and while it deletes -------------------------------------

  /** Registers {@code count} ephemerals {@code prefix-i} under {@code parent} in one client. */
  private Zk registerMany(String parent, String prefix, int count) throws Exception {
    Zk client = scope.connect(target);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String p = parent + "/" + prefix + "-" + i;
      ops.add(
          Op.create(
              p,
              bytes("instance " + p),
              org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
              org.apache.zookeeper.CreateMode.EPHEMERAL));
      if (ops.size() == 500) {
        client.multi(ops);
        ops.clear();
      }
    }
    if (!ops.isEmpty()) {
      client.multi(ops);
    }
    return client;
  }

  private IntSupplier childrenOnS(String path) {
    return () -> {
      try {
        var stat = s.exists(path);
        return stat == null ? 0 : stat.getNumChildren();
      } catch (Exception e) {
        return Integer.MAX_VALUE; // unknown: never inside a window
      }
    };
  }

  /**
   * t_sync writes a record, then the copy on S; deletes the copy, then the record. Killed between
   * any two of these writes, its restart must converge: no copy without a record, no record naming
   * nothing, no copy left of a client that left.
   */
  @Test
  void tSyncKilledMidCopyAndMidDelete() throws Exception {
    startServers(E2EConfig.ZK39);
    s.createPersistent("/reg", null);
    s.createPersistent("/reg/providers", null);
    DaemonProcess allSync = startAllSync();
    await("/reg/providers on T").atMost(CONVERGE).until(() -> t.exists("/reg/providers") != null);
    // 3,000 instances stay, 2,000 will leave together (less than half of them: the mass-delete
    // guard is not what this test is about)
    registerMany("/reg/providers", "stays", 3_000);
    Zk leaving = registerMany("/reg/providers", "leaves", 2_000);

    DaemonProcess tSync = startTSync();
    int copied =
        killWhen(
            tSync,
            "S holds part of T's instances",
            childrenOnS("/reg/providers"),
            n -> n > 0 && n < 5_000);
    System.err.println("t_sync killed while copying with " + copied + " of 5000 on S");
    tSync = startTSync();
    awaitInSync(allSync, tSync);

    leaving.close();
    int left =
        killWhen(
            tSync,
            "S lost part of the leaving instances",
            childrenOnS("/reg/providers"),
            n -> n < 5_000);
    System.err.println("t_sync killed while deleting with " + left + " of 5000 on S");
    tSync = startTSync();
    awaitInSync(allSync, tSync);
    assertThat(s.getChildren("/reg/providers"))
        .hasSize(3_000)
        .allMatch(n -> n.startsWith("stays-"));
    assertThat(InSync.recordedPaths(t)).hasSize(3_000);
    assertThat(allSync.monitorLog())
        .as("all_sync never copies t_sync's copies")
        .noneMatch(l -> l.contains("\t[/reg/providers/"));
    assertThat(tSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
  }

  // ---- both daemons restarted, in either order ------------------------------------------------

  /** A client that registers one ephemeral and keeps its session; returns the client. */
  private Zk register(ZkServerProcess server, String path) throws Exception {
    Zk client = scope.connect(server);
    client.createEphemeral(path, bytes("instance " + path));
    return client;
  }

  private void awaitInSync(DaemonProcess... daemons) {
    await("both sides in sync")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .failFast(
            "a daemon exited", () -> java.util.Arrays.stream(daemons).anyMatch(d -> !d.isAlive()))
        .untilAsserted(() -> InSync.assertMigrationInSync(s, t));
  }

  private void awaitFirstPass(DaemonProcess daemon) {
    int before = MonitorLog.progress(daemon.monitorLog()).size();
    await(daemon.kind().launcherName() + "'s first pass")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .failFast("it exited", () -> !daemon.isAlive())
        .until(() -> MonitorLog.progress(daemon.monitorLog()).size() > before);
  }

  /** What each side holds, without data: path → E or P. */
  private static Map<String, String> shape(SortedMap<String, NodeInfo> tree) {
    Map<String, String> out = new java.util.TreeMap<>();
    tree.forEach((p, n) -> out.put(p, n.ephemeral() ? "E" : "P"));
    return out;
  }

  @ParameterizedTest(name = "S on ZooKeeper {0}")
  @ValueSource(strings = {"3.9", "3.4"})
  void bothDaemonsRestartedInEitherOrder(String sourceVersion) throws Exception {
    startServers(sourceVersion.equals("3.4") ? E2EConfig.ZK34 : E2EConfig.ZK39);
    s.createPersistent("/conf", bytes("conf"));
    for (String k : List.of("a", "b", "c", "d")) {
      s.createPersistent("/conf/" + k, bytes(k));
    }
    s.createPersistent("/reg", null);
    s.createPersistent("/reg/providers", null);
    Map<String, Zk> clients = new java.util.HashMap<>();
    clients.put("s-1", register(source, "/reg/providers/s-1"));
    clients.put("s-2", register(source, "/reg/providers/s-2"));
    clients.put("s-3", register(source, "/reg/providers/s-3"));
    DaemonProcess allSync = startAllSync();
    DaemonProcess tSync = startTSync();
    await("/reg/providers on T").atMost(CONVERGE).until(() -> t.exists("/reg/providers") != null);
    clients.put("t-1", register(target, "/reg/providers/t-1"));
    clients.put("t-2", register(target, "/reg/providers/t-2"));
    clients.put("t-3", register(target, "/reg/providers/t-3"));
    awaitInSync(allSync, tSync);

    // round 1: both killed; meanwhile clients come and go on both sides and S's config changes;
    // all_sync comes back first, t_sync once all_sync has made a pass
    allSync.kill9();
    tSync.kill9();
    clients.remove("s-2").close();
    clients.remove("t-2").close();
    clients.put("s-4", register(source, "/reg/providers/s-4"));
    clients.put("t-4", register(target, "/reg/providers/t-4"));
    s.setData("/conf/a", bytes("a, round 1"));
    s.delete("/conf/b");
    s.createPersistent("/conf/e", bytes("e"));
    allSync = startAllSync();
    awaitFirstPass(allSync);
    tSync = startTSync();
    awaitInSync(allSync, tSync);
    assertEndState(clients);

    // round 2: both stopped cleanly; t_sync comes back first, all_sync after t_sync's first pass
    allSync.sigterm();
    tSync.sigterm();
    assertThat(allSync.waitForExit(Duration.ofSeconds(15))).isZero();
    assertThat(tSync.waitForExit(Duration.ofSeconds(15))).isZero();
    clients.remove("s-3").close();
    clients.remove("t-3").close();
    clients.put("s-5", register(source, "/reg/providers/s-5"));
    clients.put("t-5", register(target, "/reg/providers/t-5"));
    s.setData("/conf/c", bytes("c, round 2"));
    s.delete("/conf/d");
    s.createPersistent("/conf/f", bytes("f"));
    tSync = startTSync();
    awaitFirstPass(tSync);
    allSync = startAllSync();
    awaitInSync(allSync, tSync);
    assertEndState(clients);

    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]") || l.contains("[fail]"));
    assertThat(tSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]") || l.contains("[fail]"));
  }

  /**
   * The state the migration would be in had the daemons never stopped: S's config on both sides,
   * every live instance on both sides (ephemeral where its client is, a persistent copy on the
   * other side), a record for each T instance and nothing else.
   */
  private void assertEndState(Map<String, Zk> clients) throws Exception {
    Map<String, String> expectedS = new java.util.TreeMap<>();
    Map<String, String> expectedT = new java.util.TreeMap<>();
    for (String p : s.readTree("/conf").keySet()) {
      expectedS.put(p, "P");
      expectedT.put(p, "P");
    }
    for (String p : List.of("/reg", "/reg/providers")) {
      expectedS.put(p, "P");
      expectedT.put(p, "P");
    }
    List<String> tInstances = new ArrayList<>();
    for (String name : clients.keySet()) {
      String p = "/reg/providers/" + name;
      boolean onS = name.startsWith("s-");
      expectedS.put(p, onS ? "E" : "P");
      expectedT.put(p, onS ? "P" : "E");
      if (!onS) {
        tInstances.add(p);
      }
    }
    assertThat(shape(s.readTree("/"))).as("S").isEqualTo(expectedS);
    assertThat(shape(t.readTree("/"))).as("T").isEqualTo(expectedT);
    assertThat(InSync.recordedPaths(t)).containsExactlyInAnyOrderElementsOf(tInstances);
    assertThat(t.readTree("/conf")).isEqualTo(s.readTree("/conf"));
  }
}
