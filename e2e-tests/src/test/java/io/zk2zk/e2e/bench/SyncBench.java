package io.zk2zk.e2e.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FaultyLink;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Signals;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code make bench}: the packaged daemons between local ZooKeeper server processes, every scenario
 * of the performance issue, each next to the ceiling (a plain copier, {@link CeilingCopier}) run in
 * the same run on the same tree. It checks that every scenario converged (both ensembles read with
 * a plain client); speed is reported, not asserted, since the machine may be shared. The table goes
 * to {@code target/bench/bench.txt} and {@code bench.json}.
 *
 * <p>{@code -Dzk2zk.bench.bigNodes=N} sizes the large initial sync (default 1,000,000); {@code
 * -Dzk2zk.bench.steadySeconds} and {@code -Dzk2zk.bench.steadyRate} the steady-writes scenario
 * (default 60 s at 500 writes/s).
 */
@ExtendWith(ProcessScopeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncBench {

  private static final long BIG_NODES = Long.getLong("zk2zk.bench.bigNodes", 1_000_000);
  private static final int STEADY_SECONDS = Integer.getInteger("zk2zk.bench.steadySeconds", 60);
  private static final int STEADY_RATE = Integer.getInteger("zk2zk.bench.steadyRate", 500);

  /** More JVM options for the daemons, e.g. to profile them. */
  private static final String DAEMON_OPTS = System.getProperty("zk2zk.bench.daemonOpts", "");

  /** More daemon arguments (space-separated), e.g. to try a tuning flag. */
  private static final String DAEMON_ARGS = System.getProperty("zk2zk.bench.daemonArgs", "");

  /** Generous: the bench checks convergence, not speed, on a machine that may be busy. */
  private static final Duration CONVERGE = Duration.ofMinutes(5);

  private static final int BURST = 10_000;

  private static final BenchReport REPORT = new BenchReport(machine());

  /**
   * Not a scenario: the ceiling copier runs in this JVM, and its first copy would also measure the
   * JIT compiling it. (Every daemon is a new JVM, so the ratios stay on the safe side.)
   */
  @Test
  @Order(0)
  void warmUpTheCeilingCopier(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 2, BenchServers.SMALL_HEAP);
    Zk s = scope.connect(servers.get(0));
    BulkWriter.write(s.raw(), services(10, 1000, CreateMode.PERSISTENT), 500, 8);
    assertThat(ceiling(scope, servers.get(0), servers.get(1)).nodes()).isEqualTo(10_010);
  }

  // ---- initial sync ----------------------------------------------------------------------------

  @Test
  @Order(1)
  void initialSyncOf10x1000Persistent(ProcessScope scope) throws Exception {
    initialSync(scope, "initial sync, 10 x 1,000 persistent", CreateMode.PERSISTENT);
  }

  @Test
  @Order(2)
  void initialSyncOf10x1000Ephemeral(ProcessScope scope) throws Exception {
    initialSync(scope, "initial sync, 10 x 1,000 ephemeral", CreateMode.EPHEMERAL);
  }

  private void initialSync(ProcessScope scope, String scenario, CreateMode mode) throws Exception {
    initialSync(scope, scenario, 10, mode, E2EConfig.ZK39);
  }

  private void initialSync(
      ProcessScope scope, String scenario, int services, CreateMode mode, String sourceVersion)
      throws Exception {
    List<ZkServerProcess> servers =
        BenchServers.start(scope, 3, BenchServers.SMALL_HEAP, sourceVersion);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    BulkWriter.write(s.raw(), services(services, 1000, mode), 500, 8);
    SortedMap<String, NodeInfo> source = s.readTree("/");
    Ceiling ceiling = ceiling(scope, sServer, servers.get(2));

    long expected = t.raw().getAllChildrenNumber("/") + OWN_NODES + source.size();
    ProcessMeters.Cpu serverCpu = serverCpu(sServer, servers.get(1));
    DaemonProcess daemon = startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, sServer, servers.get(1));
    long inSyncAt = awaitCount(t, daemon, c -> c >= expected);
    double[] serverSeconds = serverCpu.usedEach();
    awaitCopied(source, t, "/");
    double seconds = (inSyncAt - BenchLogs.firstPassStart(daemon)) / 1000.0;
    REPORT.add(
        row(
            scenario,
            source.size(),
            seconds,
            ceiling,
            daemon,
            sServer,
            "from the first pass's start; "
                + serverCpuNote(serverSeconds, ceiling)
                + "; "
                + BenchLogs.gc(daemon)
                + watchesPerNode(sServer, source.size())));
  }

  @Test
  @Order(9)
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void initialSyncOfBigTreeUnder512m(ProcessScope scope) throws Exception {
    bigInitialSync(scope, E2EConfig.ZK39);
  }

  /**
   * A million nodes under the daemon's -Xmx512m from a source of {@code sourceVersion}: with 3.4 or
   * 3.5, per-node watches.
   */
  private void bigInitialSync(ProcessScope scope, String sourceVersion) throws Exception {
    // the fourth server takes a second ceiling copy, after the daemon's
    List<ZkServerProcess> servers =
        BenchServers.start(scope, 4, BenchServers.BIG_HEAP, sourceVersion);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    int perParent = (int) Math.min(1000, BIG_NODES);
    int parents = (int) Math.max(1, BIG_NODES / perParent);
    long nodes = (long) parents * (perParent + 1) + 1; // and /big
    long seedStart = System.nanoTime();
    BulkWriter.write(s.raw(), bigTree(parents, perParent), 1000, 16);
    double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
    Ceiling before = ceiling(scope, sServer, servers.get(2));
    assertThat(before.nodes()).as("S's nodes, which the ceiling copied").isEqualTo(nodes);

    long expected = t.raw().getAllChildrenNumber("/") + OWN_NODES + nodes;
    String heapNote = "";
    String heap = "";
    if (!sourceVersion.equals(E2EConfig.ZK39)) {
      // per-node watches: under -Xmx512m the daemon stops early, saying what heap to give it
      TooSmall refused = refusedHeap(scope, sServer, servers.get(1));
      heap = " -Xmx" + refused.advised();
      heapNote =
          String.format(
              Locale.ROOT,
              "; under -Xmx512m it stopped %.1f s after its start (exit 4): \"%s\"; run with"
                  + "%s",
              refused.seconds(),
              refused.line(),
              heap);
    }
    ProcessMeters.Cpu serverCpu = serverCpu(sServer, servers.get(1));
    DaemonProcess daemon =
        startDaemonWithOpts(
            scope,
            DaemonProcess.Kind.ALL_SYNC,
            sServer.connectString(),
            servers.get(1).connectString(),
            heap,
            "3600");
    long inSyncAt = awaitCount(t, daemon, c -> c >= expected);
    double[] serverSeconds = serverCpu.usedEach();
    double seconds = (inSyncAt - BenchLogs.firstPassStart(daemon)) / 1000.0;
    // the pass's own count, and a few subtrees compared node by node
    await("the first pass's progress line")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> BenchLogs.progress(daemon).stream().anyMatch(p -> p.src() == nodes));
    for (String parent : List.of(bigParent(0), bigParent(parents / 2), bigParent(parents - 1))) {
      Trees.assertCopied(s.readTree(parent), t.readTree(parent));
    }
    assertThat((long) t.raw().getAllChildrenNumber("/big")).isEqualTo(nodes - 1);
    ProcessMeters.GcSummary gc = BenchLogs.gcSummary(daemon);
    // a 2-core machine's speed drifts over a minute: the ceiling is measured on both sides of the
    // daemon's run, and the ratio is to their mean
    Ceiling after = ceiling(scope, sServer, servers.get(3));
    Ceiling ceiling = Ceiling.meanOf(before, after);
    REPORT.add(
        row(
            String.format(
                    Locale.ROOT,
                    "initial sync, %,d x 100 B, -Xmx%s",
                    nodes,
                    heap.isEmpty() ? "512m" : heap.substring(" -Xmx".length()))
                + fromOld(sourceVersion),
            nodes,
            seconds,
            ceiling,
            daemon,
            sServer,
            String.format(
                    Locale.ROOT,
                    "%s; %s; ceiling before / after the daemon %,.0f / %,.0f nodes/s; S seeded in"
                        + " %.1f s; from the first pass's start",
                    gc,
                    serverCpuNote(serverSeconds, ceiling),
                    before.rate(),
                    after.rate(),
                    seedSeconds)
                + watchesPerNode(sServer, nodes)
                + heapNote));
    assertThat(daemon.isAlive()).as("the daemon survived").isTrue();
  }

  /** The daemon's refusal of a heap too small for its watches: when, what it said, what heap. */
  record TooSmall(double seconds, String line, String advised) {}

  private static final Pattern ADVISED = Pattern.compile("JAVA_OPTS=-Xmx(\\w+)");

  private TooSmall refusedHeap(ProcessScope scope, ZkServerProcess s, ZkServerProcess t) {
    long started = System.nanoTime();
    DaemonProcess small =
        startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, s.connectString(), t.connectString());
    assertThat(small.waitForExit(CONVERGE)).as(small.diagnostics()).isEqualTo(4);
    double seconds = (System.nanoTime() - started) / 1e9;
    String line = small.stderr().strip();
    Matcher m = ADVISED.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return new TooSmall(seconds, line, m.group(1));
  }

  // ---- an old source ---------------------------------------------------------------------------

  /**
   * 100 x 1,000 persistent nodes from a 3.4.14 source (T 3.9.5): no persistent watches, so a data
   * and a child watch per node.
   */
  /**
   * A registry from a 3.4.14 source: 10 services of 1,000 ephemeral registrations, one watch each
   * (an ephemeral node never has children), two on each persistent service.
   */
  @Test
  @Order(13)
  void initialSyncOf10x1000EphemeralFrom34(ProcessScope scope) throws Exception {
    initialSync(
        scope,
        "initial sync, 10 x 1,000 ephemeral" + fromOld(E2EConfig.ZK34),
        10,
        CreateMode.EPHEMERAL,
        E2EConfig.ZK34);
  }

  @Test
  @Order(14)
  void initialSyncOf100x1000From34(ProcessScope scope) throws Exception {
    initialSync(
        scope,
        "initial sync, 100 x 1,000" + fromOld(E2EConfig.ZK34),
        100,
        CreateMode.PERSISTENT,
        E2EConfig.ZK34);
  }

  @Test
  @Order(15)
  void burstOf10000CreatesUnder10ParentsFrom34(ProcessScope scope) throws Exception {
    burst(
        scope,
        "burst: 10,000 creates under 10 parents" + fromOld(E2EConfig.ZK34),
        10,
        E2EConfig.ZK34);
  }

  @Test
  @Order(16)
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void initialSyncOfBigTreeFrom34Under512m(ProcessScope scope) throws Exception {
    bigInitialSync(scope, E2EConfig.ZK34);
  }

  private static String fromOld(String sourceVersion) {
    return sourceVersion.equals(E2EConfig.ZK39) ? "" : ", S " + sourceVersion;
  }

  /** The source's watches per node, for a row's note. */
  private static String watchesPerNode(ZkServerProcess source, long nodes) throws Exception {
    return String.format(
        Locale.ROOT,
        "; %.2f watches per node on S",
        ProcessMeters.watches(source) / (double) nodes);
  }

  // ---- T far away ------------------------------------------------------------------------------

  /** One way to T in the WAN rows: a cloud T 20 ms away (round trip) from the ops host. */
  private static final Duration WAN_ONE_WAY = Duration.ofMillis(10);

  /**
   * The initial sync of 100 x 1,000 persistent nodes with T behind a {@link FaultyLink} that delays
   * each direction by 10 ms, the ceiling copier writing through a link of its own with the same
   * delay: what the WAN costs each of them.
   */
  @Test
  @Order(10)
  void initialSyncOf100x1000ThroughA20msRoundTripToT(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 3, BenchServers.SMALL_HEAP);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    BulkWriter.write(s.raw(), services(100, 1000, CreateMode.PERSISTENT), 500, 8);
    Ceiling ceiling =
        ceiling(scope, sServer, servers.get(2), farAway(scope, servers.get(2), WAN_ONE_WAY), null);
    assertThat(ceiling.nodes()).isEqualTo(100 * 1001);

    long expected = t.raw().getAllChildrenNumber("/") + OWN_NODES + ceiling.nodes();
    ProcessMeters.Cpu serverCpu = serverCpu(sServer, servers.get(1));
    DaemonProcess daemon =
        startDaemon(
            scope,
            DaemonProcess.Kind.ALL_SYNC,
            sServer.connectString(),
            farAway(scope, servers.get(1), WAN_ONE_WAY));
    long inSyncAt = awaitCount(t, daemon, c -> c >= expected);
    double[] serverSeconds = serverCpu.usedEach();
    double seconds = (inSyncAt - BenchLogs.firstPassStart(daemon)) / 1000.0;
    REPORT.add(
        row(
            "initial sync, 100 x 1,000, T 20 ms round trip",
            ceiling.nodes(),
            seconds,
            ceiling,
            daemon,
            sServer,
            "T behind a link delaying 10 ms each way (the ceiling through its own); from the first"
                + " pass's start; "
                + serverCpuNote(serverSeconds, ceiling)
                + "; "
                + BenchLogs.gc(daemon)));
  }

  /**
   * A burst of 10,000 creates under 10 parents on S with T behind the same 20 ms round trip, and
   * the same burst written while the daemon is stopped: the watch-driven path across a WAN.
   */
  @Test
  @Order(11)
  void burstOf10000CreatesUnder10ParentsThroughA20msRoundTripToT(ProcessScope scope)
      throws Exception {
    burst(
        scope,
        "burst: 10,000 creates under 10 parents, T 20 ms round trip",
        10,
        E2EConfig.ZK39,
        WAN_ONE_WAY);
  }

  /**
   * One registration at a time with T behind the same 20 ms round trip: what a watch-driven change
   * costs in round trips (an ideal copy: S's event, then one write to T).
   */
  @Test
  @Order(11)
  void registrationLatencyThroughA20msRoundTripToT(ProcessScope scope) throws Exception {
    registrationLatency(scope, WAN_ONE_WAY, ", T 20 ms round trip");
  }

  // ---- what passes cost the source's clients -------------------------------------------------

  /**
   * A probe client of S times its {@code getData}s with S idle, during a periodic pass (paced by
   * {@code --passReadRate}, its default) once the servers have settled after the initial sync (the
   * first seconds are reported apart), and during a pass at full speed ({@code --passReadRate 0}: a
   * second daemon's first pass over a tree T already holds, which is all reads).
   */
  @Test
  @Order(12)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void whatPeriodicPassesCostTheSourcesClients(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 2, BenchServers.BIG_HEAP);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk probe = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    int perParent = (int) Math.min(1000, BIG_NODES);
    int parents = (int) Math.max(1, BIG_NODES / perParent);
    long nodes = (long) parents * (perParent + 1) + 1;
    BulkWriter.write(s.raw(), bigTree(parents, perParent), 1000, 16);
    List<String> sample = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      sample.add(
          bigParent(i % parents) + String.format(Locale.ROOT, "/n%04d", (i * 7) % perParent));
    }
    Duration window = Duration.ofSeconds(5);
    SourceProbe.measure(probe, sample, Duration.ofSeconds(2), () -> false); // warms the probe up
    SourceProbe.Latencies idle = SourceProbe.measure(probe, sample, window, () -> false);

    long expected = t.raw().getAllChildrenNumber("/") + OWN_NODES + nodes;
    DaemonProcess paced =
        startDaemon(
            scope,
            DaemonProcess.Kind.ALL_SYNC,
            sServer.connectString(),
            servers.get(1).connectString(),
            "1");
    awaitCount(t, paced, c -> c >= expected);
    await("a periodic pass")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> paced.runtimeLog().contains("reconcile pass starting (every 1 s)"));
    // reported apart: the servers still collect the garbage of the initial sync's million reads
    // and writes, which would be counted against the pace (a paced pass lasts about 200 s)
    SourceProbe.Latencies settling =
        SourceProbe.measure(probe, sample, SETTLE, () -> passesDone(paced) >= 2);
    SourceProbe.Latencies duringPaced =
        SourceProbe.measure(probe, sample, window, () -> passesDone(paced) >= 2);
    paced.kill9();

    DaemonProcess full =
        startDaemon(
            scope,
            DaemonProcess.Kind.ALL_SYNC,
            sServer.connectString(),
            servers.get(1).connectString(),
            "3600",
            "--passReadRate",
            "0");
    await("its pass")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> full.runtimeLog().contains("reconcile pass starting"));
    SourceProbe.Latencies duringFull =
        SourceProbe.measure(probe, sample, window, () -> passesDone(full) >= 1);
    REPORT.add(
        new BenchReport.Row(
            "probe getData on S during passes",
            nodes,
            null,
            null,
            null,
            null,
            null,
            null,
            String.format(
                Locale.ROOT,
                "idle %s; periodic pass (--passReadRate default) %s; pass at full speed %s;"
                    + " the periodic pass's first %d s, right after the initial sync, %s",
                idle.describe(),
                duringPaced.describe(),
                duringFull.describe(),
                SETTLE.toSeconds(),
                settling.describe())));
  }

  /** How long the servers take to settle after a million-node initial sync. */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private static long passesDone(DaemonProcess d) {
    return d.runtimeLog().lines().filter(l -> l.contains("reconcile pass done in")).count();
  }

  // ---- live bursts ----------------------------------------------------------------------------

  @Test
  @Order(3)
  void burstOf10000CreatesUnderOneParent(ProcessScope scope) throws Exception {
    burst(scope, "burst: 10,000 creates under 1 parent", 1);
  }

  @Test
  @Order(4)
  void burstOf10000CreatesUnder10Parents(ProcessScope scope) throws Exception {
    burst(scope, "burst: 10,000 creates under 10 parents", 10);
  }

  private void burst(ProcessScope scope, String scenario, int parents) throws Exception {
    burst(scope, scenario, parents, E2EConfig.ZK39);
  }

  private void burst(ProcessScope scope, String scenario, int parents, String sourceVersion)
      throws Exception {
    burst(scope, scenario, parents, sourceVersion, Duration.ZERO);
  }

  /**
   * With {@code oneWayToT} above zero, the daemon reaches T, and the ceiling copier its own T,
   * through a link delaying each direction by that much.
   */
  private void burst(
      ProcessScope scope, String scenario, int parents, String sourceVersion, Duration oneWayToT)
      throws Exception {
    List<ZkServerProcess> servers =
        BenchServers.start(scope, 3, BenchServers.SMALL_HEAP, sourceVersion);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    BulkWriter.write(s.raw(), services(parents, 0, CreateMode.PERSISTENT), 500, 8);
    String toT = farAway(scope, servers.get(1), oneWayToT);
    DaemonProcess daemon =
        startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, sServer.connectString(), toT);
    awaitFirstPass(daemon);
    long baseline = t.raw().getAllChildrenNumber("/");

    Burst b = timedBurst(s, services(parents, BURST / parents, CreateMode.PERSISTENT, true));
    long inSyncAt = awaitCount(t, daemon, c -> c >= baseline + BURST);
    awaitCopied(s.readTree("/"), t, "/");

    Burst c = pausedBurst(daemon, s, providers(parents, BURST / parents, BURST / parents, false));
    long caughtUpAt = awaitCount(t, daemon, n -> n >= baseline + 2 * BURST);
    awaitCopied(s.readTree("/"), t, "/");

    Ceiling ceiling =
        ceiling(scope, sServer, servers.get(2), farAway(scope, servers.get(2), oneWayToT), null);
    REPORT.add(burstRow(scenario, b, inSyncAt, ceiling, daemon, sServer));
    REPORT.add(catchUpRow(scenario, c, caughtUpAt, ceiling, daemon, sServer, ""));
  }

  /** {@code server}'s address, or that of a link delaying each direction by {@code oneWay}. */
  private static String farAway(ProcessScope scope, ZkServerProcess server, Duration oneWay) {
    return oneWay.isZero()
        ? server.connectString()
        : scope.link(server).delay(oneWay).connectString();
  }

  @Test
  @Order(5)
  void tSyncOf10000EphemeralsOnT(ProcessScope scope) throws Exception {
    tSyncBurst(scope, "t_sync: 10,000 ephemerals on T", true);
  }

  /**
   * Rule 34: clients on T create persistent nodes of their own, which t_sync carries to S: per node
   * its record created and set on T, the copy and its marker in one multi on S, the marker deleted.
   */
  @Test
  @Order(5)
  void tSyncCarriesTenThousandNodesClientsCreateOnT(ProcessScope scope) throws Exception {
    tSyncBurst(scope, "t_sync: 10,000 clients' nodes on T", false);
  }

  /**
   * t_sync copies a burst of nodes clients write on T under services that exist on both sides:
   * registrations ({@code ephemeral}) or persistent nodes of their own.
   */
  private void tSyncBurst(ProcessScope scope, String scenario, boolean ephemeral) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 4, BenchServers.SMALL_HEAP);
    ZkServerProcess sServer = servers.get(0);
    ZkServerProcess tServer = servers.get(1);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    // the services exist on both sides (all_sync's work)
    BulkWriter.write(s.raw(), services(10, 0, CreateMode.PERSISTENT), 500, 8);
    BulkWriter.write(t.raw(), services(10, 0, CreateMode.PERSISTENT), 500, 8);
    if (!ephemeral) {
      // what all_sync's first start leaves on T: nodes created after it are clients' own
      t.createPersistent("/zk2zk_ha", new byte[0]);
      t.createPersistent("/zk2zk_ha/origin_marks", new byte[0]);
    }
    DaemonProcess daemon = startDaemon(scope, DaemonProcess.Kind.T_SYNC, tServer, sServer);
    awaitFirstPass(daemon);
    long baseline = s.raw().getAllChildrenNumber("/");

    Zk client = scope.connect(tServer);
    CreateMode mode = ephemeral ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT;
    Burst b = timedBurst(client, services(10, BURST / 10, mode, true));
    long inSyncAt = awaitCount(s, daemon, c -> c >= baseline + BURST);
    awaitCopied(t.readTree("/"), s, "/");

    Burst c = pausedBurst(daemon, client, providers(10, BURST / 10, BURST / 10, ephemeral));
    long caughtUpAt = awaitCount(s, daemon, n -> n >= baseline + 2 * BURST);
    awaitCopied(t.readTree("/"), s, "/");

    Ceiling ceiling = ceiling(scope, tServer, servers.get(2));
    // t_sync writes a record on T as well as the copy on S: the same copier, writing each
    // batch's records on another server before the batch
    Ceiling withRecords = ceiling(scope, tServer, servers.get(3), servers.get(2));
    double catchUpRate = c.nodes() / ((caughtUpAt - c.startedAt()) / 1000.0);
    REPORT.add(burstRow(scenario, b, inSyncAt, ceiling, daemon, tServer));
    REPORT.add(
        catchUpRow(
            scenario,
            c,
            caughtUpAt,
            ceiling,
            daemon,
            tServer,
            String.format(
                Locale.ROOT,
                "; the ceiling copier writing each record first: %,.0f nodes/s, ratio to it %.2f",
                withRecords.rate(),
                catchUpRate / withRecords.rate())));
  }

  @Test
  @Order(6)
  void burstOf10000Deletes(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 3, BenchServers.SMALL_HEAP);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    BulkWriter.write(s.raw(), services(10, 1000, CreateMode.PERSISTENT), 500, 8);
    // the ceiling of this shape: deleting is no cheaper for a server than creating
    Ceiling ceiling = ceiling(scope, sServer, servers.get(2));
    DaemonProcess daemon = startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, sServer, servers.get(1));
    awaitFirstPass(daemon);
    long baseline = t.raw().getAllChildrenNumber("/");

    List<Op> deletes = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      for (int i = 0; i < 1000; i++) {
        deletes.add(Op.delete(provider(p, i), -1));
      }
    }
    Burst b = timedBurst(s, deletes.iterator());
    long inSyncAt = awaitCount(t, daemon, c -> c <= baseline - BURST);
    awaitCopied(s.readTree("/"), t, "/");

    // the same nodes again, copied by the daemon, then deleted while it is stopped
    BulkWriter.write(s.raw(), providers(10, 0, BURST / 10, false), 500, 8);
    awaitCount(t, daemon, n -> n >= baseline);
    awaitCopied(s.readTree("/"), t, "/");
    Burst c = pausedBurst(daemon, s, deletes.iterator());
    long caughtUpAt = awaitCount(t, daemon, n -> n <= baseline - BURST);
    awaitCopied(s.readTree("/"), t, "/");

    String scenario = "burst: 10,000 deletes";
    REPORT.add(burstRow(scenario, b, inSyncAt, ceiling, daemon, sServer));
    REPORT.add(catchUpRow(scenario, c, caughtUpAt, ceiling, daemon, sServer, ""));
  }

  // ---- steady writes ----------------------------------------------------------------------------

  @Test
  @Order(7)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void steadyWrites(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 2, BenchServers.SMALL_HEAP);
    ZkServerProcess sServer = servers.get(0);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(servers.get(1));
    BulkWriter.write(s.raw(), services(10, 0, CreateMode.PERSISTENT), 500, 8);
    DaemonProcess daemon = startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, sServer, servers.get(1));
    awaitFirstPass(daemon);

    SteadyWriter.Result r;
    try (LagObserver observer = LagObserver.start(t.raw(), "/");
        SteadyWriter writer = new SteadyWriter(s.raw(), 10)) {
      r = writer.run(STEADY_RATE, Duration.ofSeconds(STEADY_SECONDS), observer, CONVERGE);
    }
    awaitCopied(s.readTree("/"), t, "/");
    REPORT.add(
        new BenchReport.Row(
            String.format(Locale.ROOT, "steady: %d writes/s for %d s", STEADY_RATE, STEADY_SECONDS),
            r.writes(),
            r.seconds(),
            r.writes() / r.seconds(),
            null,
            null,
            ProcessMeters.peakRssMb(daemon.pid()),
            ProcessMeters.watches(sServer),
            String.format(
                Locale.ROOT,
                "lag p50 / p99 / max = %.1f / %.1f / %.1f ms (create, set, delete; %d unseen)",
                r.lagMs().p50(),
                r.lagMs().p99(),
                r.lagMs().max(),
                r.unseen())));
  }

  // ---- registration latency
  // ----------------------------------------------------------------------

  @Test
  @Order(8)
  void registrationLatencyBothWays(ProcessScope scope) throws Exception {
    registrationLatency(scope, Duration.ZERO, "");
  }

  /**
   * 100 registrations one at a time on each side, timed until the other side's watch sees them; the
   * daemons reach T through a link delaying {@code oneWayToT} each way (the test's clients reach
   * both servers directly).
   */
  private void registrationLatency(ProcessScope scope, Duration oneWayToT, String label)
      throws Exception {
    List<ZkServerProcess> servers = BenchServers.start(scope, 2, BenchServers.SMALL_HEAP);
    ZkServerProcess sServer = servers.get(0);
    ZkServerProcess tServer = servers.get(1);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    s.createWithParents("/svc/providers", new byte[0], CreateMode.PERSISTENT);
    String tAddress =
        oneWayToT.isZero()
            ? tServer.connectString()
            : scope.link(tServer).delay(oneWayToT).connectString();
    DaemonProcess allSync =
        startDaemon(scope, DaemonProcess.Kind.ALL_SYNC, sServer.connectString(), tAddress);
    DaemonProcess tSync =
        startDaemon(scope, DaemonProcess.Kind.T_SYNC, tAddress, sServer.connectString());
    await().atMost(CONVERGE).until(() -> t.exists("/svc/providers") != null);
    awaitFirstPass(allSync);
    awaitFirstPass(tSync);

    int n = 100;
    List<Double> sToT = new ArrayList<>();
    List<Double> tToS = new ArrayList<>();
    Zk clientS = scope.connect(sServer);
    Zk clientT = scope.connect(tServer);
    for (int i = 0; i < n; i++) {
      sToT.add(latencyMs(clientS, t, "/svc/providers/s-" + i));
      tToS.add(latencyMs(clientT, s, "/svc/providers/t-" + i));
    }
    String sToTName =
        label.isEmpty() ? "registration S -> T (all_sync)" : "registration S -> T" + label;
    String tToSName =
        label.isEmpty() ? "registration T -> S (t_sync)" : "registration T -> S" + label;
    REPORT.add(latencyRow(sToTName, sToT, allSync, sServer));
    REPORT.add(latencyRow(tToSName, tToS, tSync, tServer));
  }

  private static BenchReport.Row latencyRow(
      String scenario, List<Double> ms, DaemonProcess daemon, ZkServerProcess source)
      throws Exception {
    Percentiles p = Percentiles.of(ms);
    return new BenchReport.Row(
        scenario,
        ms.size(),
        null,
        null,
        null,
        null,
        ProcessMeters.peakRssMb(daemon.pid()),
        ProcessMeters.watches(source),
        String.format(
            Locale.ROOT,
            "one ephemeral at a time: p50 / p99 / max = %.1f / %.1f / %.1f ms",
            p.p50(),
            p.p99(),
            p.max()));
  }

  /** Registers an ephemeral on one side and times until the other side's watch sees it. */
  private static double latencyMs(Zk writer, Zk reader, String path) throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    Watcher w =
        e -> {
          if (e.getType() == Watcher.Event.EventType.NodeCreated) {
            seen.countDown();
          }
        };
    assertThat(reader.raw().exists(path, w)).isNull();
    long started = System.nanoTime();
    writer.createEphemeral(path, "x".getBytes(UTF_8));
    assertThat(seen.await(30, TimeUnit.SECONDS)).as(path + " reached the other side").isTrue();
    return (System.nanoTime() - started) / 1e6;
  }

  // ---- shared steps ----------------------------------------------------------------------------

  /**
   * {@code /zk2zk_migration}, {@code /zk2zk_ha} and {@code /zk2zk_ha/origin_marks}, which all_sync
   * creates on T.
   */
  private static final int OWN_NODES = 3;

  private static DaemonProcess startDaemon(
      ProcessScope scope, DaemonProcess.Kind kind, ZkServerProcess src, ZkServerProcess dst) {
    return startDaemon(scope, kind, src.connectString(), dst.connectString());
  }

  private static DaemonProcess startDaemon(
      ProcessScope scope, DaemonProcess.Kind kind, String src, String dst) {
    // no periodic pass inside a scenario: only the initial one and the watches
    return startDaemon(scope, kind, src, dst, "3600");
  }

  private static DaemonProcess startDaemon(
      ProcessScope scope,
      DaemonProcess.Kind kind,
      String src,
      String dst,
      String interval,
      String... more) {
    return startDaemonWithOpts(scope, kind, src, dst, "", interval, more);
  }

  /** With {@code moreJavaOpts} after the default ones (a later -Xmx wins). */
  private static DaemonProcess startDaemonWithOpts(
      ProcessScope scope,
      DaemonProcess.Kind kind,
      String src,
      String dst,
      String moreJavaOpts,
      String interval,
      String... more) {
    Path dir = scope.newDir(kind.launcherName());
    return scope.startDaemon(
        DaemonProcess.builder(kind, dir)
            .javaOpts(
                DaemonProcess.DEFAULT_JAVA_OPTS
                    + " -Xlog:gc:file="
                    + dir.resolve(BenchLogs.GC_LOG)
                    + " "
                    + DAEMON_OPTS
                    + moreJavaOpts)
            .args(
                "start",
                "--srcAddr",
                src,
                "--dstAddr",
                dst,
                "--logEnableStdout=false",
                "--syncDailyInterval",
                interval)
            .args(List.of(more))
            .args(DAEMON_ARGS.isBlank() ? List.of() : List.of(DAEMON_ARGS.trim().split("\\s+"))));
  }

  /**
   * The ceiling's copy: nodes, seconds, both servers' CPU seconds and the copier's own (this JVM's,
   * which runs nothing else meanwhile), to set beside the daemon's CPU.
   */
  record Ceiling(long nodes, double seconds, double[] serverCpu, double copierCpu) {
    double rate() {
      return nodes / seconds;
    }

    /** Two copies of the same tree as one: their mean time and CPU. */
    static Ceiling meanOf(Ceiling a, Ceiling b) {
      return new Ceiling(
          a.nodes,
          (a.seconds + b.seconds) / 2,
          new double[] {
            (a.serverCpu[0] + b.serverCpu[0]) / 2, (a.serverCpu[1] + b.serverCpu[1]) / 2
          },
          (a.copierCpu + b.copierCpu) / 2);
    }
  }

  private static Ceiling ceiling(ProcessScope scope, ZkServerProcess from, ZkServerProcess to)
      throws Exception {
    return ceiling(scope, from, to, null);
  }

  /** With {@code records} non-null, the copier writes each copy's record there first. */
  private static Ceiling ceiling(
      ProcessScope scope, ZkServerProcess from, ZkServerProcess to, ZkServerProcess records)
      throws Exception {
    return ceiling(scope, from, to, to.connectString(), records);
  }

  /** The copier writing to {@code to} through {@code toAddress} (e.g. a delaying link). */
  private static Ceiling ceiling(
      ProcessScope scope,
      ZkServerProcess from,
      ZkServerProcess to,
      String toAddress,
      ZkServerProcess records)
      throws Exception {
    Zk src = scope.connect(from);
    Zk dst = scope.connect(toAddress);
    Zk rec = records != null ? scope.connect(records) : null;
    ProcessMeters.Cpu cpu = serverCpu(from, to);
    ProcessMeters.Cpu copierCpu = new ProcessMeters.Cpu(ProcessHandle.current().pid());
    long started = System.nanoTime();
    long nodes =
        new CeilingCopier(
                src.raw(),
                dst.raw(),
                rec != null ? rec.raw() : null,
                java.util.Set.copyOf(Zk.EXCLUDED),
                !from.version().startsWith("3.4") && !from.version().startsWith("3.5"))
            .copyAll();
    double seconds = (System.nanoTime() - started) / 1e9;
    double copierSeconds = copierCpu.used();
    assertThat((long) dst.raw().getAllChildrenNumber("/"))
        .as("the ceiling copied every node")
        .isGreaterThanOrEqualTo(nodes);
    if (rec != null) {
      assertThat((long) rec.raw().getAllChildrenNumber(CeilingCopier.RECORDS))
          .as("the ceiling wrote a record for every copy")
          .isEqualTo(nodes);
    }
    return new Ceiling(nodes, seconds, cpu.usedEach(), copierSeconds);
  }

  private static ProcessMeters.Cpu serverCpu(ZkServerProcess a, ZkServerProcess b)
      throws Exception {
    return new ProcessMeters.Cpu(ProcessMeters.pid(a), ProcessMeters.pid(b));
  }

  /**
   * CPU of both servers, S + T: less sensitive to a busy machine than wall time, and it shows which
   * server a difference from the ceiling comes from.
   */
  private static String serverCpuNote(double[] daemonRun, Ceiling ceiling) {
    double[] c = ceiling.serverCpu();
    return String.format(
        Locale.ROOT,
        "server CPU %.1f s = S %.1f + T %.1f (ceiling %.1f = %.1f + %.1f); ceiling copier CPU %.1f s",
        daemonRun[0] + daemonRun[1],
        daemonRun[0],
        daemonRun[1],
        c[0] + c[1],
        c[0],
        c[1],
        ceiling.copierCpu());
  }

  /** A write burst: when the writer started and ended (epoch ms), and how many nodes it changed. */
  record Burst(long startedAt, long endedAt, long nodes) {}

  private static Burst timedBurst(Zk writer, Iterator<Op> ops) throws Exception {
    List<Op> all = new ArrayList<>();
    ops.forEachRemaining(all::add);
    long started = System.currentTimeMillis();
    // 100 per multi, 10 in flight: as fast as one client can make the server go
    BulkWriter.write(writer.raw(), all.iterator(), 100, 10);
    return new Burst(started, System.currentTimeMillis(), all.size());
  }

  /**
   * The burst written while the daemon is stopped (SIGSTOP, as in a long pause or a network stall),
   * timed from its SIGCONT: the daemon's own catch-up, without the writer sharing the machine's
   * cores with it.
   */
  private static Burst pausedBurst(DaemonProcess daemon, Zk writer, Iterator<Op> ops)
      throws Exception {
    List<Op> all = new ArrayList<>();
    ops.forEachRemaining(all::add);
    long resumedAt;
    Signals.stop(daemon.pid());
    try {
      BulkWriter.write(writer.raw(), all.iterator(), 100, 10);
    } finally {
      Signals.cont(daemon.pid());
      resumedAt = System.currentTimeMillis();
    }
    return new Burst(resumedAt, resumedAt, all.size());
  }

  private static BenchReport.Row catchUpRow(
      String scenario,
      Burst b,
      long inSyncAt,
      Ceiling ceiling,
      DaemonProcess daemon,
      ZkServerProcess source,
      String moreNote)
      throws Exception {
    return row(
        scenario.replace("burst: ", "") + ", catch-up",
        b.nodes(),
        (inSyncAt - b.startedAt()) / 1000.0,
        ceiling,
        daemon,
        source,
        "written while the daemon was stopped (SIGSTOP); from its SIGCONT until in sync"
            + moreNote);
  }

  private static BenchReport.Row burstRow(
      String scenario,
      Burst b,
      long inSyncAt,
      Ceiling ceiling,
      DaemonProcess daemon,
      ZkServerProcess source)
      throws Exception {
    double after = (inSyncAt - b.endedAt()) / 1000.0;
    double writer = (b.endedAt() - b.startedAt()) / 1000.0;
    return row(
        scenario,
        b.nodes(),
        (inSyncAt - b.startedAt()) / 1000.0,
        ceiling,
        daemon,
        source,
        String.format(
            Locale.ROOT,
            "writer %.2f s (bounds the ratio to %.2f); in sync %.2f s after it (%s 1 s)",
            writer,
            (b.nodes() / writer) / ceiling.rate(),
            after,
            after <= 1.0 ? "within" : "NOT within"));
  }

  private static BenchReport.Row row(
      String scenario,
      long nodes,
      double seconds,
      Ceiling ceiling,
      DaemonProcess daemon,
      ZkServerProcess source,
      String note)
      throws Exception {
    double rate = nodes / seconds;
    System.out.println(
        "bench: "
            + scenario
            + ": daemon threads: "
            + ProcessMeters.busiestThreads(daemon.pid(), 12));
    return new BenchReport.Row(
        scenario,
        nodes,
        seconds,
        rate,
        ceiling.rate(),
        rate / ceiling.rate(),
        ProcessMeters.peakRssMb(daemon.pid()),
        ProcessMeters.watches(source),
        String.format(
            Locale.ROOT, "%s; daemon CPU %.1f s", note, ProcessMeters.cpuSeconds(daemon.pid())));
  }

  /**
   * Polls the node count of {@code zk}'s whole tree ({@code getAllChildrenNumber("/")}, constant
   * time on the server) until {@code done}; returns when it first was (epoch ms).
   */
  private static long awaitCount(Zk zk, DaemonProcess daemon, LongPredicate done) {
    AtomicLong at = new AtomicLong();
    await("node count on " + zk)
        .atMost(CONVERGE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .failFast("the daemon exited", () -> !daemon.isAlive())
        .until(
            () -> {
              if (done.test(zk.raw().getAllChildrenNumber("/"))) {
                at.set(System.currentTimeMillis());
                return true;
              }
              return false;
            });
    return at.get();
  }

  private static void awaitCopied(SortedMap<String, NodeInfo> source, Zk target, String root) {
    await("an exact copy on " + target)
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> Trees.assertCopied(source, target.readTree(root)));
  }

  private static void awaitFirstPass(DaemonProcess daemon) {
    await("the first reconcile pass of " + daemon)
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(50))
        .failFast("the daemon exited", () -> !daemon.isAlive())
        .until(() -> !BenchLogs.progress(daemon).isEmpty());
  }

  // ---- trees ----------------------------------------------------------------------------------

  private static String provider(int service, int i) {
    return "/service" + service + "/provider-" + i;
  }

  private static Iterator<Op> services(int services, int providers, CreateMode mode) {
    return services(services, providers, mode, false);
  }

  /** {@code /serviceN} (persistent) with {@code providers} children of about 64 bytes each. */
  private static Iterator<Op> services(
      int services, int providers, CreateMode mode, boolean childrenOnly) {
    List<Op> ops = new ArrayList<>();
    for (int p = 0; p < services; p++) {
      if (!childrenOnly) {
        ops.add(BulkWriter.create("/service" + p, new byte[0]));
      }
      providers(p, p + 1, 0, providers, mode == CreateMode.EPHEMERAL).forEachRemaining(ops::add);
    }
    return ops.iterator();
  }

  /** Providers {@code from} to {@code from + count - 1} of {@code /service0..N-1}. */
  private static Iterator<Op> providers(int services, int from, int count, boolean ephemeral) {
    return providers(0, services, from, count, ephemeral);
  }

  /** Providers {@code from} to {@code from + count - 1} of services {@code first..end-1}. */
  private static Iterator<Op> providers(
      int first, int end, int from, int count, boolean ephemeral) {
    List<Op> ops = new ArrayList<>();
    for (int p = first; p < end; p++) {
      for (int i = from; i < from + count; i++) {
        byte[] data =
            String.format(Locale.ROOT, "provider %d of service %d, about 64 bytes ......", i, p)
                .getBytes(UTF_8);
        ops.add(
            ephemeral
                ? BulkWriter.ephemeral(provider(p, i), data)
                : BulkWriter.create(provider(p, i), data));
      }
    }
    return ops.iterator();
  }

  private static String bigParent(int p) {
    return String.format(Locale.ROOT, "/big/p%04d", p);
  }

  /** {@code /big/pNNNN/nNNNN}: {@code parents} x {@code perParent} nodes of 100 bytes, lazily. */
  private static Iterator<Op> bigTree(int parents, int perParent) {
    return new Iterator<>() {
      private int p = -1;
      private int i = perParent;

      @Override
      public boolean hasNext() {
        return p < parents - 1 || i < perParent;
      }

      @Override
      public Op next() {
        if (p < 0) {
          p = 0;
          i = -1;
          return BulkWriter.create("/big", new byte[0]);
        }
        if (i == perParent) {
          p++;
          i = -1;
        }
        if (i < 0) {
          i = 0;
          return BulkWriter.create(bigParent(p), new byte[100]);
        }
        byte[] data = new byte[100];
        String name = String.format(Locale.ROOT, "n%04d", i);
        byte[] id = (bigParent(p) + "/" + name).getBytes(UTF_8);
        System.arraycopy(id, 0, data, 0, Math.min(id.length, data.length));
        i++;
        return BulkWriter.create(bigParent(p) + "/" + name, data);
      }
    };
  }

  private static String machine() {
    return String.format(
        Locale.ROOT,
        "%d cores, %s %s, Java %s; ZooKeeper %s standalone servers on loopback (forceSync=no), S %s"
            + " in the rows that say so",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        E2EConfig.ZK39,
        E2EConfig.ZK34);
  }

  /** p50 / p99 / max of a sample. */
  record Percentiles(double p50, double p99, double max) {
    static Percentiles of(List<Double> values) {
      if (values.isEmpty()) {
        return new Percentiles(Double.NaN, Double.NaN, Double.NaN);
      }
      List<Double> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return new Percentiles(
          sorted.get((int) Math.ceil(sorted.size() * 0.50) - 1),
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
          sorted.get(sorted.size() - 1));
    }
  }

  @AfterAll
  static void report() throws Exception {
    REPORT.write(Path.of(System.getProperty("zk2zk.benchDir", "target/bench")));
  }
}
