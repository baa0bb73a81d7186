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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety guards of docs/spec-operations.md: deletions only after a complete walk, the
 * mass-delete guard (for all_sync and for t_sync), and the refusal to sync an ensemble onto itself.
 */
@ExtendWith(ProcessScopeExtension.class)
class SafetyGuardsE2EIT {

  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Pattern RECEIVED = Pattern.compile("(?m)^Received: (\\d+)");

  private ProcessScope scope;

  @BeforeEach
  void init(ProcessScope scope) {
    this.scope = scope;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private DaemonProcess start(DaemonProcess.Kind kind, String src, String dst, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("start", "--srcAddr", src, "--dstAddr", dst, "--logEnableStdout=false"));
    args.addAll(Arrays.asList(extra));
    return scope.startDaemon(
        DaemonProcess.builder(kind, scope.dir().resolve(kind.launcherName() + "-run")).args(args));
  }

  /** /root/gNN/nNNNNN: {@code groups} groups of {@code each} nodes, and their parents. */
  private static void seed(Zk zk, String root, int groups, int each) throws Exception {
    zk.createPersistent(root, bytes(root));
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      String group = String.format("%s/g%02d", root, g);
      paths.add(group);
      data.add(bytes(group));
      for (int i = 0; i < each; i++) {
        String p = String.format("%s/n%05d", group, i);
        paths.add(p);
        data.add(bytes("value of " + p));
      }
    }
    zk.createPersistentBatch(paths, data);
  }

  private static long received(ZkServerProcess server) throws Exception {
    Matcher m = RECEIVED.matcher(server.srvr());
    if (!m.find()) {
      throw new IllegalStateException("no Received: line from " + server);
    }
    return Long.parseLong(m.group(1));
  }

  private static List<String> runtimeLines(DaemonProcess daemon) {
    String text = daemon.runtimeLog();
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  // ---- deletes only from complete reads -------------------------------------------------------

  /**
   * T already holds S's 10,000 nodes and 50 more of its own. all_sync's first pass walks both; S is
   * killed (kill -9) a third of the way through the walk. The cut walk must delete nothing: not the
   * nodes it had not reached on S yet, and not even T's own extra nodes (an absent node is evidence
   * only when the whole walk succeeded). The mass-delete guard is off, so that only this rule
   * stands between a cut walk and the deletion of T.
   */
  @Test
  void aWalkCutShortBySourceCrashDeletesNothing() throws Exception {
    // S on 3.4: the walk reads it node by node (newer servers are read in multi batches, and so
    // fast that no kill lands inside the walk), which the server's request count shows
    ZkServerProcess source = scope.startZk(E2EConfig.ZK34);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    int groups = 20;
    int each = 500;
    seed(s, "/data", groups, each);
    seed(t, "/data", groups, each);
    List<String> extras = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      extras.add(String.format("/data/g%02d/extra-%02d", i % groups, i));
      t.createPersistent(extras.get(i), bytes("only on T"));
    }
    Set<String> onS = s.readTree("/").keySet();
    Set<String> onTBefore = t.readTree("/").keySet();
    assertThat(onTBefore).hasSize(onS.size() + extras.size());

    long base = received(source);
    // a walk reads every node's data and children on S: 2 requests a node
    long third = 2L * onS.size() / 3;
    DaemonProcess daemon =
        start(
            DaemonProcess.Kind.ALL_SYNC,
            source.connectString(),
            target.connectString(),
            "--syncDailyInterval",
            "600",
            "--maxDeletePercent",
            "100");
    long seen =
        await("all_sync's walk a third of the way through S")
            .atMost(CONVERGE)
            .pollInterval(Duration.ofMillis(10))
            .failFast("all_sync exited", () -> !daemon.isAlive())
            .until(() -> received(source) - base, n -> n >= third);
    source.kill9();
    System.err.println("S killed after " + seen + " requests of about " + 2 * onS.size());

    await("all_sync says its pass was cut short")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> runtimeLines(daemon).stream().anyMatch(l -> l.contains("cut short")));
    assertThat(runtimeLines(daemon))
        .as("the first pass must not have ended before S was killed")
        .noneMatch(l -> l.contains("reconcile pass done"));
    await("T keeps every node while S is down")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> t.readTree("/").keySet().equals(onTBefore));
    assertThat(daemon.monitorLog()).noneMatch(l -> l.contains("[EventNodeDeleted]"));

    // S back: the next, complete walk deletes T's extras, and only those
    source.start();
    Zk s2 = scope.connect(source);
    await("T equal to S")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s2.readTree("/"), t.readTree("/")));
    List<String> deleted =
        daemon.monitorLog().stream()
            .filter(l -> l.contains("[EventNodeDeleted]"))
            .map(l -> l.substring(l.lastIndexOf("\t[") + 2, l.length() - 1))
            .toList();
    assertThat(deleted).containsExactlyInAnyOrderElementsOf(extras);
  }

  // ---- mass-delete guard ----------------------------------------------------------------------

  /**
   * all_sync pointed at an empty S (a wrong --srcAddr) while T holds 10,000 nodes: each pass would
   * delete all of T; the guard keeps them, says why in the monitor and the runtime log, and tries
   * again next pass. With --maxDeletePercent 100 the deletions are made.
   */
  @Test
  void massDeleteGuardKeepsTargetWhenSourceIsEmpty() throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk t = scope.connect(target);
    seed(t, "/old", 20, 500);
    int onT = t.readTree("/").size();
    assertThat(onT).isEqualTo(1 + 20 + 10_000);

    DaemonProcess guarded =
        start(
            DaemonProcess.Kind.ALL_SYNC,
            source.connectString(),
            target.connectString(),
            "--syncDailyInterval",
            "2");
    await("two reconcile passes")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !guarded.isAlive())
        .until(() -> MonitorLog.progress(guarded.monitorLog()).size() >= 2);
    assertThat(t.readTree("/")).as("T after two guarded passes").hasSize(onT);
    List<String> alarms =
        guarded.monitorLog().stream()
            .filter(l -> l.contains("[Alarm]") && l.contains("mass-delete guard"))
            .toList();
    assertThat(alarms).as("an Alarm line per guarded pass").hasSizeGreaterThanOrEqualTo(2);
    assertThat(alarms.get(0)).contains("[fail]");
    assertThat(runtimeLines(guarded))
        .anyMatch(l -> l.contains("ERROR") && l.contains("mass-delete guard"));
    assertThat(guarded.monitorLog()).noneMatch(l -> l.contains("[EventNodeDeleted]"));
    guarded.sigterm();
    assertThat(guarded.waitForExit(Duration.ofSeconds(15))).isZero();

    DaemonProcess unguarded =
        start(
            DaemonProcess.Kind.ALL_SYNC,
            source.connectString(),
            target.connectString(),
            "--syncDailyInterval",
            "2",
            "--maxDeletePercent",
            "100");
    await("T emptied as S is")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .failFast("all_sync exited", () -> !unguarded.isAlive())
        .until(() -> t.readTree("/").isEmpty());
  }

  /**
   * t_sync's side of the guard: T holds records for 150 copies on S, but none of the ephemerals
   * they name (a T that lost its clients, or the wrong T). Each pass would delete every copy on S;
   * the guard keeps them, and their records.
   */
  @Test
  void massDeleteGuardProtectsSourceFromTSync() throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess sServer = servers.get(0);
    ZkServerProcess tServer = servers.get(1);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    s.createPersistent("/reg", null);
    t.createPersistent("/reg", null);
    t.createPersistent("/zk2zk_migration", new byte[0]);
    for (int i = 0; i < 150; i++) {
      s.createPersistent("/reg/p-" + i, bytes("copy " + i));
      // Go's url.QueryEscape of /reg/p-i
      t.createPersistent("/zk2zk_migration/%2Freg%2Fp-" + i, new byte[0]);
    }

    DaemonProcess tSync =
        start(
            DaemonProcess.Kind.T_SYNC,
            tServer.connectString(),
            sServer.connectString(),
            "--syncDailyInterval",
            "2");
    await("two reconcile passes")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .failFast("t_sync exited", () -> !tSync.isAlive())
        .until(() -> MonitorLog.progress(tSync.monitorLog()).size() >= 2);
    assertThat(s.getChildren("/reg")).as("copies on S").hasSize(150);
    assertThat(t.getChildren("/zk2zk_migration")).as("records on T").hasSize(150);
    assertThat(tSync.monitorLog())
        .anyMatch(l -> l.contains("[Alarm]") && l.contains("mass-delete guard"))
        .noneMatch(
            l ->
                l.contains("[MigrateEventNodeDeleteWithRecord]")
                    || l.contains("[EventNodeDeleted]"));
    assertThat(runtimeLines(tSync))
        .anyMatch(l -> l.contains("ERROR") && l.contains("mass-delete guard"));
  }

  // ---- the same ensemble as source and target -------------------------------------------------

  @Test
  void theSameEnsembleAsSourceAndTargetIsRefused() throws Exception {
    ZkServerProcess zk = scope.startZk(E2EConfig.ZK39);
    Zk client = scope.connect(zk);
    client.createPersistent("/data", bytes("data"));
    String ip = zk.connectString();
    String name = "localhost:" + zk.clientPort();
    List<DaemonProcess> daemons =
        List.of(
            scope.startDaemon(
                DaemonProcess.Kind.ALL_SYNC, List.of("start", "--srcAddr", ip, "--dstAddr", ip)),
            scope.startDaemon(
                DaemonProcess.Kind.ALL_SYNC, List.of("start", "--srcAddr", ip, "--dstAddr", name)),
            scope.startDaemon(
                DaemonProcess.Kind.T_SYNC, List.of("start", "--srcAddr", name, "--dstAddr", ip)));
    for (DaemonProcess d : daemons) {
      assertThat(d.waitForExit(Duration.ofSeconds(60))).as(d + " exit code").isEqualTo(1);
      // e.g. "source … and target … are the same ensemble; refusing to sync an ensemble onto
      // itself"
      assertThat(d.output())
          .as(d + " output")
          .containsPattern("(?i)same (ensemble|server)|onto itself");
      assertThat(d.output()).doesNotContain("\tat ");
    }
    assertThat(client.readTree("/").keySet()).containsExactly("/data");
  }
}
