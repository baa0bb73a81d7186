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
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --ha} with the packaged daemons: two "hosts", each running all_sync and t_sync with {@code
 * --ha}. Host 1 leads both elections (a daemon of each kind has its own), host 2 stands by and
 * writes nothing. Host 1 dies ({@code kill -9} of both): host 2 takes over once the dead sessions
 * expire, and converges without duplicates, also for what clients wrote on both sides meanwhile (a
 * client's own node created on T, a carried one deleted on S, a job from S taken on T: rules 34, 36
 * and 37). Host 1 comes back as a standby; a SIGTERM of host 2 hands the lead back at once.
 */
@ExtendWith(ProcessScopeExtension.class)
class HaE2EIT {

  private static final Duration CONVERGE = Duration.ofSeconds(30);

  /** --haSession 4 s; the server expires a dead leader after that, then the standby is elected. */
  private static final Duration KILL_TAKEOVER = Duration.ofSeconds(10);

  private static final Duration SIGTERM_TAKEOVER = Duration.ofSeconds(3);

  private static final Pattern ELECTED = Pattern.compile("elected leader \\(([^)]+)\\)");

  private ZkServerProcess source;
  private ZkServerProcess target;
  private Zk s;
  private Zk t;
  private ProcessScope scope;

  private static byte[] bytes(String v) {
    return v.getBytes(UTF_8);
  }

  private static String id(DaemonProcess d) throws Exception {
    return InetAddress.getLocalHost().getHostName() + ":" + d.pid();
  }

  private DaemonProcess start(DaemonProcess.Kind kind, String host) {
    boolean all = kind == DaemonProcess.Kind.ALL_SYNC;
    return scope.startDaemon(
        DaemonProcess.builder(kind, scope.dir().resolve(host + "-" + kind.launcherName()))
            .args(
                "start",
                "--srcAddr",
                all ? source.connectString() : target.connectString(),
                "--dstAddr",
                all ? target.connectString() : source.connectString(),
                "--ha",
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "600"));
  }

  private static long count(String text, String needle) {
    return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
  }

  /** Waits until {@code d} logs its {@code n}-th election; returns the time since {@code t0}. */
  private static Duration awaitElected(DaemonProcess d, int n, long t0, Duration within) {
    await(d.kind().launcherName() + " in " + d.workDir().getFileName() + " elected")
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .failFast("it exited", () -> !d.isAlive())
        .until(() -> count(d.runtimeLog(), "elected leader (") >= n);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static void awaitStandingBy(DaemonProcess standby, DaemonProcess leader)
      throws Exception {
    String line = "standing by: " + id(leader) + " leads";
    await(standby.kind().launcherName() + " standing by")
        .atMost(CONVERGE)
        .failFast("it exited", () -> !standby.isAlive())
        .until(() -> standby.runtimeLog().contains(line));
  }

  private void awaitInSync(DaemonProcess... daemons) {
    await("both sides in sync")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .failFast("a daemon exited", () -> Stream.of(daemons).anyMatch(d -> !d.isAlive()))
        .untilAsserted(() -> InSync.assertMigrationInSync(s, t));
  }

  /** Successful creates of {@code path} with an empty EXTRA across the logs of both instances. */
  private static long creates(String path, DaemonProcess... instances) {
    long n = 0;
    for (DaemonProcess d : instances) {
      n += MonitorLog.count(d.monitorLog(), MonitorLog.created(path));
    }
    return n;
  }

  @Test
  void standbysTakeOverWhenTheLeadersDieAndConvergeWithoutDuplicates(ProcessScope scope)
      throws Exception {
    this.scope = scope;
    source = scope.register(ZkServerProcess.standalone(E2EConfig.ZK39, scope.newDir("zk-s")));
    target = scope.register(ZkServerProcess.standalone(E2EConfig.ZK39, scope.newDir("zk-t")));
    source.launch();
    target.launch();
    source.awaitServing(ZkServerProcess.START_TIMEOUT);
    target.awaitServing(ZkServerProcess.START_TIMEOUT);
    s = scope.connect(source);
    t = scope.connect(target);
    s.createPersistent("/conf", bytes("conf"));
    for (int i = 0; i < 50; i++) {
      s.createPersistent("/conf/k" + i, bytes("v" + i));
    }
    s.createPersistent("/reg", null);
    s.createPersistent("/reg/providers", null);
    scope.connect(source).createEphemeral("/reg/providers/on-s", bytes("s"));

    // host 1 first, so that it leads both elections
    DaemonProcess all1 = start(DaemonProcess.Kind.ALL_SYNC, "host1");
    DaemonProcess t1 = start(DaemonProcess.Kind.T_SYNC, "host1");
    awaitElected(all1, 1, System.nanoTime(), CONVERGE);
    awaitElected(t1, 1, System.nanoTime(), CONVERGE);
    DaemonProcess all2 = start(DaemonProcess.Kind.ALL_SYNC, "host2");
    DaemonProcess t2 = start(DaemonProcess.Kind.T_SYNC, "host2");
    awaitStandingBy(all2, all1);
    awaitStandingBy(t2, t1);
    await("/reg/providers on T").atMost(CONVERGE).until(() -> t.exists("/reg/providers") != null);
    List<Zk> onT = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Zk client = scope.connect(target);
      client.createEphemeral("/reg/providers/on-t-" + i, bytes("t" + i));
      onT.add(client);
    }
    // a client on T writes a node of its own (a mapping): carried to S by the leader
    t.createPersistent("/reg/mapping", bytes("app-1"));
    // a queue produced on S: its jobs are copied to T with their receipts (rule 37)
    s.createPersistent("/jobs", null);
    s.createPersistent("/jobs/job-0000000000", bytes("j0"));
    s.createPersistent("/jobs/job-0000000001", bytes("j1"));
    awaitInSync(all1, t1, all2, t2);
    assertThat(s.getData("/reg/mapping")).isEqualTo(bytes("app-1"));
    assertThat(all2.monitorLog()).as("all_sync standby's monitor log").isEmpty();
    assertThat(t2.monitorLog()).as("t_sync standby's monitor log").isEmpty();
    assertThat(all1.runtimeLog()).contains("elected leader (" + id(all1) + "), starting to sync");

    // host 1 dies; S and T change meanwhile: new config, a changed and a deleted key, one
    // instance leaves T, another registers there; a client on T writes another node of its own,
    // and a client on S deletes the carried mapping
    long killed = System.nanoTime();
    all1.kill9();
    t1.kill9();
    t.createPersistent("/reg/job", bytes("job"));
    s.delete("/reg/mapping");
    t.delete("/jobs/job-0000000000"); // a consumer on T takes a job from S
    s.createPersistent("/conf/new", bytes("new"));
    s.setData("/conf/k1", bytes("changed"));
    s.delete("/conf/k2");
    onT.remove(0).close();
    Zk late = scope.connect(target);
    late.createEphemeral("/reg/providers/on-t-late", bytes("late"));
    Duration allTakeover = awaitElected(all2, 1, killed, KILL_TAKEOVER);
    Duration tTakeover = awaitElected(t2, 1, killed, KILL_TAKEOVER);
    System.err.printf(
        "kill -9 of the leaders: all_sync standby elected %d ms after it, t_sync %d ms%n",
        allTakeover.toMillis(), tTakeover.toMillis());
    awaitInSync(all2, t2);
    assertThat(t.getData("/conf/k1")).isEqualTo(bytes("changed"));
    assertThat(t.exists("/conf/k2")).isNull();
    assertThat(s.exists("/reg/providers/on-t-0")).isNull();
    // the standbys carried what the leaders had not: the new node to S, the deletion to T
    assertThat(s.getData("/reg/job")).isEqualTo(bytes("job"));
    assertThat(t.exists("/reg/mapping")).isNull();
    assertThat(creates("/reg/job", t1, t2)).isEqualTo(1);
    // and the job taken on T went from S, never copied to T again
    assertThat(s.exists("/jobs/job-0000000000")).isNull();
    assertThat(t.exists("/jobs/job-0000000000")).isNull();
    assertThat(creates("/jobs/job-0000000000", all1, all2)).isEqualTo(1);
    assertThat(t.getData("/jobs/job-0000000001")).isEqualTo(bytes("j1"));
    // no duplicates: every copy was created once, by one leader or the other
    for (int i = 0; i < 50; i++) {
      assertThat(creates("/conf/k" + i, all1, all2)).as("/conf/k" + i).isLessThanOrEqualTo(1);
    }
    assertThat(creates("/conf/new", all1, all2)).isEqualTo(1);
    for (String p : List.of("/reg/providers/on-t-1", "/reg/providers/on-t-2")) {
      assertThat(creates(p, t1, t2)).as(p).isEqualTo(1);
    }
    assertThat(creates("/reg/providers/on-t-late", t1, t2)).isEqualTo(1);
    assertThat(all2.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
    assertThat(t2.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));

    // host 1 comes back (as a service manager restarts it): it stands by
    DaemonProcess all1b = start(DaemonProcess.Kind.ALL_SYNC, "host1");
    awaitStandingBy(all1b, all2);
    assertThat(count(all1b.runtimeLog(), "elected leader (")).isEqualTo(1); // the first run's

    // SIGTERM of the leader hands over at once: it leaves the election when it stops
    long stopped = System.nanoTime();
    all2.sigterm();
    Duration handover = awaitElected(all1b, 2, stopped, SIGTERM_TAKEOVER);
    System.err.printf(
        "SIGTERM of the leader: standby elected %d ms after it%n", handover.toMillis());
    assertThat(all2.waitForExit(Duration.ofSeconds(10))).isZero();
    Matcher m = ELECTED.matcher(all1b.runtimeLog());
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    assertThat(last).isEqualTo(id(all1b));
    s.createPersistent("/conf/after", bytes("after"));
    await("a change after the handover")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> t.getData("/conf/after") != null);
  }

  /** Curator's election sends create2, which a 3.4 server does not know: one clear line, exit 1. */
  @Test
  void haRefusesATargetOnZooKeeper34(ProcessScope scope) {
    ZkServerProcess s34 = scope.startZk(E2EConfig.ZK39);
    ZkServerProcess t34 = scope.startZk(E2EConfig.ZK34);
    DaemonProcess d =
        scope.startDaemon(
            DaemonProcess.Kind.ALL_SYNC,
            List.of(
                "start",
                "--srcAddr",
                s34.connectString(),
                "--dstAddr",
                t34.connectString(),
                "--ha",
                "--logEnableStdout=false"));
    assertThat(d.waitForExit(Duration.ofSeconds(60))).as(d.diagnostics()).isEqualTo(1);
    assertThat(d.stderr().lines().filter(l -> !l.isBlank()).toList())
        .containsExactly(
            "all_sync: cannot start: --ha needs ZooKeeper 3.5 or later on T: "
                + t34.connectString()
                + " runs 3.4.14 (Curator's leader election sends create2 requests)");
  }
}
