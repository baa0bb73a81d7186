package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One migration per pair of ZooKeeper server versions, with both packaged daemons: {@code all_sync
 * --srcAddr S --dstAddr T} and {@code t_sync --srcAddr T --dstAddr S} (which writes to S, usually
 * the old ensemble). Each run seeds S with what real ensembles hold (data that is null, empty,
 * binary or large; ephemerals of a live session; sequential children that came and went; a
 * container where the version has them), then checks on every version:
 *
 * <ul>
 *   <li>T becomes an exact copy of S, ephemerals copied as persistent nodes;
 *   <li>each runtime log names both servers' versions and the watch strategy chosen for its source
 *       (one persistent recursive watch on 3.6+, a data watch per node and a child watch per
 *       persistent node below);
 *   <li>live creates, data changes and deletes on S (ephemerals included) reach T within seconds
 *       while no reconcile pass runs ({@code --syncDailyInterval 600}): the watches did it;
 *   <li>an ephemeral a client registers on T appears on S as a persistent node with its record, its
 *       new parents included, and vanishes from S (record included) when the client leaves; a
 *       client still on S that registers below those new parents reaches T just as fast;
 *   <li>the sequence-counter contract: a sequential node created on T under a seeded parent sorts
 *       after every sequential child that parent has or had on S;
 *   <li>no {@code [fail]} audit line, and no connection flapping (no "disconnected" line).
 * </ul>
 *
 * <p>By default (the test suite) it runs the rows that differ most: S = 3.4, 3.5 and 3.9 with T =
 * 3.9, and S = 3.9 with T = 3.4, and the migration users run most: S = 3.4 with T = 3.9 behind a
 * link that delays each direction by 10 ms (both daemons reach T through it), with 5,000 nodes
 * more. {@code -Dzk2zk.compat=all} ({@code make compat}) runs every S from 3.4 to 3.9 with T = 3.9,
 * and T = 3.4 with S = 3.9 and with S = 3.4.
 */
@ExtendWith(ProcessScopeExtension.class)
class CompatibilityE2EIT {

  /** {@code all} runs the full matrix; anything else (or nothing) the default selection. */
  static final String MATRIX_PROPERTY = "zk2zk.compat";

  private static final Duration CONVERGED_WITHIN = Duration.ofSeconds(30);

  /** A cloud T: the daemons reach it through a link delaying each direction by 10 ms. */
  private static final int WAN_ONE_WAY_MS = 10;

  /** "Within seconds": how long a live change may take to reach the other side. */
  private static final Duration LIVE_WITHIN = Duration.ofSeconds(10);

  /** How long to let T's sequence counter catch up before the contract is put to the test. */
  private static final Duration COUNTER_WITHIN = Duration.ofSeconds(10);

  private static final String ROOT = "/compat";
  private static final String LOCKS = ROOT + "/locks";
  private static final String QUEUE = ROOT + "/queue";
  private static final String PROVIDERS = ROOT + "/services/svc1/providers";
  private static final String MIGRATION = "/zk2zk_migration";

  private static final Pattern RECONCILE_START = Pattern.compile("reconcile pass starting");
  private static final Pattern RECONCILE_DONE = Pattern.compile("reconcile pass done");

  static Stream<Arguments> versionPairs() {
    String zk39 = E2EConfig.ZK39;
    List<Arguments> rows = new ArrayList<>();
    boolean all = "all".equalsIgnoreCase(System.getProperty(MATRIX_PROPERTY, "").trim());
    for (String s :
        all
            ? List.of(
                E2EConfig.ZK34,
                E2EConfig.ZK35,
                E2EConfig.ZK36,
                E2EConfig.ZK37,
                E2EConfig.ZK38,
                E2EConfig.ZK39)
            : List.of(E2EConfig.ZK34, E2EConfig.ZK35, E2EConfig.ZK39)) {
      rows.add(Arguments.of(s, zk39, 0));
    }
    // an old T: all_sync writes to it, t_sync watches it per node and keeps its records there
    rows.add(Arguments.of(zk39, E2EConfig.ZK34, 0));
    // what users run: an old S near the ops host, T in the cloud, both daemons across the WAN
    rows.add(Arguments.of(E2EConfig.ZK34, zk39, WAN_ONE_WAY_MS));
    if (all) {
      rows.add(Arguments.of(E2EConfig.ZK34, E2EConfig.ZK34, 0));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "S {0} -> T {1}, T {2} ms away one way")
  @MethodSource("versionPairs")
  void migratesBetweenServerVersions(
      String sVersion, String tVersion, int oneWayToTMs, ProcessScope scope) throws Exception {
    long t0 = System.nanoTime();
    Duration oneWayToT = Duration.ofMillis(oneWayToTMs);
    Run run = new Run(scope, sVersion, tVersion, oneWayToT);
    run.startServers();
    run.seedSource();

    run.startDaemons();
    long started = System.nanoTime();
    run.awaitTargetIsCopyOfSource("initial copy", CONVERGED_WITHIN);
    long converged = System.nanoTime();
    run.assertRuntimeLogsNameVersionsAndWatchStrategy();
    run.assertSequenceContract("after the initial copy", LOCKS);
    run.assertSequenceContract("after the initial copy", QUEUE);

    run.awaitInitialPassesDone();
    long liveStart = System.nanoTime();
    run.liveChangesOnSourceReachTarget();
    long liveDone = System.nanoTime();
    run.assertSequenceContract("after live sequential creates on S", LOCKS);

    run.ephemeralRegisteredOnTargetReachesSourceAndLeaves();
    long tSyncDone = System.nanoTime();
    run.awaitTargetIsCopyOfSource("after the client on T left", LIVE_WITHIN);
    run.assertNoReconcilePassSinceStart();
    run.assertNoFailAndNoFlapping();

    System.out.printf(
        Locale.ROOT,
        "compat S %s -> T %s (T %d ms away, one way): initial copy %d ms after the daemons started; live phase on S %d ms;"
            + " t_sync phase %d ms; whole run %d ms%n",
        sVersion,
        tVersion,
        oneWayToT.toMillis(),
        (converged - started) / 1_000_000,
        (liveDone - liveStart) / 1_000_000,
        (tSyncDone - liveDone) / 1_000_000,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** One version pair's servers, clients and daemons, and what the test wrote. */
  private static final class Run {
    private final ProcessScope scope;
    private final String sVersion;
    private final String tVersion;
    private final Duration oneWayToT;
    private ZkServerProcess sServer;
    private ZkServerProcess tServer;

    /** Where the daemons reach T: T itself, or a delaying link to it (the test's clients: T). */
    private String tAddress;

    private Zk s;
    private Zk t;

    /** The session that holds S's seeded ephemerals for the whole run. */
    private Zk holderOnS;

    private DaemonProcess allSync;
    private DaemonProcess tSync;

    /** The highest sequence suffix ever given to a child of {@link #LOCKS} on S. */
    private long locksMaxEverOnS = -1;

    /** The highest sequence suffix ever given to a child of {@link #QUEUE} on S. */
    private long queueMaxEverOnS = -1;

    Run(ProcessScope scope, String sVersion, String tVersion, Duration oneWayToT) {
      this.scope = scope;
      this.sVersion = sVersion;
      this.tVersion = tVersion;
      this.oneWayToT = oneWayToT;
    }

    void startServers() throws Exception {
      sServer = scope.register(ZkServerProcess.standalone(sVersion, scope.newDir("S-" + sVersion)));
      tServer = scope.register(ZkServerProcess.standalone(tVersion, scope.newDir("T-" + tVersion)));
      // both JVMs first, so that their start-ups overlap
      sServer.launch();
      tServer.launch();
      sServer.awaitServing(ZkServerProcess.START_TIMEOUT);
      tServer.awaitServing(ZkServerProcess.START_TIMEOUT);
      assertThat(sServer.srvr()).contains("Zookeeper version: " + sVersion);
      assertThat(tServer.srvr()).contains("Zookeeper version: " + tVersion);
      s = scope.connect(sServer);
      t = scope.connect(tServer);
      holderOnS = scope.connect(sServer);
      tAddress =
          oneWayToT.isZero()
              ? tServer.connectString()
              : scope.link(tServer).delay(oneWayToT).connectString();
    }

    // ---- seed -----------------------------------------------------------------------------------

    void seedSource() throws Exception {
      s.createPersistent(ROOT, bytes("compat root"));
      s.createPersistent(ROOT + "/null", null);
      s.createPersistent(ROOT + "/empty", new byte[0]);
      byte[] allBytes = new byte[256];
      for (int i = 0; i < allBytes.length; i++) {
        allBytes[i] = (byte) i;
      }
      s.createPersistent(ROOT + "/binary", allBytes);
      s.createPersistent(ROOT + "/text", bytes("héllo wörld ✓ 世界"));
      // one large node: alone it is a third of jute.maxbuffer, so batching must respect the limit
      // (servers < 3.5.7 leave only 1 KB of slack between request and transaction)
      byte[] large = new byte[300 * 1024];
      for (int i = 0; i < large.length; i++) {
        large[i] = (byte) (i * 31 + 7);
      }
      s.createPersistent(ROOT + "/large", large);

      // a wider persistent tree, written in multi batches
      List<String> paths = new ArrayList<>();
      List<byte[]> data = new ArrayList<>();
      paths.add(ROOT + "/tree");
      data.add(null);
      for (int i = 0; i < 40; i++) {
        String n = ROOT + "/tree/n" + String.format(Locale.ROOT, "%03d", i);
        paths.add(n);
        data.add(i % 3 == 0 ? null : i % 3 == 1 ? new byte[0] : bytes("node " + i));
        for (int j = 0; j < 4; j++) {
          paths.add(n + "/c" + j);
          data.add(bytes("child " + i + "/" + j));
        }
      }
      s.createPersistentBatch(paths, data);
      if (!oneWayToT.isZero()) {
        // across a WAN, enough nodes that the walk and the writes must keep the link full
        for (int g = 0; g < 50; g++) {
          List<String> group = new ArrayList<>();
          List<byte[]> groupData = new ArrayList<>();
          String parent = ROOT + String.format(Locale.ROOT, "/bulk/g%02d", g);
          if (g == 0) {
            group.add(ROOT + "/bulk");
            groupData.add(null);
          }
          group.add(parent);
          groupData.add(bytes("group " + g));
          for (int i = 0; i < 100; i++) {
            group.add(parent + String.format(Locale.ROOT, "/n%03d", i));
            groupData.add(bytes("bulk node " + g + "/" + i));
          }
          s.createPersistentBatch(group, groupData);
        }
      }

      // ephemerals of a live client session, below persistent parents
      s.createPersistent(ROOT + "/services", new byte[0]);
      s.createPersistent(ROOT + "/services/svc1", bytes("service one"));
      s.createPersistent(PROVIDERS, null);
      for (int i = 0; i < 3; i++) {
        holderOnS.createEphemeral(PROVIDERS + "/inst-" + i, bytes("instance " + i + " on S"));
      }
      holderOnS.createEphemeral(ROOT + "/leader", null);

      // sequential children that came and went: the counter is above every child left
      s.createPersistent(LOCKS, bytes("locks"));
      List<String> locks = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        locks.add(createSequentialOnS(s, LOCKS, CreateMode.PERSISTENT_SEQUENTIAL, "lock " + i));
      }
      for (int i : new int[] {2, 5, 8, 9}) {
        s.delete(locks.get(i));
      }
      // a lock held by the live session, and the newest one, gone again
      createSequentialOnS(holderOnS, LOCKS, CreateMode.EPHEMERAL_SEQUENTIAL, "held");
      s.delete(createSequentialOnS(s, LOCKS, CreateMode.PERSISTENT_SEQUENTIAL, "gone"));
      // a queue that was drained: no child left, but its counter is at 3
      s.createPersistent(QUEUE, null);
      for (int i = 0; i < 3; i++) {
        s.delete(createSequentialOnS(s, QUEUE, CreateMode.PERSISTENT_SEQUENTIAL, "item " + i));
      }

      if (supportsContainers(sVersion)) {
        // copied as a persistent node (clients cannot tell a container from one); it has a child,
        // so the server does not reap it during the test
        s.create(ROOT + "/container", bytes("container"), CreateMode.CONTAINER);
        s.createPersistent(ROOT + "/container/member", bytes("member"));
      }
    }

    /**
     * Creates a sequential child of {@code parent} on S, remembering its suffix; returns its path.
     */
    private String createSequentialOnS(Zk client, String parent, CreateMode mode, String data)
        throws KeeperException, InterruptedException {
      String path = client.create(parent + "/" + prefixOf(parent), bytes(data), mode);
      long suffix = suffix(path);
      if (parent.equals(LOCKS)) {
        locksMaxEverOnS = Math.max(locksMaxEverOnS, suffix);
      } else {
        queueMaxEverOnS = Math.max(queueMaxEverOnS, suffix);
      }
      return path;
    }

    // ---- daemons --------------------------------------------------------------------------------

    void startDaemons() {
      // --syncDailyInterval 600: after the start pass, only the watches can carry a change
      allSync =
          scope.startDaemon(
              DaemonProcess.builder(
                      DaemonProcess.Kind.ALL_SYNC, scope.dir().resolve("all_sync-run"))
                  .args(
                      "start",
                      "--srcAddr",
                      sServer.connectString(),
                      "--dstAddr",
                      tAddress,
                      "--logEnableStdout=false",
                      "--syncDailyInterval",
                      "600"));
      tSync =
          scope.startDaemon(
              DaemonProcess.builder(DaemonProcess.Kind.T_SYNC, scope.dir().resolve("t_sync-run"))
                  .args(
                      "start",
                      "--srcAddr",
                      tAddress,
                      "--dstAddr",
                      sServer.connectString(),
                      "--logEnableStdout=false",
                      "--syncDailyInterval",
                      "600"));
    }

    void awaitTargetIsCopyOfSource(String step, Duration within) {
      await(step + ": T (" + tVersion + ") is a copy of S (" + sVersion + ")")
          .atMost(within)
          .pollInterval(Duration.ofMillis(200))
          .failFast("a daemon exited", () -> !allSync.isAlive() || !tSync.isAlive())
          .untilAsserted(() -> Trees.assertCopied(s.readTree("/"), t.readTree("/")));
    }

    /**
     * Both daemons name both servers' versions, and the watch strategy they chose for their source.
     */
    void assertRuntimeLogsNameVersionsAndWatchStrategy() {
      await("runtime logs name the server versions and the watch strategy")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                assertSideLine(allSync, "source", sServer.connectString(), sVersion);
                assertSideLine(allSync, "target", tAddress, tVersion);
                assertStrategyLine(allSync, sVersion);
                assertSideLine(tSync, "source", tAddress, tVersion);
                assertSideLine(tSync, "target", sServer.connectString(), sVersion);
                assertStrategyLine(tSync, tVersion);
              });
    }

    private static void assertSideLine(
        DaemonProcess daemon, String role, String address, String version) {
      // e.g. "source 127.0.0.1:41967: ZooKeeper 3.4.14, persistent recursive watches not supported
      // (server older than 3.6)"
      Pattern line =
          Pattern.compile(
              Pattern.quote(role + " " + address + ": ZooKeeper " + version + ",")
                  + " persistent recursive watches "
                  + (hasPersistentWatches(version)
                      ? "supported"
                      : Pattern.quote("not supported (server older than 3.6)"))
                  + "$");
      assertThat(lines(daemon.runtimeLog()))
          .as(daemon.kind().launcherName() + " runtime log names its " + role + "'s version")
          .anyMatch(l -> line.matcher(l).find());
    }

    private static void assertStrategyLine(DaemonProcess daemon, String sourceVersion) {
      // e.g. "all_sync: watching / on the source with a data watch per node and a child watch per
      // persistent node"
      String expected =
          daemon.kind().launcherName()
              + ": watching / on the source with "
              + (hasPersistentWatches(sourceVersion)
                  ? "one persistent recursive watch"
                  : "a data watch per node and a child watch per persistent node");
      assertThat(lines(daemon.runtimeLog()))
          .as(
              daemon.kind().launcherName()
                  + " runtime log names the watch strategy for a "
                  + sourceVersion
                  + " source")
          .anyMatch(l -> l.endsWith(expected));
    }

    /** Both start passes have ended, so that what follows can only be carried by watches. */
    void awaitInitialPassesDone() {
      await("both daemons' start passes done")
          .atMost(CONVERGED_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  count(allSync.runtimeLog(), RECONCILE_DONE) >= 1
                      && count(tSync.runtimeLog(), RECONCILE_DONE) >= 1);
    }

    // ---- live changes on S ----------------------------------------------------------------------

    void liveChangesOnSourceReachTarget() throws Exception {
      // creates: a new parent with a child created right after it
      s.createPersistent(ROOT + "/live", bytes("live v1"));
      s.createPersistent(ROOT + "/live/child", null);
      // data changes: text → text, null → data, data → empty
      s.setData(ROOT + "/text", bytes("changed on S"));
      s.setData(ROOT + "/null", bytes("no longer null"));
      s.setData(ROOT + "/tree/n001/c0", new byte[0]);
      // deletes: a leaf, and a subtree (children first, as a client must)
      s.delete(ROOT + "/tree/n007/c3");
      for (int j = 0; j < 4; j++) {
        s.delete(ROOT + "/tree/n008/c" + j);
      }
      s.delete(ROOT + "/tree/n008");
      // sequential children that come and go, then one that stays
      for (int i = 0; i < 3; i++) {
        s.delete(createSequentialOnS(s, LOCKS, CreateMode.PERSISTENT_SEQUENTIAL, "live gone"));
      }
      String stays = createSequentialOnS(s, LOCKS, CreateMode.PERSISTENT_SEQUENTIAL, "live stays");
      // an instance registers on S
      Zk instance = scope.connect(sServer);
      String livePath = PROVIDERS + "/inst-live";
      instance.createEphemeral(livePath, bytes("live instance"));

      awaitTargetIsCopyOfSource("live changes on S", LIVE_WITHIN);
      assertThat(t.exists(stays)).as(stays + " on T").isNotNull();
      assertThat(t.exists(livePath).getEphemeralOwner()).as(livePath + " on T").isZero();

      // the instance's client leaves S: its copy leaves T (rule 11)
      instance.close();
      await("copy of " + livePath + " removed from T after its client left S")
          .atMost(LIVE_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> t.exists(livePath) == null);
      awaitTargetIsCopyOfSource("after the instance on S left", LIVE_WITHIN);

      List<String> audit = allSync.monitorLog();
      for (String p : List.of(ROOT + "/live", ROOT + "/live/child", stays, livePath)) {
        assertThat(MonitorLog.count(audit, MonitorLog.created(p))).as("created " + p).isOne();
      }
      for (String p : List.of(ROOT + "/text", ROOT + "/null", ROOT + "/tree/n001/c0")) {
        assertThat(MonitorLog.count(audit, MonitorLog.dataChanged(p)))
            .as("data changed " + p)
            .isOne();
      }
      for (String p : List.of(ROOT + "/tree/n007/c3", ROOT + "/tree/n008", livePath)) {
        assertThat(MonitorLog.count(audit, MonitorLog.deleted(p))).as("deleted " + p).isOne();
      }
    }

    // ---- t_sync: a client on T
    // --------------------------------------------------------------------

    void ephemeralRegisteredOnTargetReachesSourceAndLeaves() throws Exception {
      Zk clientOnT = scope.connect(tServer);
      // one under a parent that S has, one under parents created on the fly on T only
      String underKnownParent = PROVIDERS + "/inst-on-T";
      String newParent = ROOT + "/services/svcT";
      String underNewParents = newParent + "/providers/inst-0";
      clientOnT.createEphemeral(underKnownParent, bytes("registered on T"));
      clientOnT.createWithParents(underNewParents, null, CreateMode.EPHEMERAL);
      List<String> registered = List.of(underKnownParent, underNewParents);

      await("t_sync copies T's ephemerals to S (" + sVersion + ") with their records")
          .atMost(LIVE_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .failFast("t_sync exited", () -> !tSync.isAlive())
          .untilAsserted(
              () -> {
                for (String p : registered) {
                  Stat onS = s.exists(p);
                  assertThat(onS).as(p + " on S").isNotNull();
                  assertThat(onS.getEphemeralOwner()).as(p + " on S is persistent").isZero();
                  assertThat(s.getData(p)).as(p + " data on S").isEqualTo(t.getData(p));
                  assertThat(t.exists(MIGRATION + "/" + queryEscape(p)))
                      .as("record of " + p + " on T")
                      .isNotNull();
                }
                // the parents created on the fly on T reach S, with T's data
                assertThat(s.getData(newParent)).isEqualTo(t.getData(newParent));
              });
      // all_sync leaves them alone: the registrations stay ephemeral on T, the new parents stay
      for (String p : registered) {
        assertThat(t.exists(p).getEphemeralOwner())
            .as(p + " on T")
            .isEqualTo(clientOnT.sessionId());
      }
      assertThat(t.exists(newParent + "/providers")).as("new parent on T").isNotNull();
      List<String> allSyncAudit = allSync.monitorLog();
      for (String p : registered) {
        assertThat(allSyncAudit)
            .as("all_sync writes nothing of " + p)
            .noneMatch(l -> l.endsWith("[" + p + "]"));
      }

      // A client still on S registers below the parents that reached S through t_sync (they
      // already existed on T when they appeared on S): all_sync must see it within seconds too.
      Zk clientOnS = scope.connect(sServer);
      String onSBelowNewParents = newParent + "/providers/inst-on-S";
      clientOnS.createEphemeral(onSBelowNewParents, bytes("registered on S"));
      await("all_sync copies " + onSBelowNewParents + " (below parents t_sync created on S) to T")
          .atMost(LIVE_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> t.exists(onSBelowNewParents) != null);

      // the client leaves T: its copies and records leave S and T
      clientOnT.close();
      await("t_sync removes the copies from S and their records from T")
          .atMost(LIVE_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                for (String p : registered) {
                  assertThat(s.exists(p)).as(p + " on S").isNull();
                  assertThat(t.exists(MIGRATION + "/" + queryEscape(p)))
                      .as("record of " + p + " on T")
                      .isNull();
                }
              });
      List<String> tSyncAudit = tSync.monitorLog();
      for (String p : registered) {
        assertThat(MonitorLog.count(tSyncAudit, MonitorLog.created(p)))
            .as("t_sync created " + p)
            .isOne();
        assertThat(
                MonitorLog.count(
                    tSyncAudit,
                    MonitorLog.audit("MigrateEventNodeDeleteWithRecord", "success", "", p)))
            .as("t_sync deleted " + p + " with its record")
            .isOne();
      }
      // the parents it created on S stay (they are ordinary persistent nodes on both sides now)
      assertThat(s.exists(newParent + "/providers")).as("new parent on S").isNotNull();

      // the client on S leaves: its copy leaves T
      clientOnS.close();
      await("copy of " + onSBelowNewParents + " removed from T after its client left S")
          .atMost(LIVE_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> t.exists(onSBelowNewParents) == null);
    }

    // ---- sequence counters ----------------------------------------------------------------------

    /**
     * A sequential node created on T under {@code parent} gets a higher number than every
     * sequential child {@code parent} has or had on S (and than every child T holds).
     */
    void assertSequenceContract(String step, String parent) throws Exception {
      long maxEverOnS = parent.equals(LOCKS) ? locksMaxEverOnS : queueMaxEverOnS;
      // Creating on T is the test itself and moves T's counter, so it is done once: first give the
      // daemon a moment to raise the counter, judged by the client-visible formula (if that never
      // holds, the create below fails the test with the numbers).
      try {
        await()
            .atMost(COUNTER_WITHIN)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> nextSuffix(t, parent) > maxEverOnS);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // judged below
      }
      long highestChild = -1;
      for (Zk side : List.of(s, t)) {
        for (String child : side.getChildren(parent)) {
          if (child.matches(".*\\d{10}")) {
            highestChild = Math.max(highestChild, suffix(child));
          }
        }
      }
      long sNext = nextSuffix(s, parent);
      long tNextBefore = nextSuffix(t, parent);
      String created =
          t.create(
              parent + "/" + prefixOf(parent),
              bytes("created on T"),
              CreateMode.PERSISTENT_SEQUENTIAL);
      try {
        assertThat(suffix(created))
            .as(
                step
                    + ": "
                    + created
                    + " created on T ("
                    + tVersion
                    + ") must sort after every sequential child "
                    + parent
                    + " has or had on S ("
                    + sVersion
                    + "): highest ever on S "
                    + maxEverOnS
                    + ", highest child now on S or T "
                    + highestChild
                    + ", next suffix on S "
                    + sNext
                    + ", on T before the create "
                    + tNextBefore)
            .isGreaterThan(Math.max(maxEverOnS, highestChild));
      } finally {
        // all_sync deletes it only at its next pass (in 600 s): remove it now
        t.delete(created);
      }
    }

    // ---- the whole run --------------------------------------------------------------------------

    /** Only the start passes ran: every change after them was carried by a watch. */
    void assertNoReconcilePassSinceStart() {
      for (DaemonProcess d : List.of(allSync, tSync)) {
        List<String> passes =
            lines(d.runtimeLog()).stream().filter(l -> RECONCILE_START.matcher(l).find()).toList();
        assertThat(passes)
            .as(
                d.kind().launcherName()
                    + " ran reconcile passes other than the start pass (a reconnect or a re-set"
                    + " watch; changes may not have been carried by the watches)")
            .hasSize(1)
            .allMatch(l -> l.endsWith("(start)"));
      }
    }

    void assertNoFailAndNoFlapping() {
      for (DaemonProcess d : List.of(allSync, tSync)) {
        String name = d.kind().launcherName();
        assertThat(d.monitorLog()).as(name + " monitor log").noneMatch(l -> l.contains("[fail]"));
        // nothing was stopped in this test: a healthy connection to any version never drops
        List<String> drops =
            lines(d.runtimeLog()).stream()
                .filter(l -> l.toLowerCase(Locale.ROOT).contains("disconnected"))
                .toList();
        assertThat(drops).as(name + " runtime log: connection drops (flapping)").isEmpty();
        assertThat(lines(d.runtimeLog()))
            .as(name + " runtime log")
            .noneMatch(l -> l.contains("session lost"))
            .noneMatch(l -> l.contains(" ERROR "));
        assertThat(d.isAlive()).as(name + " still running").isTrue();
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String prefixOf(String parent) {
    return parent.equals(LOCKS) ? "lock-" : "item-";
  }

  /** The ten-digit suffix ZooKeeper appends to a sequential node's name. */
  private static long suffix(String pathOrName) {
    return Long.parseLong(pathOrName.substring(pathOrName.length() - 10));
  }

  /** The suffix the server gives the next sequential child: (cversion + numChildren) / 2. */
  private static long nextSuffix(Zk zk, String parent) throws Exception {
    Stat st = zk.exists(parent);
    return ((long) st.getCversion() + st.getNumChildren()) / 2;
  }

  /** Major.minor.patch of a server version as one comparable number. */
  private static int versionNumber(String version) {
    String[] p = version.split("[.-]");
    return Integer.parseInt(p[0]) * 10_000 + Integer.parseInt(p[1]) * 100 + Integer.parseInt(p[2]);
  }

  private static boolean hasPersistentWatches(String version) {
    return versionNumber(version) >= 30600;
  }

  private static boolean supportsContainers(String version) {
    return versionNumber(version) >= 30503;
  }

  /** A record's name: the path escaped as Go's url.QueryEscape does it. */
  static String queryEscape(String path) {
    StringBuilder sb = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return sb.toString();
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\r?\n"));
  }

  private static long count(String text, Pattern pattern) {
    return lines(text).stream().filter(l -> pattern.matcher(l).find()).count();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
