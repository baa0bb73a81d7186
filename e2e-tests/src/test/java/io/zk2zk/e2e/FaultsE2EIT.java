package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.DyingClient;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FileTail;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Signals;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkEnsemble;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault table of docs/spec-operations.md, row by row, with the packaged daemons and real server
 * processes: an ensemble going down and coming back, the daemon's own session expiring, clients'
 * sessions ending, an ensemble member and its leader lost. Every daemon here runs with {@code
 * --syncDailyInterval 600}: what reaches the other side within seconds came from watches or from
 * the reconcile pass that a reconnect must trigger, never from the periodic pass.
 */
@ExtendWith(ProcessScopeExtension.class)
class FaultsE2EIT {

  /** Never reached within a test: only watches and reconnect-triggered passes sync. */
  private static final String NO_PERIODIC_PASS = "600";

  /** One live change, carried by a watch. */
  private static final Duration LIVE_CHANGE = Duration.ofSeconds(10);

  /** Until a small tree is copied after a start or an outage. */
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  /** How long an ensemble stays down: ten failed reconnect attempts of a client. */
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  private ProcessScope scope;
  private ZkServerProcess source;
  private ZkServerProcess target;

  @BeforeEach
  void init(ProcessScope scope) {
    this.scope = scope;
  }

  private void startServers() {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    source = servers.get(0);
    target = servers.get(1);
  }

  /** S of the given version ("3.4": per-node watches; "3.9": one persistent watch), T on 3.9. */
  private void startServers(String sourceVersion) {
    if (sourceVersion.equals("3.9")) {
      startServers();
      return;
    }
    source = scope.register(ZkServerProcess.standalone(E2EConfig.ZK34, scope.newDir("zk-source")));
    target = scope.register(ZkServerProcess.standalone(E2EConfig.ZK39, scope.newDir("zk-target")));
    source.launch();
    target.launch();
    source.awaitServing(ZkServerProcess.START_TIMEOUT);
    target.awaitServing(ZkServerProcess.START_TIMEOUT);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private DaemonProcess startAllSync(String srcAddr, String dstAddr, String... extra) {
    return startDaemon(DaemonProcess.Kind.ALL_SYNC, "all_sync-run", srcAddr, dstAddr, extra);
  }

  private DaemonProcess startTSync(String srcAddr, String dstAddr, String... extra) {
    return startDaemon(DaemonProcess.Kind.T_SYNC, "t_sync-run", srcAddr, dstAddr, extra);
  }

  /**
   * {@code ./<daemon> start --srcAddr … --dstAddr …}, without periodic passes, plus extra flags.
   */
  private DaemonProcess startDaemon(
      DaemonProcess.Kind kind, String dir, String srcAddr, String dstAddr, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "start",
                "--srcAddr",
                srcAddr,
                "--dstAddr",
                dstAddr,
                "--logEnableStdout=false",
                "--syncDailyInterval",
                NO_PERIODIC_PASS));
    args.addAll(Arrays.asList(extra));
    return scope.startDaemon(DaemonProcess.builder(kind, scope.dir().resolve(dir)).args(args));
  }

  private static void awaitMigrationInSync(Zk s, Zk t, Duration within, DaemonProcess... daemons) {
    InSync.awaitMigrationInSync(s, t, within, daemons);
  }

  private static List<String> runtimeLines(DaemonProcess daemon) {
    return daemon.runtimeLines();
  }

  private static List<String> linesSince(DaemonProcess daemon, int from) {
    List<String> all = runtimeLines(daemon);
    return all.subList(Math.min(from, all.size()), all.size());
  }

  private static long countInFile(Path file, String fragment) {
    return Arrays.stream(FileTail.read(file).split("\n")).filter(l -> l.contains(fragment)).count();
  }

  private static long count(List<String> lines, String... fragments) {
    return lines.stream().filter(l -> Arrays.stream(fragments).allMatch(l::contains)).count();
  }

  private static void awaitCopied(DaemonProcess daemon, Zk s, Zk t, String root, Duration within) {
    await("T's " + root + " equal to S's")
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s.readTree(root), t.readTree(root)));
  }

  // ---- source ensemble down, then back --------------------------------------------------------

  /**
   * S is all_sync's source and t_sync's target. It goes down twice: a clean stop for as long as the
   * daemons' sessions (they expire meanwhile), then a kill -9 for half of it (they survive). While
   * it is down, S's copies on T are changed by hand (all_sync watches only S, so only the full
   * reconcile a reconnect must run can undo that), a client creates a node of its own on T (rule
   * 33: it stays), and clients come and go on T (t_sync's writes to S wait).
   */
  @Test
  void sourceDownThenBack() throws Exception {
    startServers();
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/providers", null);
    for (int i = 0; i < 20; i++) {
      s.createPersistent("/app/n" + i, bytes("v" + i));
    }
    DaemonProcess allSync = startAllSync(source.connectString(), target.connectString());
    DaemonProcess tSync = startTSync(target.connectString(), source.connectString());
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    Zk leavesDuringSecondOutage = scope.connect(target);
    leavesDuringSecondOutage.createEphemeral("/app/providers/t-leaves", bytes("t-leaves"));
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);

    for (String how : List.of("stop", "kill -9")) {
      Duration outage = how.equals("stop") ? OUTAGE : OUTAGE.dividedBy(2);
      String tag = how.equals("stop") ? "a" : "b";
      int allSyncBefore = runtimeLines(allSync).size();
      int tSyncBefore = runtimeLines(tSync).size();
      if (how.equals("stop")) {
        source.stop();
      } else {
        source.kill9();
      }
      await("all_sync logs the source outage (" + how + ")")
          .atMost(LIVE_CHANGE)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> count(linesSince(allSync, allSyncBefore), "source", "disconnected") > 0);
      t.delete("/app/n1" + (how.equals("stop") ? "1" : "2"));
      t.setData("/app/n1" + (how.equals("stop") ? "3" : "4"), bytes("changed on T " + tag));
      t.createPersistent("/app/extra-" + tag, bytes("only on T"));
      Zk arrives = scope.connect(target);
      arrives.createEphemeral("/app/providers/t-" + tag, bytes("t-" + tag));
      if (how.equals("kill -9")) {
        leavesDuringSecondOutage.close();
      }
      await("both daemons keep running while S is down (" + how + ")")
          .during(outage)
          .atMost(outage.plusSeconds(5))
          .until(() -> allSync.isAlive() && tSync.isAlive());
      List<String> allSyncDuring = linesSince(allSync, allSyncBefore);
      List<String> tSyncDuring = linesSince(tSync, tSyncBefore);

      source.start();
      // changes made on S as soon as it is back
      Zk s2 = scope.connect(source);
      s2.createPersistent("/app/after-" + tag, bytes("after " + tag));
      s2.setData("/app/n0", bytes("after " + tag));
      s2.delete("/app/n" + (how.equals("stop") ? "5" : "6"));
      awaitMigrationInSync(s2, t, CONVERGE, allSync, tSync);
      assertThat(t.getData("/app/extra-" + tag)).isEqualTo(bytes("only on T"));
      assertThat(s2.exists("/app/providers/t-" + tag)).isNotNull();
      if (how.equals("kill -9")) {
        assertThat(s2.exists("/app/providers/t-leaves")).isNull();
      }

      List<String> allSyncOutage = linesSince(allSync, allSyncBefore);
      List<String> tSyncOutage = linesSince(tSync, tSyncBefore);
      assertThat(count(allSyncOutage, "source", "disconnected"))
          .as("all_sync: lines saying S is disconnected, one outage (%s):%n%s", how, allSyncOutage)
          .isBetween(1L, 2L);
      assertThat(count(tSyncOutage, "target", "disconnected"))
          .as("t_sync: lines saying S is disconnected, one outage (%s):%n%s", how, tSyncOutage)
          .isBetween(1L, 2L);
      // "logs the outage once (not once a second)": a 10 s outage is a handful of lines at most
      assertThat(allSyncDuring)
          .as("all_sync's lines during a %s s outage (%s)", outage.toSeconds(), how)
          .hasSizeLessThanOrEqualTo(6);
      assertThat(tSyncDuring)
          .as("t_sync's lines during a %s s outage (%s)", outage.toSeconds(), how)
          .hasSizeLessThanOrEqualTo(6);
      assertThat(count(allSyncOutage, "reconcile pass starting"))
          .as("a reconcile pass after the outage (%s):%n%s", how, allSyncOutage)
          .isGreaterThanOrEqualTo(1);
      // and from now on, as fast as ever: the watches are back
      s2.createPersistent("/app/later-" + tag, bytes("later"));
      awaitData(allSync, t, "/app/later-" + tag, bytes("later"));
      s = s2;
    }
    assertNeverWroteTSyncCopies(allSync, "/app/providers/t-");
  }

  private static void awaitData(DaemonProcess daemon, Zk t, String path, byte[] data) {
    await(path + " on T")
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> assertThat(t.getData(path)).isEqualTo(data));
  }

  private static void awaitAbsent(DaemonProcess daemon, Zk side, String path, Duration within) {
    await(path + " gone from " + side)
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .failFast(daemon + " exited", () -> !daemon.isAlive())
        .until(() -> side.exists(path) == null);
  }

  // ---- target ensemble down, then back --------------------------------------------------------

  private static final int BIG = 40_000;

  @Test
  void targetDownDuringInitialSyncAndDuringLiveTraffic() throws Exception {
    startServers();
    Zk s = scope.connect(source);
    s.createPersistent("/big", bytes("big"));
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    // enough that the kill lands inside the initial sync: the pass writes a level's chunks eight
    // at a time, and 5,000 nodes were one round of them
    for (int i = 0; i < BIG; i++) {
      paths.add(String.format("/big/n%05d", i));
      data.add(bytes("value " + i));
    }
    s.createPersistentBatch(paths, data);
    Zk probe = scope.connect(target);

    long startedAt = System.nanoTime();
    DaemonProcess daemon = startAllSync(source.connectString(), target.connectString());
    // kill -9 T as soon as it holds some of /big's children, long before all of them
    int copiedAtKill =
        await("T holds some of /big's children")
            .atMost(CONVERGE)
            .pollInterval(Duration.ofMillis(5))
            .ignoreExceptions()
            .failFast("all_sync exited", () -> !daemon.isAlive())
            .until(
                () -> probe.exists("/big") == null ? 0 : probe.exists("/big").getNumChildren(),
                n -> n > 0);
    target.kill9();
    System.err.printf(
        "T killed after %d ms with %d of %d copied%n",
        (System.nanoTime() - startedAt) / 1_000_000, copiedAtKill, BIG);
    assertThat(copiedAtKill)
        .as("copied when T was killed: the kill must hit the initial sync")
        .isLessThan(BIG);
    await("all_sync keeps running while T is down")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(8))
        .until(daemon::isAlive);
    target.start();
    Zk t = scope.connect(target);
    awaitCopied(daemon, s, t, "/", Duration.ofSeconds(60));
    System.err.printf("converged after %d ms%n", (System.nanoTime() - startedAt) / 1_000_000);

    // live traffic on S while T is down for 5 s: creates, data changes, deletes
    s.createPersistent("/live", null);
    awaitData(daemon, t, "/live", null);
    AtomicInteger written = new AtomicInteger();
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    Zk w = scope.connect(source);
    writer.scheduleAtFixedRate(
        () -> {
          int i = written.incrementAndGet();
          try {
            w.createPersistent("/live/w" + i, bytes("w" + i));
            w.setData(String.format("/big/n%05d", i), bytes("changed " + i));
            if (i % 3 == 0) {
              w.delete("/live/w" + (i - 1));
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    try {
      await().atMost(CONVERGE).until(() -> written.get() >= 30);
      target.kill9();
      int atKill = written.get();
      await("all_sync keeps running while T is down")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(10))
          .until(daemon::isAlive);
      assertThat(written.get()).as("writes on S while T was down").isGreaterThan(atKill + 50);
      target.start();
      int atRestart = written.get();
      await().atMost(CONVERGE).until(() -> written.get() >= atRestart + 30);
    } finally {
      writer.shutdown();
      writer.awaitTermination(10, TimeUnit.SECONDS);
    }
    Zk t2 = scope.connect(target);
    awaitCopied(daemon, s, t2, "/", CONVERGE);
  }

  /**
   * T is t_sync's source and all_sync's target: while it is down (kill -9, 5 s, shorter than the
   * clients' sessions), t_sync must not take T's silence for departed clients (their copies on S
   * and their records stay), and S's changes wait for T; after it is back both sides are in sync.
   */
  @Test
  void targetDownWhileBothDaemonsRun() throws Exception {
    startServers();
    Zk s = scope.connect(source);
    s.createPersistent("/reg", bytes("reg"));
    s.createPersistent("/reg/providers", null);
    Zk onS = scope.connect(source);
    onS.createEphemeral("/reg/providers/s-1", bytes("s-1"));
    DaemonProcess allSync = startAllSync(source.connectString(), target.connectString());
    DaemonProcess tSync = startTSync(target.connectString(), source.connectString());
    Zk t = scope.connect(target);
    awaitData(allSync, t, "/reg/providers/s-1", bytes("s-1"));
    List<Zk> onT = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Zk client = scope.connect(target);
      client.createEphemeral("/reg/providers/t-" + i, bytes("t-" + i));
      onT.add(client);
    }
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    SortedMap<String, NodeInfo> sBefore = s.readTree("/");

    target.kill9();
    s.createPersistent("/reg/during", bytes("written while T was down"));
    await("S keeps t_sync's copies while T is down")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .failFast("a daemon exited", () -> !allSync.isAlive() || !tSync.isAlive())
        .until(
            () ->
                s.readTree("/reg/providers")
                    .keySet()
                    .containsAll(
                        sBefore.keySet().stream()
                            .filter(p -> p.startsWith("/reg/providers/t-"))
                            .toList()));
    target.start();
    Zk t2 = scope.connect(target);
    awaitMigrationInSync(s, t2, CONVERGE, allSync, tSync);
    assertThat(t2.getData("/reg/during")).isEqualTo(bytes("written while T was down"));
    assertThat(InSync.recordedPaths(t2))
        .containsExactlyInAnyOrder(
            "/reg/providers/t-1", "/reg/providers/t-2", "/reg/providers/t-3");
    assertThat(tSync.monitorLog())
        .as("t_sync deleted nothing")
        .noneMatch(
            l ->
                l.contains("[MigrateEventNodeDeleteWithRecord]")
                    || l.contains("[EventNodeDeleted]"));

    // and both follow live changes again
    onT.get(0).close();
    awaitAbsent(tSync, s, "/reg/providers/t-1", LIVE_CHANGE);
    s.setData("/reg", bytes("reg 2"));
    awaitData(allSync, t2, "/reg", bytes("reg 2"));
    awaitMigrationInSync(s, t2, CONVERGE, allSync, tSync);
    assertNeverWroteTSyncCopies(allSync, "/reg/providers/t-");
  }

  // ---- the daemon's own ZooKeeper session expires ---------------------------------------------

  @ParameterizedTest(name = "S on ZooKeeper {0}")
  @ValueSource(strings = {"3.9", "3.4"})
  void daemonsOwnSessionsExpire(String sourceVersion) throws Exception {
    startServers(sourceVersion);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/a", bytes("a"));
    s.createPersistent("/app/b", bytes("b"));
    s.createPersistent("/app/providers", null);
    Zk onS = scope.connect(source);
    onS.createEphemeral("/app/providers/on-s", bytes("instance on S"));

    // sessions of 4 s; a pause of 10 s outlives them
    String[] sessions = {"--srcSession", "4", "--dstSession", "4"};
    DaemonProcess allSync = startAllSync(source.connectString(), target.connectString(), sessions);
    DaemonProcess tSync = startTSync(target.connectString(), source.connectString(), sessions);
    awaitData(allSync, t, "/app/providers/on-s", bytes("instance on S"));
    Zk onT = scope.connect(target);
    onT.createEphemeral("/app/providers/on-t", bytes("instance on T"));
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    SortedMap<String, NodeInfo> tBefore = t.readTree("/");
    SortedMap<String, NodeInfo> sBefore = s.readTree("/");
    Set<String> recordsBefore = InSync.recordedPaths(t);
    assertThat(recordsBefore).containsExactly("/app/providers/on-t");

    Signals.stop(allSync.pid());
    Signals.stop(tSync.pid());
    Zk onT2 = scope.connect(target);
    try {
      // Both servers expire the frozen daemons' sessions (each server holds one session of each
      // daemon); from then on nothing watches for the daemons: what changes now reaches the other
      // side only through the reconcile pass that a new session must run.
      for (ZkServerProcess server : List.of(source, target)) {
        await("both daemons' sessions expired on " + server)
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> countInFile(server.logFile(), "timeout of 4000ms exceeded") >= 2);
      }
      s.createPersistent("/app/during", bytes("during"));
      s.setData("/app/a", bytes("a2"));
      s.delete("/app/b");
      onT.close();
      onT2.createEphemeral("/app/providers/on-t-2", bytes("second on T"));
    } finally {
      Signals.cont(allSync.pid());
      Signals.cont(tSync.pid());
    }

    for (DaemonProcess d : List.of(allSync, tSync)) {
      await(d.kind().launcherName() + " logs its lost sessions")
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> count(runtimeLines(d), "session lost") >= 2);
    }
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    assertThat(t.getData("/app/during")).isEqualTo(bytes("during"));
    assertThat(t.getData("/app/a")).isEqualTo(bytes("a2"));
    assertThat(t.exists("/app/b")).isNull();
    assertThat(s.getData("/app/providers/on-t-2")).isEqualTo(bytes("second on T"));
    assertThat(s.exists("/app/providers/on-t")).isNull();
    assertThat(InSync.recordedPaths(t)).containsExactly("/app/providers/on-t-2");

    // an expiry never deletes data by itself: all that went is what went on the other side
    assertThat(t.readTree("/").keySet())
        .containsAll(
            tBefore.keySet().stream()
                .filter(p -> !p.equals("/app/b") && !p.equals("/app/providers/on-t"))
                .toList());
    assertThat(s.readTree("/").keySet())
        .containsAll(
            sBefore.keySet().stream()
                .filter(p -> !p.equals("/app/b") && !p.equals("/app/providers/on-t"))
                .toList());
    assertNeverWroteTSyncCopies(allSync, "/app/providers/on-t");
    assertThat(allSync.monitorLog().stream().filter(l -> l.contains("[EventNodeDeleted]")).toList())
        .allMatch(l -> l.endsWith("[/app/b]"));
    assertThat(
            tSync.monitorLog().stream()
                .filter(
                    l ->
                        l.contains("[MigrateEventNodeDeleteWithRecord]")
                            || l.contains("[EventNodeDeleted]"))
                .toList())
        .allMatch(l -> l.endsWith("[/app/providers/on-t]"));

    // new sessions, watches registered again: live changes flow both ways without a pass
    s.createPersistent("/app/after", bytes("after"));
    awaitData(allSync, t, "/app/after", bytes("after"));
    s.delete("/app/during");
    awaitAbsent(allSync, t, "/app/during", LIVE_CHANGE);
    Zk onT3 = scope.connect(target);
    onT3.createEphemeral("/app/providers/on-t-3", bytes("third on T"));
    await("T's new ephemeral copied to S")
        .atMost(LIVE_CHANGE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(s.getData("/app/providers/on-t-3")).isEqualTo(bytes("third on T")));
    onT2.close();
    awaitAbsent(tSync, s, "/app/providers/on-t-2", LIVE_CHANGE);
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    assertNeverWroteTSyncCopies(allSync, "/app/providers/on-t");
    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
    assertThat(tSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
  }

  /**
   * all_sync never takes t_sync's copies on S (recorded nodes) for source data: it writes none of
   * them to T, neither while the record exists nor while t_sync removes copy and record (rules 1, 2
   * and the record's ordering in docs/sync-rules.md).
   */
  private static void assertNeverWroteTSyncCopies(DaemonProcess allSync, String pathPrefix) {
    assertThat(allSync.monitorLog())
        .as("all_sync's writes of t_sync's copies (%s*)", pathPrefix)
        .noneMatch(l -> l.contains("\t[" + pathPrefix));
  }

  // ---- clients' sessions end ------------------------------------------------------------------

  /**
   * Rule 11 on S and rule 31 on T, for clients that die (their sessions expire on the server after
   * the timeout) and for clients that close their session.
   */
  @Test
  void clientSessionsEndOnEitherSide() throws Exception {
    startServers();
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/svc", null);
    s.createPersistent("/svc/providers", bytes("providers"));
    DaemonProcess allSync = startAllSync(source.connectString(), target.connectString());
    DaemonProcess tSync = startTSync(target.connectString(), source.connectString());
    awaitData(allSync, t, "/svc/providers", bytes("providers"));

    Duration clientSession = Duration.ofSeconds(4);
    DyingClient dyingOnS =
        scope.register(DyingClient.connect(source.connectString(), clientSession));
    dyingOnS.register("/svc/providers/s-dies-1", bytes("s1"));
    dyingOnS.register("/svc/providers/s-dies-2", bytes("s2"));
    Zk closingOnS = scope.connect(source);
    closingOnS.createEphemeral("/svc/providers/s-closes", bytes("s3"));
    DyingClient dyingOnT =
        scope.register(DyingClient.connect(target.connectString(), clientSession));
    dyingOnT.register("/svc/providers/t-dies-1", bytes("t1"));
    dyingOnT.register("/svc/providers/t-dies-2", bytes("t2"));
    Zk closingOnT = scope.connect(target);
    closingOnT.createEphemeral("/svc/providers/t-closes", bytes("t3"));
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    assertThat(InSync.recordedPaths(t))
        .containsExactlyInAnyOrder(
            "/svc/providers/t-dies-1", "/svc/providers/t-dies-2", "/svc/providers/t-closes");

    // a client on S dies: its session expires on S after the timeout, then its copies go from T
    // with the latency of any other change
    dyingOnS.die();
    Duration expiry = clientSession.plusSeconds(10);
    awaitAbsent(allSync, s, "/svc/providers/s-dies-2", expiry);
    awaitAbsent(allSync, t, "/svc/providers/s-dies-1", Duration.ofSeconds(2));
    awaitAbsent(allSync, t, "/svc/providers/s-dies-2", Duration.ofSeconds(2));
    // a client on S closes its session
    closingOnS.close();
    awaitAbsent(allSync, t, "/svc/providers/s-closes", Duration.ofSeconds(2));

    // a client on T dies: rule 31 deletes the copies on S, then their records
    dyingOnT.die();
    awaitAbsent(tSync, t, "/svc/providers/t-dies-2", expiry);
    awaitAbsent(tSync, s, "/svc/providers/t-dies-1", Duration.ofSeconds(2));
    awaitAbsent(tSync, s, "/svc/providers/t-dies-2", Duration.ofSeconds(2));
    // a client on T closes its session
    closingOnT.close();
    awaitAbsent(tSync, s, "/svc/providers/t-closes", Duration.ofSeconds(2));
    await("no record left")
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> InSync.recordedPaths(t).isEmpty());

    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    assertThat(s.getChildren("/svc/providers")).isEmpty();
    assertThat(t.getChildren("/svc/providers")).isEmpty();
    for (String p :
        List.of("/svc/providers/t-dies-1", "/svc/providers/t-dies-2", "/svc/providers/t-closes")) {
      assertThat(
              MonitorLog.count(
                  tSync.monitorLog(),
                  MonitorLog.audit("MigrateEventNodeDeleteWithRecord", "success", "", p)))
          .as("t_sync's rule-31 audit line for " + p)
          .isEqualTo(1);
    }
    assertNeverWroteTSyncCopies(allSync, "/svc/providers/t-");
    for (String p :
        List.of("/svc/providers/s-dies-1", "/svc/providers/s-dies-2", "/svc/providers/s-closes")) {
      assertThat(MonitorLog.count(allSync.monitorLog(), MonitorLog.deleted(p)))
          .as("all_sync's rule-11 audit line for " + p)
          .isEqualTo(1);
    }
  }

  // ---- a 3-member ensemble as S loses a member, then its leader -------------------------------

  @Test
  void ensembleSourceLosesAMemberThenItsLeader() throws Exception {
    ZkEnsemble ensemble = scope.startEnsemble(E2EConfig.ZK39);
    target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(ensemble.connectString());
    Zk t = scope.connect(target);
    s.createPersistent("/cfg", bytes("cfg"));
    for (int i = 0; i < 10; i++) {
      s.createPersistent("/cfg/k" + i, bytes("v" + i));
    }
    DaemonProcess daemon = startAllSync(ensemble.connectString(), target.connectString());
    awaitCopied(daemon, s, t, "/", CONVERGE);

    ZkServerProcess leader = ensemble.leader(Duration.ofSeconds(30));
    ZkServerProcess follower =
        ensemble.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    follower.kill9();
    writeOnS(s, "/cfg/k1", "without a follower");
    awaitData(daemon, t, "/cfg/k1", bytes("without a follower"));
    createOnS(s, "/cfg/new-1");
    awaitData(daemon, t, "/cfg/new-1", bytes("/cfg/new-1"));
    follower.start();

    leader.kill9();
    ZkServerProcess newLeader = ensemble.leader(Duration.ofSeconds(60));
    assertThat(newLeader).isNotSameAs(leader);
    writeOnS(s, "/cfg/k2", "without the old leader");
    awaitData(daemon, t, "/cfg/k2", bytes("without the old leader"));
    createOnS(s, "/cfg/new-2");
    awaitData(daemon, t, "/cfg/new-2", bytes("/cfg/new-2"));
    deleteOnS(s, "/cfg/k3");
    awaitAbsent(daemon, t, "/cfg/k3", LIVE_CHANGE);
    leader.start();

    writeOnS(s, "/cfg/k4", "all members back");
    awaitData(daemon, t, "/cfg/k4", bytes("all members back"));
    awaitCopied(daemon, s, t, "/", CONVERGE);
    assertThat(daemon.isAlive()).isTrue();
  }

  /** A write through a client that may be reconnecting to another member: retried until done. */
  private static void writeOnS(Zk s, String path, String data) {
    await("setData " + path + " on S")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              s.setData(path, bytes(data));
              return true;
            });
  }

  private static void createOnS(Zk s, String path) {
    await("create " + path + " on S")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              try {
                s.createPersistent(path, bytes(path));
              } catch (KeeperException.NodeExistsException e) {
                // an earlier attempt made it before its answer was lost
              }
              return true;
            });
  }

  private static void deleteOnS(Zk s, String path) {
    await("delete " + path + " on S")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              try {
                s.delete(path);
              } catch (KeeperException.NoNodeException e) {
                // an earlier attempt made it before its answer was lost
              }
              return true;
            });
  }

  // ---- clients come and go on T: t_sync's copies are never taken for source data -------------

  /**
   * Clients on T come and go in rounds (each round ten register and the ten of the round before
   * leave, while t_sync is paused so that it sees both at once): t_sync creates and deletes copies
   * on S (rules 21 and 31) while all_sync watches S. all_sync must never copy one of t_sync's
   * copies to T: not while its record exists, and not while t_sync removes the copy and then its
   * record.
   */
  @ParameterizedTest(name = "S on ZooKeeper {0}")
  @ValueSource(strings = {"3.9", "3.4"})
  void clientsComeAndGoOnT(String sourceVersion) throws Exception {
    startServers(sourceVersion);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/svc", null);
    s.createPersistent("/svc/providers", null);
    DaemonProcess allSync = startAllSync(source.connectString(), target.connectString());
    DaemonProcess tSync = startTSync(target.connectString(), source.connectString());
    awaitData(allSync, t, "/svc/providers", null);

    // each round, ten clients register on T and the ten of the round before leave, all at once
    List<Zk> previous = List.of();
    int rounds = 6;
    int perRound = 10;
    for (int round = 0; round < rounds; round++) {
      List<Zk> current = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < perRound; i++) {
        current.add(scope.connect(target));
      }
      // t_sync sees the round's arrivals and departures together, as after a short pause
      Signals.stop(tSync.pid());
      try {
        for (int i = 0; i < perRound; i++) {
          String path = "/svc/providers/t-" + round + "-" + i;
          names.add("t-" + round + "-" + i);
          current.get(i).createEphemeral(path, bytes("instance " + round + "-" + i));
        }
        previous.forEach(Zk::close);
      } finally {
        Signals.cont(tSync.pid());
      }
      previous = current;
      await("round " + round + " copied to S")
          .atMost(LIVE_CHANGE)
          .pollInterval(Duration.ofMillis(20))
          .failFast("t_sync exited", () -> !tSync.isAlive())
          .until(() -> new TreeSet<>(s.getChildren("/svc/providers")).equals(new TreeSet<>(names)));
    }
    awaitMigrationInSync(s, t, CONVERGE, allSync, tSync);
    assertThat(s.getChildren("/svc/providers"))
        .hasSize(perRound)
        .allMatch(n -> n.startsWith("t-" + (rounds - 1) + "-"));
    assertNeverWroteTSyncCopies(allSync, "/svc/providers/t-");
  }
}
