package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.DaemonProcess.Kind;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.GoQueryEscape;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code all_sync verify} and {@code t_sync verify} as an operator runs them before a cut-over:
 * exit codes, the summary line, the differences it lists, the JSON report, and that it writes
 * nothing (no node, no log file).
 */
@ExtendWith(ProcessScopeExtension.class)
class VerifyE2EIT {

  /** JVM start, two sessions, a small walk and up to two re-checks a second apart. */
  private static final Duration VERIFY_EXIT = Duration.ofSeconds(45);

  /** A daemon's first pass over a small tree, plus slack for a loaded machine. */
  private static final Duration CONVERGED = Duration.ofSeconds(45);

  private static final Pattern IN_SYNC =
      Pattern.compile(
          "^(all_sync|t_sync) verify: IN SYNC: no difference under /; source (\\d+) nodes,"
              + " target (\\d+) nodes \\(\\d+\\.\\d s\\)$");

  private static DaemonProcess verify(
      ProcessScope scope, Kind kind, String src, String dst, String... extra) {
    List<String> args = new ArrayList<>(List.of("verify", "--srcAddr", src, "--dstAddr", dst));
    // a quiet ensemble: one re-check a second later is enough, and keeps the test short
    args.addAll(List.of("--recheck", "1", "--recheckInterval", "1"));
    args.addAll(List.of(extra));
    return scope.startDaemon(kind, args);
  }

  private static DaemonProcess allSyncVerify(
      ProcessScope scope, ZkServerProcess s, ZkServerProcess t, String... extra) {
    return verify(scope, Kind.ALL_SYNC, s.connectString(), t.connectString(), extra);
  }

  private static DaemonProcess tSyncVerify(
      ProcessScope scope, ZkServerProcess s, ZkServerProcess t, String... extra) {
    return verify(scope, Kind.T_SYNC, t.connectString(), s.connectString(), extra);
  }

  private static List<String> stdoutLines(DaemonProcess p) {
    return p.stdout().lines().toList();
  }

  /** Exit code, and no log file: verify logs to stderr only. */
  private static void assertExit(DaemonProcess p, int code) {
    assertThat(p.waitForExit(VERIFY_EXIT)).as(p.diagnostics()).isEqualTo(code);
    assertThat(Files.exists(p.workDir().resolve("runtime"))).as("runtime/ of %s", p).isFalse();
    assertThat(Files.exists(p.workDir().resolve("monitor"))).as("monitor/ of %s", p).isFalse();
  }

  /** A line of the report naming {@code kind} and {@code path}. */
  private static Pattern diffLine(String kind, String path) {
    return Pattern.compile("^  " + Pattern.quote(kind) + " +" + Pattern.quote(path) + "  source ");
  }

  private static void assertListed(List<String> lines, String kind, String path) {
    Pattern p = diffLine(kind, path);
    assertThat(lines).as("a '%s %s' line", kind, path).anyMatch(l -> p.matcher(l).find());
  }

  private static void seedBoth(Zk s, Zk t, int services, int instances) throws Exception {
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      paths.add("/svc" + i);
      data.add(("service " + i).getBytes(UTF_8));
      for (int j = 0; j < instances; j++) {
        paths.add("/svc" + i + "/ins-" + j);
        data.add(("10.0." + i + "." + j + ":8080").getBytes(UTF_8));
      }
    }
    s.createPersistentBatch(paths, data);
    t.createPersistentBatch(paths, data);
  }

  @Test
  void allSyncAndTSyncVerifyOnZooKeeper39(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess sServer = servers.get(0);
    ZkServerProcess tServer = servers.get(1);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    seedBoth(s, t, 10, 20);

    // in sync: exit 0 and the summary line, counted as the progress line counts
    DaemonProcess inSync = allSyncVerify(scope, sServer, tServer);
    assertExit(inSync, 0);
    assertThat(stdoutLines(inSync)).hasSize(1);
    assertThat(stdoutLines(inSync).get(0))
        .matches(IN_SYNC)
        .contains("all_sync verify: IN SYNC: no difference under /; source 210 nodes, target 210");
    assertThat(inSync.stderr()).isEmpty();
    // verify writes nothing: not even the records' parent
    assertThat(t.exists("/zk2zk_migration")).isNull();
    assertThat(t.exists("/zk2zk_ha")).isNull();

    // missing, extra, differing data
    s.createPersistent("/svc0/ins-new", "10.0.0.99:8080".getBytes(UTF_8));
    t.createPersistent("/svc1/ins-gone", "10.0.1.99:8080".getBytes(UTF_8));
    t.setData("/svc2/ins-3", "10.9.9.9:8080".getBytes(UTF_8));
    DaemonProcess differs = allSyncVerify(scope, sServer, tServer);
    assertExit(differs, 3);
    List<String> lines = stdoutLines(differs);
    assertThat(lines.get(0))
        .startsWith(
            "all_sync verify: NOT IN SYNC: 3 differences (missing 1, extra 1, data 1) under /,"
                + " persisted over 1 re-check(s); source 211 nodes, target 211 nodes");
    assertListed(lines, "missing", "/svc0/ins-new");
    assertListed(lines, "extra", "/svc1/ins-gone");
    assertListed(lines, "data", "/svc2/ins-3");
    assertThat(lines)
        .contains(
            "  data           /svc2/ins-3  source persistent 13 B, target persistent 13 B"
                + "  (rule 3: data differs)");
    assertThat(t.exists("/svc0/ins-new")).isNull();

    // the same as JSON
    DaemonProcess json = allSyncVerify(scope, sServer, tServer, "--json", "--maxDiffs", "2");
    assertExit(json, 3);
    JsonNode report = new ObjectMapper().readTree(json.stdout());
    assertThat(report.get("command").asText()).isEqualTo("all_sync verify");
    assertThat(report.get("inSync").asBoolean()).isFalse();
    assertThat(report.get("differences").asLong()).isEqualTo(3);
    assertThat(report.get("sourceNodes").asLong()).isEqualTo(211);
    assertThat(report.get("byKind").get("missing").asLong()).isEqualTo(1);
    assertThat(report.get("byKind").get("extra").asLong()).isEqualTo(1);
    assertThat(report.get("byKind").get("data").asLong()).isEqualTo(1);
    JsonNode first = report.get("firstDifferences");
    assertThat(first).hasSize(2);
    assertThat(first.get(0).get("kind").asText()).isIn("missing", "extra", "data");
    assertThat(first.get(0).get("path").asText()).startsWith("/svc");

    // t_sync: a record naming nothing, and a copy on S whose record is missing
    t.createPersistent("/zk2zk_migration", new byte[0]);
    t.createPersistent(GoQueryEscape.recordPath("/svc3/left"), new byte[0]);
    t.createEphemeral("/svc4/moved", "10.0.4.50:8080".getBytes(UTF_8));
    s.createPersistent("/svc4/moved", "10.0.4.50:8080".getBytes(UTF_8));
    DaemonProcess records = tSyncVerify(scope, sServer, tServer);
    assertExit(records, 3);
    List<String> tLines = stdoutLines(records);
    assertThat(tLines.get(0))
        .startsWith(
            "t_sync verify: NOT IN SYNC: 2 differences (missing-record 1, stray-record 1) under /");
    assertListed(tLines, "stray-record", "/svc3/left");
    assertListed(tLines, "missing-record", "/svc4/moved");
    assertThat(t.exists(GoQueryEscape.recordPath("/svc4/moved"))).isNull();
    assertThat(t.exists(GoQueryEscape.recordPath("/svc3/left"))).isNotNull();
  }

  @Test
  void verifyWhileAllSyncRunsFromAZooKeeper34Source(ProcessScope scope) throws Exception {
    // 3.4 has no multi reads: verify reads the source one pipelined request per node
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK34);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      paths.add("/cfg" + i);
      data.add(("v" + i).getBytes(UTF_8));
    }
    s.createPersistentBatch(paths, data);
    DaemonProcess daemon =
        scope.startDaemon(
            Kind.ALL_SYNC,
            List.of(
                "start",
                "--srcAddr",
                sServer.connectString(),
                "--dstAddr",
                tServer.connectString(),
                "--logEnableStdout=false"));
    await("all_sync in sync")
        .atMost(CONVERGED)
        .pollInterval(Duration.ofMillis(300))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> InSync.allSyncViolations(InSync.read(s, t)).isEmpty());

    DaemonProcess inSync = allSyncVerify(scope, sServer, tServer);
    assertExit(inSync, 0);
    assertThat(stdoutLines(inSync).get(0))
        .matches(IN_SYNC)
        .contains("source 50 nodes, target 50 nodes");

    daemon.sigterm();
    assertThat(daemon.waitForExit(Duration.ofSeconds(15))).isZero();
    s.setData("/cfg7", "changed while all_sync was stopped".getBytes(UTF_8));
    DaemonProcess differs = allSyncVerify(scope, sServer, tServer);
    assertExit(differs, 3);
    assertListed(stdoutLines(differs), "data", "/cfg7");
  }

  @Test
  void unreachableSourceAndUsageErrors(ProcessScope scope) {
    String closed = "127.0.0.1:" + FreePorts.next();
    String other = "127.0.0.1:" + FreePorts.next();
    DaemonProcess unreachable = verify(scope, Kind.ALL_SYNC, closed, other, "--startTimeout", "2");
    DaemonProcess usage = verify(scope, Kind.T_SYNC, closed, other, "--maxDiffs", "many");

    assertExit(unreachable, 1);
    assertThat(unreachable.stdout()).isEmpty();
    assertThat(unreachable.stderr().lines().toList())
        .singleElement()
        .asString()
        .startsWith("all_sync verify: cannot verify: cannot connect to " + closed);

    assertExit(usage, 2);
    assertThat(usage.stderr().lines().findFirst().orElseThrow())
        .startsWith("t_sync: ")
        .contains("--maxDiffs");
    assertThat(usage.output()).doesNotContain("\tat ");
  }
}
