package io.zk2zk.e2e.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code make bench}: the packaged daemons between two local ZooKeeper 3.9 server processes. It
 * prints figures and checks only that each scenario converged; speed is reported, not asserted.
 * Results go to {@code target/bench/bench.txt} and {@code bench.json}.
 */
@ExtendWith(ProcessScopeExtension.class)
class SyncBench {

  record Row(String scenario, long nodes, double seconds, String note) {}

  private static final List<Row> ROWS = Collections.synchronizedList(new ArrayList<>());

  private static List<String> daemonArgs(ZkServerProcess src, ZkServerProcess dst) {
    return List.of(
        "start",
        "--srcAddr",
        src.connectString(),
        "--dstAddr",
        dst.connectString(),
        "--logEnableStdout=false",
        "--syncDailyInterval",
        "600");
  }

  @Test
  void initialSyncOf10x1000PersistentNodes(ProcessScope scope) throws Exception {
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK39);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      paths.add("/service" + p);
      data.add(new byte[0]);
      for (int i = 0; i < 1000; i++) {
        paths.add("/service" + p + "/provider-" + i);
        data.add(
            ("payload of node " + i + " of service " + p + ", about 64 bytes...").getBytes(UTF_8));
      }
    }
    s.createPersistentBatch(paths, data);
    long expected = paths.size();

    // T's own nodes (/zookeeper...) plus the daemon's /zk2zk_migration and /zk2zk_ha
    long baseline = t.raw().getAllChildrenNumber("/") + 2;
    long started = System.nanoTime();
    scope.startDaemon(DaemonProcess.Kind.ALL_SYNC, daemonArgs(sServer, tServer));
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> t.raw().getAllChildrenNumber("/") >= baseline + expected);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(t.readTree("/")).hasSize((int) expected);
    ROWS.add(
        new Row(
            "all_sync initial sync, 10 x 1,000 persistent",
            expected,
            seconds,
            "from process start (JVM start included)"));
  }

  @Test
  void registrationLatencyBothWays(ProcessScope scope) throws Exception {
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK39);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    s.createWithParents("/svc/providers", new byte[0], CreateMode.PERSISTENT);
    scope.startDaemon(DaemonProcess.Kind.ALL_SYNC, daemonArgs(sServer, tServer));
    scope.startDaemon(DaemonProcess.Kind.T_SYNC, daemonArgs(tServer, sServer));
    await().atMost(Duration.ofSeconds(30)).until(() -> t.exists("/svc/providers") != null);

    int n = 100;
    List<Double> sToT = new ArrayList<>();
    List<Double> tToS = new ArrayList<>();
    Zk clientS = scope.connect(sServer);
    Zk clientT = scope.connect(tServer);
    for (int i = 0; i < n; i++) {
      sToT.add(latencyMs(clientS, t, "/svc/providers/s-" + i));
      tToS.add(latencyMs(clientT, s, "/svc/providers/t-" + i));
    }
    ROWS.add(
        new Row("registration S -> T (all_sync), p50 / p99 / max ms", n, 0, percentiles(sToT)));
    ROWS.add(new Row("registration T -> S (t_sync), p50 / p99 / max ms", n, 0, percentiles(tToS)));
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

  private static String percentiles(List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    double p50 = sorted.get(sorted.size() / 2);
    double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    double max = sorted.get(sorted.size() - 1);
    return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", p50, p99, max);
  }

  @AfterAll
  static void report() throws IOException {
    StringBuilder txt = new StringBuilder();
    txt.append(
        String.format(
            Locale.ROOT,
            "%-55s %8s %9s %10s  %s%n",
            "scenario",
            "nodes",
            "seconds",
            "nodes/s",
            "note"));
    for (Row r : ROWS) {
      String rate =
          r.seconds() > 0 ? String.format(Locale.ROOT, "%.0f", r.nodes() / r.seconds()) : "-";
      String secs = r.seconds() > 0 ? String.format(Locale.ROOT, "%.2f", r.seconds()) : "-";
      txt.append(
          String.format(
              Locale.ROOT,
              "%-55s %8d %9s %10s  %s%n",
              r.scenario(),
              r.nodes(),
              secs,
              rate,
              r.note()));
    }
    Path dir = Path.of(System.getProperty("zk2zk.benchDir", "target/bench"));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("bench.txt"), txt.toString());
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("bench.json").toFile(), ROWS);
    System.out.print(txt);
  }
}
