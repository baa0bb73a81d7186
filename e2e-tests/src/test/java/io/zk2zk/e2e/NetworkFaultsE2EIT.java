package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FaultyLink;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The network between the daemons and the ensembles fails, not the processes: both daemons reach S
 * and T through {@link FaultyLink}s while the test's clients reach the servers directly, so the
 * ensembles keep serving everyone else while the daemons' links stall, flap, reset or crawl. Each
 * test ends in the spec's "in sync", read with plain clients, and checks that the runtime logs say
 * once what happened and once that it healed.
 */
@ExtendWith(ProcessScopeExtension.class)
class NetworkFaultsE2EIT {

  /** Never reached within a test: what syncs comes from watches and reconnect-triggered passes. */
  private static final String NO_PERIODIC_PASS = "600";

  /** The daemons' short sessions (seconds) in the stall tests. */
  private static final int SESSION_S = 4;

  /**
   * How long a stall goes on after the daemon logged the disconnect (2/3 of a session after it
   * began): 2.5 times the sessions, so that both the daemons and the servers give them up.
   */
  private static final Duration LONG_STALL = Duration.ofSeconds(SESSION_S * 5 / 2);

  /** Until a small tree is in sync after a start or a heal. */
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private ProcessScope scope;
  private ZkServerProcess source;
  private ZkServerProcess target;
  private FaultyLink toS;
  private FaultyLink toT;
  private Zk s;
  private Zk t;

  @BeforeEach
  void init(ProcessScope scope) {
    this.scope = scope;
  }

  /**
   * S on {@code sourceVersion}, T on 3.9, a link to each for the daemons, and a direct client of
   * each for the test.
   */
  private void servers(String sourceVersion, String... serverJvmOpts) {
    source =
        scope.register(
            ZkServerProcess.standalone(
                sourceVersion, scope.newDir("zk-S"), List.of(serverJvmOpts)));
    target =
        scope.register(
            ZkServerProcess.standalone(
                E2EConfig.ZK39, scope.newDir("zk-T"), List.of(serverJvmOpts)));
    source.launch();
    target.launch();
    source.awaitServing(ZkServerProcess.START_TIMEOUT);
    target.awaitServing(ZkServerProcess.START_TIMEOUT);
    toS = scope.link(source);
    toT = scope.link(target);
    s = scope.connect(source);
    t = scope.connect(target);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /** all_sync from S to T, both through their links. */
  private DaemonProcess startAllSync(String... extra) {
    return startDaemon(DaemonProcess.Kind.ALL_SYNC, toS, toT, extra);
  }

  /** t_sync from T to S, both through their links. */
  private DaemonProcess startTSync(String... extra) {
    return startDaemon(DaemonProcess.Kind.T_SYNC, toT, toS, extra);
  }

  private DaemonProcess startDaemon(
      DaemonProcess.Kind kind, FaultyLink src, FaultyLink dst, String... extra) {
    return startOnHost("", kind, src, dst, extra);
  }

  /** A daemon of {@code host}: in a working directory of its own named after both. */
  private DaemonProcess startOnHost(
      String host, DaemonProcess.Kind kind, FaultyLink src, FaultyLink dst, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "start",
                "--srcAddr",
                src.connectString(),
                "--dstAddr",
                dst.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                NO_PERIODIC_PASS));
    args.addAll(Arrays.asList(extra));
    return scope.startDaemon(
        DaemonProcess.builder(kind, scope.dir().resolve(host + kind.launcherName())).args(args));
  }

  private static String[] shortSessions() {
    return new String[] {
      "--srcSession", Integer.toString(SESSION_S), "--dstSession", Integer.toString(SESSION_S)
    };
  }

  private void awaitInSync(DaemonProcess... daemons) {
    InSync.awaitMigrationInSync(s, t, CONVERGE, daemons);
  }

  private static List<String> runtimeLines(DaemonProcess daemon) {
    return daemon.runtimeLines();
  }

  private static long count(List<String> lines, String fragment) {
    return lines.stream().filter(l -> l.contains(fragment)).count();
  }

  private static void awaitLogged(DaemonProcess daemon, String fragment, Duration within) {
    await(daemon.kind().launcherName() + " logs \"" + fragment + "\"")
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .failFast("the daemon exited", () -> !daemon.isAlive())
        .until(() -> count(runtimeLines(daemon), fragment) > 0);
  }

  /** What ZkSide logs for one side of one daemon; the address is the link's. */
  private static String disconnected(String role, FaultyLink link) {
    return "ZkSide - " + role + " " + link.connectString() + " disconnected; reconnecting";
  }

  private static String reconnected(String role, FaultyLink link) {
    return "ZkSide - " + role + " " + link.connectString() + " reconnected";
  }

  private static String sessionLost(String role, FaultyLink link) {
    return "ZkSide - "
        + role
        + " "
        + link.connectString()
        + ": session lost (expired); opening a new one";
  }

  /** A pass that met a side it could not read: said once per outage. */
  private static final String CUT_SHORT =
      "ReconcileLoop - reconcile pass cut short, nothing deleted: ";

  /** The first complete pass after passes were cut short. */
  private static final String COMPLETE_AGAIN = "ReconcileLoop - reconcile passes complete again";

  /** The pass a reconnect asks for (ZooKeeper delivers no events for what changed meanwhile). */
  private static final String PASS_AFTER_RECONNECT =
      "ReconcileLoop - reconcile pass starting (reconnected)";

  /** How often {@code fragment} is in the runtime log, with the connection lines as the reason. */
  private static void assertLogged(DaemonProcess daemon, String fragment, long times) {
    List<String> lines = runtimeLines(daemon);
    assertThat(count(lines, fragment))
        .as(
            "%s's lines \"%s\"; its connection and pass lines:%n%s",
            daemon.kind().launcherName(),
            fragment,
            String.join(
                "\n",
                lines.stream()
                    .filter(l -> l.contains("ZkSide - ") || l.contains("ReconcileLoop - "))
                    .toList()))
        .isEqualTo(times);
  }

  /**
   * The runtime log says once that the side behind {@code link} went away, once (when the fault
   * outlived the session) that the session was lost, and once that it is back; nothing about any
   * other side; no error.
   */
  private static void assertOneOutage(
      DaemonProcess daemon, String role, FaultyLink link, boolean sessionLost) {
    assertLogged(daemon, disconnected(role, link), 1);
    assertLogged(daemon, sessionLost(role, link), sessionLost ? 1 : 0);
    assertLogged(daemon, reconnected(role, link), 1);
    assertLogged(daemon, "disconnected; reconnecting", 1);
    assertLogged(daemon, "session lost", sessionLost ? 1 : 0);
    assertLogged(daemon, PASS_AFTER_RECONNECT, 1);
    assertThat(runtimeLines(daemon)).noneMatch(l -> l.contains(" ERROR "));
  }

  /** The paths of the monitor log's lines with this operation (any result). */
  private static List<String> pathsOf(DaemonProcess daemon, String operation) {
    return daemon.monitorLog().stream()
        .filter(l -> l.contains("[" + operation + "]\t"))
        .map(l -> l.substring(l.lastIndexOf("\t[") + 2, l.length() - 1))
        .toList();
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A GET of the daemon's metrics server, which the test reaches directly (not through a link). */
  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** Keeps the test waiting while both daemons run, for {@code length} (a stall's length). */
  private static void holdFor(Duration length, DaemonProcess... daemons) {
    await("the daemons keep running through the fault")
        .during(length)
        .atMost(length.plusSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Arrays.stream(daemons).allMatch(DaemonProcess::isAlive));
  }

  /**
   * Creates {@code n} children of {@code parent} on S in one burst and stalls T's link as soon as
   * the first copy lands on T, with more of them on their way; adds their paths to {@code paths}
   * and returns how many were on T at the stall.
   */
  private int burstThenStallT(String parent, int n, List<String> paths) throws Exception {
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      paths.add(String.format("%s/n%05d", parent, i));
      data.add(bytes("value " + i));
    }
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> burst =
          writer.submit(
              () -> {
                s.createPersistentBatch(paths, data);
                return null;
              });
      int onTAtStall =
          await("the first of the burst on T")
              .atMost(CONVERGE)
              .pollInterval(Duration.ofMillis(2))
              .until(() -> t.exists(parent).getNumChildren(), c -> c > 0);
      toT.stall();
      burst.get(30, TimeUnit.SECONDS);
      return onTAtStall;
    } finally {
      writer.shutdown();
    }
  }

  /** A small registry: /app with 20 nodes and /app/providers. */
  private void seed() throws Exception {
    s.createPersistent("/app", bytes("app"));
    for (int i = 0; i < 20; i++) {
      s.createPersistent("/app/n" + i, bytes("v" + i));
    }
    s.createPersistent("/app/providers", null);
  }

  /**
   * Registry clients on both sides, two each: one stays, one leaves during the fault; both daemons
   * started with short sessions (all_sync also with {@code allSyncFlags}) and in sync.
   */
  private DaemonProcess[] startWithClientsOnBothSides(List<Zk> leaving, String... allSyncFlags)
      throws Exception {
    seed();
    scope.connect(source).createEphemeral("/app/providers/s-stays", bytes("s-stays"));
    Zk leaveS = scope.connect(source);
    leaveS.createEphemeral("/app/providers/s-leaves", bytes("s-leaves"));
    List<String> allSyncArgs = new ArrayList<>(Arrays.asList(shortSessions()));
    allSyncArgs.addAll(Arrays.asList(allSyncFlags));
    DaemonProcess allSync = startAllSync(allSyncArgs.toArray(String[]::new));
    DaemonProcess tSync = startTSync(shortSessions());
    // registry clients on T register below the parents all_sync copied
    awaitInSync(allSync, tSync);
    scope.connect(target).createEphemeral("/app/providers/t-stays", bytes("t-stays"));
    Zk leaveT = scope.connect(target);
    leaveT.createEphemeral("/app/providers/t-leaves", bytes("t-leaves"));
    awaitInSync(allSync, tSync);
    leaving.add(leaveS);
    leaving.add(leaveT);
    return new DaemonProcess[] {allSync, tSync};
  }

  /**
   * What clients do while a daemon's link is down: configuration changes on S, a registration
   * leaves and one arrives on each side.
   */
  private void changeBothSides(List<Zk> leaving) throws Exception {
    s.createPersistent("/app/during", bytes("during"));
    s.setData("/app/n1", bytes("changed during"));
    s.delete("/app/n2");
    leaving.forEach(Zk::close);
    scope.connect(source).createEphemeral("/app/providers/s-arrives", bytes("s-arrives"));
    scope.connect(target).createEphemeral("/app/providers/t-arrives", bytes("t-arrives"));
  }

  /** Every change of {@link #changeBothSides} arrived, and nothing else changed. */
  private void assertChangesArrived(DaemonProcess allSync, DaemonProcess tSync) throws Exception {
    assertThat(t.getData("/app/during")).isEqualTo(bytes("during"));
    assertThat(t.getData("/app/n1")).isEqualTo(bytes("changed during"));
    assertThat(t.getData("/app/n3")).isEqualTo(bytes("changed as the stall began"));
    assertThat(t.exists("/app/n2")).isNull();
    assertThat(t.exists("/app/providers/s-leaves")).isNull();
    assertThat(t.getData("/app/providers/s-stays")).isEqualTo(bytes("s-stays"));
    assertThat(t.getData("/app/providers/s-arrives")).isEqualTo(bytes("s-arrives"));
    assertThat(s.getData("/app/providers/t-stays")).isEqualTo(bytes("t-stays"));
    assertThat(s.getData("/app/providers/t-arrives")).isEqualTo(bytes("t-arrives"));
    assertThat(s.exists("/app/providers/t-leaves")).isNull();
    assertThat(InSync.recordedPaths(t))
        .containsExactlyInAnyOrder("/app/providers/t-stays", "/app/providers/t-arrives");
    // each change written once, no write failed for good, nothing else deleted
    List<String> allSyncLog = allSync.monitorLog();
    assertThat(MonitorLog.count(allSyncLog, MonitorLog.created("/app/during"))).isEqualTo(1);
    assertThat(MonitorLog.count(allSyncLog, MonitorLog.created("/app/providers/s-arrives")))
        .isEqualTo(1);
    assertThat(MonitorLog.count(allSyncLog, MonitorLog.dataChanged("/app/n1"))).isEqualTo(1);
    assertThat(MonitorLog.count(allSyncLog, MonitorLog.dataChanged("/app/n3"))).isEqualTo(1);
    assertThat(pathsOf(allSync, "EventNodeDeleted"))
        .containsExactlyInAnyOrder("/app/n2", "/app/providers/s-leaves");
    assertThat(pathsOf(tSync, "MigrateEventNodeDeleteWithRecord"))
        .containsExactly("/app/providers/t-leaves");
    assertThat(pathsOf(tSync, "EventNodeDeleted")).isEmpty();
    assertThat(MonitorLog.count(tSync.monitorLog(), MonitorLog.created("/app/providers/t-arrives")))
        .isEqualTo(1);
    for (DaemonProcess d : List.of(allSync, tSync)) {
      assertThat(d.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    }
  }

  // ---- a: T stalled for longer than the sessions ----------------------------------------------

  /**
   * T goes quiet for 2.5 times the daemons' sessions (all_sync's target, t_sync's source): both
   * give up their sessions to T, keep running, and after the heal open new ones and catch up with
   * everything that changed on either side meanwhile, with one pass each.
   */
  @Test
  void targetStalledLongerThanTheSessions() throws Exception {
    servers(E2EConfig.ZK39);
    List<Zk> leaving = new ArrayList<>();
    int metricsPort = FreePorts.next();
    DaemonProcess[] daemons =
        startWithClientsOnBothSides(leaving, "--metricsPort", Integer.toString(metricsPort));
    DaemonProcess allSync = daemons[0];
    DaemonProcess tSync = daemons[1];
    assertThat(get(metricsPort, "/health").statusCode()).isEqualTo(200);

    toT.stall();
    // sent by all_sync before its session notices the silence: held by the link
    s.setData("/app/n3", bytes("changed as the stall began"));
    awaitLogged(allSync, disconnected("target", toT), Duration.ofSeconds(SESSION_S * 2));
    changeBothSides(leaving);
    holdFor(LONG_STALL, allSync, tSync);
    // what a monitoring system sees by now: the target away for longer than its session
    HttpResponse<String> unhealthy = get(metricsPort, "/health");
    assertThat(unhealthy.statusCode()).isEqualTo(503);
    assertThat(unhealthy.body())
        .startsWith("target " + toT.connectString() + " disconnected for ")
        .endsWith(" s, longer than its session timeout (" + SESSION_S + " s)\n");
    assertThat(get(metricsPort, "/metrics").body())
        .contains("zk2zk_connected{daemon=\"all_sync\",side=\"target\"} 0.0");
    toT.heal();

    awaitInSync(allSync, tSync);
    assertChangesArrived(allSync, tSync);
    assertThat(get(metricsPort, "/health").body()).isEqualTo("ok\n");
    assertOneOutage(allSync, "target", toT, true);
    assertOneOutage(tSync, "source", toT, true);
  }

  // ---- b: S stalled for longer than the sessions ----------------------------------------------

  /**
   * S goes quiet the same way (all_sync's source, t_sync's target). all_sync must not delete on T
   * what it could not read on S, and t_sync must not lose T's registrations: S ends with the copies
   * of T's live ephemerals.
   */
  @Test
  void sourceStalledLongerThanTheSessions() throws Exception {
    servers(E2EConfig.ZK35);
    List<Zk> leaving = new ArrayList<>();
    DaemonProcess[] daemons = startWithClientsOnBothSides(leaving);
    DaemonProcess allSync = daemons[0];
    DaemonProcess tSync = daemons[1];
    Set<String> onTBefore = t.readTree("/").keySet();

    toS.stall();
    s.setData("/app/n3", bytes("changed as the stall began"));
    awaitLogged(allSync, disconnected("source", toS), Duration.ofSeconds(SESSION_S * 2));
    changeBothSides(leaving);
    holdFor(LONG_STALL, allSync, tSync);
    // S's silence is no evidence of anything: all_sync deleted nothing on T meanwhile (the one
    // node gone is the ephemeral whose client left T)
    assertThat(t.readTree("/").keySet())
        .containsAll(onTBefore.stream().filter(p -> !p.equals("/app/providers/t-leaves")).toList());
    assertThat(pathsOf(allSync, "EventNodeDeleted")).isEmpty();
    toS.heal();

    awaitInSync(allSync, tSync);
    assertChangesArrived(allSync, tSync);
    // the only deletions on T are of nodes gone from S
    for (String deleted : pathsOf(allSync, "EventNodeDeleted")) {
      assertThat(s.exists(deleted)).as("%s deleted on T but still on S", deleted).isNull();
    }
    assertOneOutage(allSync, "source", toS, true);
    assertOneOutage(tSync, "target", toS, true);
  }

  // ---- c: a flapping link ---------------------------------------------------------------------

  /**
   * Both links stall 2 s of every 5 for half a minute while clients change S every 200 ms and
   * registrations come and go on T. With 4 s sessions a 2 s stall may or may not outlast a
   * session's read timeout (2/3 of it, counted from the last answer; busy sessions did not
   * disconnect in our runs, idle ones did): each disconnect is logged once and followed by one
   * reconnect, no session is lost.
   */
  @Test
  void flappingLinksUnderLightLoad() throws Exception {
    servers(E2EConfig.ZK35);
    seed();
    DaemonProcess allSync = startAllSync(shortSessions());
    DaemonProcess tSync = startTSync(shortSessions());
    awaitInSync(allSync, tSync);

    AtomicInteger round = new AtomicInteger();
    AtomicReference<Exception> loadFailure = new AtomicReference<>();
    Zk onT = scope.connect(target);
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    load.scheduleAtFixedRate(
        () -> {
          int i = round.incrementAndGet();
          try {
            s.createPersistent("/app/f" + i, bytes("f" + i));
            s.setData("/app/n" + (i % 20), bytes("round " + i));
            if (i % 3 == 0) {
              s.delete("/app/f" + (i - 1));
            }
            if (i % 10 == 0) {
              onT.createEphemeral("/app/providers/t-" + i, bytes("t-" + i));
            }
            if (i % 10 == 5 && i > 10) {
              onT.delete("/app/providers/t-" + (i - 5));
            }
          } catch (Exception e) {
            loadFailure.compareAndSet(null, e);
          }
        },
        0,
        200,
        TimeUnit.MILLISECONDS);
    int flaps = 6;
    try {
      for (int flap = 0; flap < flaps; flap++) {
        toS.stall();
        toT.stall();
        holdFor(Duration.ofSeconds(2), allSync, tSync);
        toS.heal();
        toT.heal();
        holdFor(Duration.ofSeconds(3), allSync, tSync);
      }
    } finally {
      load.shutdown();
      assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(loadFailure.get()).isNull();
    assertThat(round.get()).isGreaterThan(100);

    awaitInSync(allSync, tSync);
    for (DaemonProcess d : List.of(allSync, tSync)) {
      boolean all = d == allSync;
      for (String role : List.of("source", "target")) {
        FaultyLink link = role.equals("source") == all ? toS : toT;
        List<String> events =
            runtimeLines(d).stream()
                .filter(l -> l.contains("ZkSide - " + role + " " + link.connectString()))
                .filter(l -> !l.contains("persistent recursive watches"))
                .map(l -> l.contains(disconnected(role, link)) ? "disconnected" : l)
                .map(l -> l.contains(reconnected(role, link)) ? "reconnected" : l)
                .toList();
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < events.size() / 2; i++) {
          pairs.add("disconnected");
          pairs.add("reconnected");
        }
        assertThat(events)
            .as("%s's %s connection lines over %d flaps", d.kind().launcherName(), role, flaps)
            .hasSizeLessThanOrEqualTo(2 * flaps)
            .isEqualTo(pairs);
      }
      System.err.printf(
          "flapping: %s logged %d disconnects%n",
          d.kind().launcherName(), count(runtimeLines(d), "disconnected; reconnecting"));
      assertThat(runtimeLines(d)).noneMatch(l -> l.contains("session lost"));
      assertThat(runtimeLines(d)).noneMatch(l -> l.contains(" ERROR "));
      assertThat(d.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    }
  }

  // ---- d: a stall in the middle of a write burst ----------------------------------------------

  /**
   * 5,000 creates on S; T's link stalls as soon as the first copy lands on T, for 8 s: longer than
   * the read timeout of all_sync's default 10 s session (its connection is given up, the writes in
   * flight are reported lost) and shorter than the session. The heal delivers what the link held on
   * the old connection; whatever of it the server still applies, all_sync finds done when it
   * resends it on the new connection and logs {@code [has created]} (0 to 504 creates in our runs).
   * Every node ends on T with exactly one {@code success} line; no {@code fail} line.
   */
  @Test
  void stallInTheMiddleOfAWriteBurst() throws Exception {
    servers(E2EConfig.ZK39);
    s.createPersistent("/big", bytes("big"));
    DaemonProcess allSync = startAllSync();
    awaitInSync(allSync);
    List<String> paths = new ArrayList<>();
    int onTAtStall = burstThenStallT("/big", 5_000, paths);
    holdFor(Duration.ofSeconds(8), allSync);
    int onTAtHeal = t.exists("/big").getNumChildren();
    toT.heal();

    awaitInSync(allSync);
    assertThat(onTAtHeal).as("copies on T when the stall ended").isLessThan(5_000);
    assertThat(t.getChildren("/big")).hasSize(5_000);
    List<String> created = pathsOf(allSync, "EventNodeCreated");
    assertThat(created).doesNotHaveDuplicates().hasSize(5_001).containsAll(paths);
    assertThat(allSync.monitorLog())
        .filteredOn(l -> l.contains("[EventNodeCreated]\t"))
        .allMatch(
            l -> l.contains("\t[success]\t[]\t") || l.contains("\t[success]\t[has created]\t"));
    long resent =
        allSync.monitorLog().stream().filter(l -> l.contains("\t[has created]\t")).count();
    System.err.printf(
        "stall mid-burst: %d copies on T at the stall, %d at the heal, %d creates resent and"
            + " found done%n",
        onTAtStall, onTAtHeal, resent);
    assertOneOutage(allSync, "target", toT, false);
  }

  // ---- a stall in the middle of a reconcile pass ---------------------------------------------

  /**
   * S's link stalls while all_sync's first pass walks a tree of 2,020 nodes (S 50 ms away, so that
   * the walk takes a while) which T holds with old data plus ten nodes S does not have. The pass is
   * cut short and deletes nothing, since an absent node is evidence only from a complete walk;
   * after the heal a pass completes and deletes exactly those ten, once each.
   */
  @Test
  void sourceStalledDuringAReconcilePass() throws Exception {
    servers(E2EConfig.ZK39);
    List<String> paths = new ArrayList<>();
    List<byte[]> oldData = new ArrayList<>();
    List<byte[]> newData = new ArrayList<>();
    paths.add("/tree");
    for (int g = 0; g < 20; g++) {
      paths.add("/tree/g" + g);
      for (int i = 0; i < 100; i++) {
        paths.add("/tree/g" + g + "/n" + i);
      }
    }
    for (String p : paths) {
      oldData.add(bytes("old " + p));
      newData.add(bytes("new " + p));
    }
    s.createPersistentBatch(paths, newData);
    t.createPersistentBatch(paths, oldData);
    List<String> extras = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      extras.add("/tree/g" + i + "/extra");
      t.createPersistent("/tree/g" + i + "/extra", bytes("only on T"));
    }
    toS.delay(Duration.ofMillis(50));
    DaemonProcess allSync = startAllSync(shortSessions());
    await("the first pass has written and is still walking")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(5))
        .failFast("all_sync exited", () -> !allSync.isAlive())
        .until(() -> pathsOf(allSync, "EventNodeDataChanged").size() > 0);
    toS.stall();
    assertThat(MonitorLog.progress(allSync.monitorLog()))
        .as("the pass had not finished when S's link stalled")
        .isEmpty();
    awaitLogged(allSync, CUT_SHORT, Duration.ofSeconds(SESSION_S * 2));
    holdFor(LONG_STALL, allSync);
    assertThat(pathsOf(allSync, "EventNodeDeleted")).isEmpty();
    for (String extra : extras) {
      assertThat(t.exists(extra)).as(extra).isNotNull();
    }
    toS.heal();

    awaitInSync(allSync);
    assertThat(pathsOf(allSync, "EventNodeDeleted")).containsExactlyInAnyOrderElementsOf(extras);
    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    assertLogged(allSync, CUT_SHORT, 1);
    assertLogged(allSync, COMPLETE_AGAIN, 1);
    assertLogged(allSync, disconnected("source", toS), 1);
    assertLogged(allSync, reconnected("source", toS), 1);
    assertLogged(allSync, "disconnected; reconnecting", 1);
    assertThat(runtimeLines(allSync)).noneMatch(l -> l.contains(" ERROR "));
  }

  // ---- e: every connection reset --------------------------------------------------------------

  /** Both links reset every connection at once: one disconnect and one reconnect per side. */
  @Test
  void droppedConnections() throws Exception {
    servers(E2EConfig.ZK39);
    seed();
    DaemonProcess allSync = startAllSync();
    DaemonProcess tSync = startTSync();
    awaitInSync(allSync, tSync);
    Zk onT = scope.connect(target);
    onT.createEphemeral("/app/providers/t-1", bytes("t-1"));
    awaitInSync(allSync, tSync);

    toS.drop();
    toT.drop();
    s.setData("/app/n1", bytes("after the drop"));
    onT.createEphemeral("/app/providers/t-2", bytes("t-2"));
    awaitInSync(allSync, tSync);
    assertThat(t.getData("/app/n1")).isEqualTo(bytes("after the drop"));
    assertThat(s.getData("/app/providers/t-2")).isEqualTo(bytes("t-2"));
    assertThat(toS.resetConnections()).isEqualTo(2);
    assertThat(toT.resetConnections()).isEqualTo(2);
    for (DaemonProcess d : List.of(allSync, tSync)) {
      boolean all = d == allSync;
      assertLogged(d, disconnected("source", all ? toS : toT), 1);
      assertLogged(d, reconnected("source", all ? toS : toT), 1);
      assertLogged(d, disconnected("target", all ? toT : toS), 1);
      assertLogged(d, reconnected("target", all ? toT : toS), 1);
      assertLogged(d, "session lost", 0);
      assertThat(runtimeLines(d)).noneMatch(l -> l.contains(" ERROR "));
      assertThat(d.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    }
  }

  // ---- f: a slow link -------------------------------------------------------------------------

  /**
   * Both daemons start over slow links (50 ms each way to S and to T, 256 KB/s each way to T) and
   * copy 2,020 nodes, then follow live changes: slower, and nothing else. The copy takes at least
   * its data over the bandwidth.
   */
  @Test
  void slowLinks() throws Exception {
    servers(E2EConfig.ZK39);
    s.createPersistent("/slow", null);
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    long dataBytes = 0;
    for (int g = 0; g < 20; g++) {
      paths.add("/slow/g" + g);
      data.add(bytes("group " + g));
      for (int i = 0; i < 100; i++) {
        paths.add("/slow/g" + g + "/n" + i);
        data.add(bytes("value " + g + "/" + i + " " + "x".repeat(100)));
      }
    }
    for (byte[] d : data) {
      dataBytes += d.length;
    }
    s.createPersistentBatch(paths, data);
    long bandwidth = 256 * 1024;
    toS.delay(Duration.ofMillis(50));
    toT.delay(Duration.ofMillis(50)).bandwidth(bandwidth);
    long started = System.nanoTime();
    DaemonProcess allSync = startAllSync();
    DaemonProcess tSync = startTSync();
    awaitInSync(allSync, tSync);
    Duration copied = Duration.ofNanos(System.nanoTime() - started);
    assertThat(copied).isGreaterThanOrEqualTo(Duration.ofMillis(dataBytes * 1000 / bandwidth));
    Zk onT = scope.connect(target);
    onT.createEphemeral("/slow/g0/t-1", bytes("t-1"));
    s.setData("/slow/g1/n1", bytes("live"));
    s.delete("/slow/g2/n2");
    awaitInSync(allSync, tSync);
    System.err.printf(
        "slow links: %d nodes (%d bytes of data) copied in %s%n", paths.size(), dataBytes, copied);
    for (DaemonProcess d : List.of(allSync, tSync)) {
      assertLogged(d, "disconnected", 0);
      assertThat(runtimeLines(d)).noneMatch(l -> l.contains(" ERROR "));
      assertThat(d.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    }
  }

  // ---- g: --ha, and the leader's link to T stalls ---------------------------------------------

  /**
   * Two hosts run all_sync and t_sync with {@code --ha}, each host through links of its own. Host 1
   * leads both elections; its link to T stalls in the middle of a 3,000-create burst, with copies
   * sent and held by the link. The standbys take over once T expires host 1's election sessions
   * ({@code --haSession}, 4 s), and bring T in sync with S, which meanwhile deleted the burst
   * again. Then the stall ends, before T expires host 1's sync sessions (30 s here, as a cautious
   * operator may set them): the link delivers the held creates, late, from a leader that lost the
   * lead. None of them may land: T stays in sync, and host 1 stands by.
   */
  @Test
  void haLeaderCutOffFromTWhileItWrites() throws Exception {
    servers(E2EConfig.ZK35);
    FaultyLink host2ToS = scope.link(source);
    FaultyLink host2ToT = scope.link(target);
    seed();
    s.createPersistent("/burst", null);
    DaemonProcess all1 =
        startOnHost("host1-", DaemonProcess.Kind.ALL_SYNC, toS, toT, "--ha", "--dstSession", "30");
    DaemonProcess t1 =
        startOnHost("host1-", DaemonProcess.Kind.T_SYNC, toT, toS, "--ha", "--srcSession", "30");
    awaitLogged(all1, "elected leader (", CONVERGE);
    awaitLogged(t1, "elected leader (", CONVERGE);
    DaemonProcess all2 =
        startOnHost("host2-", DaemonProcess.Kind.ALL_SYNC, host2ToS, host2ToT, "--ha");
    DaemonProcess t2 = startOnHost("host2-", DaemonProcess.Kind.T_SYNC, host2ToT, host2ToS, "--ha");
    awaitLogged(all2, "standing by: ", CONVERGE);
    awaitLogged(t2, "standing by: ", CONVERGE);
    Zk onT = scope.connect(target);
    onT.createEphemeral("/app/providers/t-1", bytes("t-1"));
    awaitInSync(all1, t1, all2, t2);

    List<String> paths = new ArrayList<>();
    burstThenStallT("/burst", 3_000, paths);
    long stalled = System.nanoTime();
    awaitLogged(all2, "elected leader (", Duration.ofSeconds(15));
    awaitLogged(t2, "elected leader (", Duration.ofSeconds(15));
    // clients go on meanwhile: the burst is deleted on S, a registration moves from T to S's side
    for (String p : paths) {
      s.delete(p);
    }
    onT.close();
    scope.connect(target).createEphemeral("/app/providers/t-2", bytes("t-2"));
    s.setData("/app/n1", bytes("during the stall"));
    awaitInSync(all2, t2);
    assertThat(Duration.ofNanos(System.nanoTime() - stalled))
        .as("the stall ends well before T expires host 1's sync sessions")
        .isLessThan(Duration.ofSeconds(25));
    toT.heal();

    awaitLogged(all1, "lost the lead (", CONVERGE);
    awaitLogged(t1, "lost the lead (", CONVERGE);
    // the held bytes are delivered at once; the old leader's election then reconnects
    awaitLogged(all1, "standing by: ", CONVERGE);
    awaitLogged(t1, "standing by: ", CONVERGE);
    await("both sides stay in sync after the heal")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> InSync.assertMigrationInSync(s, t));
    assertThat(t.getChildren("/burst")).isEmpty();
    assertThat(t.getData("/app/n1")).isEqualTo(bytes("during the stall"));
    assertThat(s.exists("/app/providers/t-1")).isNull();
    assertThat(s.getData("/app/providers/t-2")).isEqualTo(bytes("t-2"));
    for (DaemonProcess d : List.of(all1, t1, all2, t2)) {
      assertThat(d.isAlive()).as(d.workDir() + " runs").isTrue();
    }
  }

  // ---- h: an initial sync into a slow T --------------------------------------------------------

  /**
   * 100,000 nodes of 400 bytes (40 MB of data) on S, and T behind a link that takes 4 MB/s towards
   * T: the copy waits on T for seconds per batch. all_sync runs in a 64 MB heap, less than S's data
   * with the copies' overhead, so it completes only if it reads S no faster than T takes the writes
   * (backpressure) instead of queueing what it read. The heap in use (sampled from its metrics) is
   * reported; the copy takes at least the data over the bandwidth, every node is created once, and
   * nothing fails.
   */
  @Test
  void initialSyncOfAHundredThousandNodesIntoASlowTarget() throws Exception {
    // S and T get a bigger heap than the tests' 256 MB: ZooKeeper keeps its last 500 committed
    // transactions in memory (zookeeper.commitLogCount, for followers to catch up), so a server
    // that takes 40 MB in a few hundred multis holds it twice, and reading it all back then runs
    // in back-to-back GCs (S's tree read 10 s instead of 4)
    servers(E2EConfig.ZK39, "-Xmx512m");
    int groups = 100;
    int perGroup = 1_000;
    String filler = "x".repeat(380);
    long dataBytes = 0;
    s.createPersistent("/bulk", null);
    for (int g = 0; g < groups; g++) {
      List<String> paths = new ArrayList<>();
      List<byte[]> data = new ArrayList<>();
      paths.add("/bulk/g" + g);
      data.add(null);
      for (int i = 0; i < perGroup; i++) {
        paths.add(String.format("/bulk/g%d/n%04d", g, i));
        byte[] d = bytes(String.format("%04d %s", i, filler));
        data.add(d);
        dataBytes += d.length;
      }
      s.createPersistentBatch(paths, data);
    }
    long bandwidth = 4L * 1024 * 1024;
    toT.bandwidth(FaultyLink.Direction.CLIENT_TO_SERVER, bandwidth);
    int metricsPort = FreePorts.next();
    long started = System.nanoTime();
    DaemonProcess allSync =
        scope.startDaemon(
            DaemonProcess.builder(
                    DaemonProcess.Kind.ALL_SYNC, scope.dir().resolve("all_sync-small-heap"))
                .javaOpts("-Xmx64m")
                .args(
                    "start",
                    "--srcAddr",
                    toS.connectString(),
                    "--dstAddr",
                    toT.connectString(),
                    "--logEnableStdout=false",
                    "--syncDailyInterval",
                    NO_PERIODIC_PASS,
                    "--metricsPort",
                    Integer.toString(metricsPort)));
    int total = 1 + groups * (1 + perGroup);
    AtomicLong heapPeak = new AtomicLong();
    await("the first pass has copied " + total + " nodes")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !allSync.isAlive())
        .until(
            () -> {
              heapPeak.accumulateAndGet(heapUsed(metricsPort), Math::max);
              return !MonitorLog.progress(allSync.monitorLog()).isEmpty();
            });
    Duration copied = Duration.ofNanos(System.nanoTime() - started);
    assertThat(t.raw().getAllChildrenNumber("/bulk")).isEqualTo(total - 1);
    InSync.assertMigrationInSync(s, t);
    assertThat(copied).isGreaterThanOrEqualTo(Duration.ofMillis(dataBytes * 1000 / bandwidth));
    List<String> created = pathsOf(allSync, "EventNodeCreated");
    assertThat(created).hasSize(total).doesNotHaveDuplicates();
    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[fail]"));
    assertThat(runtimeLines(allSync)).noneMatch(l -> l.contains(" ERROR "));
    System.err.printf(
        "slow T: %d nodes (%d MB of data) copied through %d MB/s in %d s; heap in use at most %d"
            + " MB of 64%n",
        total, dataBytes >> 20, bandwidth >> 20, copied.toSeconds(), heapPeak.get() >> 20);
  }

  /**
   * The daemon's heap in use, from {@code jvm_memory_used_bytes{area="heap"}}; 0 while its metrics
   * server is not up yet.
   */
  private long heapUsed(int metricsPort) throws Exception {
    String body;
    try {
      body = get(metricsPort, "/metrics").body();
    } catch (java.net.ConnectException e) {
      return 0;
    }
    for (String line : body.lines().toList()) {
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"}")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no jvm_memory_used_bytes{area=\"heap\"} in the metrics");
  }
}
