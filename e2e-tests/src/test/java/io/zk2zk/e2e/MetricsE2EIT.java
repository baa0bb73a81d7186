package io.zk2zk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.MetricsEndpoint;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --metricsPort} as a monitoring system sees it: {@code /metrics} scraped over HTTP while
 * all_sync copies a few thousand nodes, {@code /health} while the target goes away for longer than
 * the daemon's session timeout and comes back, and the progress lines of the runtime log.
 */
@ExtendWith(ProcessScopeExtension.class)
class MetricsE2EIT {

  /** Nodes under /app on S: 30 parents of 150 children, plus /app. */
  private static final int PARENTS = 30;

  private static final int CHILDREN = 150;
  private static final int APP_NODES = 1 + PARENTS + PARENTS * CHILDREN;

  /** Short, so that the outage below outlasts it quickly (tickTime 1 s allows 2..20 s). */
  private static final String DST_SESSION = "4";

  /** Until the tree is copied and a later pass confirms it (passes every 3 s). */
  private static final Duration CONVERGE = Duration.ofSeconds(40);

  /** The session timeout plus detection, with slack for a loaded machine. */
  private static final Duration HEALTH_CHANGE = Duration.ofSeconds(25);

  private static final Pattern PROGRESS =
      Pattern.compile(
          "FullReconcile - reconcile pass running \\d+ s: source \\d+ of ~"
              + (APP_NODES + 1)
              + " nodes read \\(\\d+%\\), target \\d+ nodes read, \\d+ changes, \\d+ nodes/s,"
              + " ETA \\d+ s");

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return MetricsEndpoint.get(port, path);
  }

  private static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
    return MetricsEndpoint.scrape(port);
  }

  private static String sample(String name, String... labels) {
    return MetricsEndpoint.sample("all_sync", name, labels);
  }

  private static final String SOURCE_NODES = sample("zk2zk_nodes", "side", "source");
  private static final String TARGET_NODES = sample("zk2zk_nodes", "side", "target");
  private static final String CHANGED = sample("zk2zk_changed_nodes");
  private static final String TARGET_CONNECTED = sample("zk2zk_connected", "side", "target");

  private static void seed(Zk s, String root, int parents, int children) throws Exception {
    List<String> paths = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    paths.add(root);
    data.add(null);
    for (int p = 0; p < parents; p++) {
      String parent = root + "/svc" + p;
      paths.add(parent);
      data.add(parent.getBytes(StandardCharsets.UTF_8));
      for (int c = 0; c < children; c++) {
        paths.add(parent + "/n" + c);
        data.add(("v" + c).getBytes(StandardCharsets.UTF_8));
      }
    }
    s.createPersistentBatch(paths, data);
  }

  @Test
  void metricsHealthAndProgressOfALiveSync(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    seed(s, "/app", PARENTS, CHILDREN);
    int port = FreePorts.next();
    DaemonProcess daemon =
        scope.startDaemon(
            DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.newDir("all_sync"))
                // a progress line every 0.1 s, so that this short first pass shows some
                .javaOpts(DaemonProcess.DEFAULT_JAVA_OPTS + " -Dzk2zk.progressInterval=0.1")
                .args(
                    "start",
                    "--srcAddr",
                    source.connectString(),
                    "--dstAddr",
                    target.connectString(),
                    "--logEnableStdout=false",
                    "--metricsPort",
                    Integer.toString(port),
                    "--dstSession",
                    DST_SESSION,
                    "--syncDailyInterval",
                    "3",
                    "--syncCompareConcurrency",
                    "100"));

    // Scraped while it syncs: the node counts appear once a pass completed, ChangedNodeCount's
    // gauge reaches 0 once a pass found nothing left to do.
    List<Map<String, Double>> scrapes = new ArrayList<>();
    await("zk2zk_changed_nodes 0 with equal node counts")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        // until the daemon's JVM has bound the port
        .ignoreException(ConnectException.class)
        .until(
            () -> {
              Map<String, Double> m = scrape(port);
              scrapes.add(m);
              return Double.valueOf(0).equals(m.get(CHANGED))
                  && Double.valueOf(APP_NODES).equals(m.get(TARGET_NODES));
            });
    Map<String, Double> synced = scrapes.get(scrapes.size() - 1);
    assertThat(synced.get(SOURCE_NODES)).isEqualTo(APP_NODES);
    // the first pass copied everything: its ChangedNodeCount was the whole tree, then 0
    assertThat(scrapes).anyMatch(m -> m.getOrDefault(CHANGED, 0.0) >= APP_NODES);
    assertThat(
            synced.get(
                sample("zk2zk_writes_total", "operation", "EventNodeCreated", "result", "success")))
        .isGreaterThanOrEqualTo(APP_NODES);
    assertThat(synced.get(sample("zk2zk_connected", "side", "source"))).isEqualTo(1);
    assertThat(synced.get(TARGET_CONNECTED)).isEqualTo(1);
    assertThat(synced.get(sample("zk2zk_leader"))).isEqualTo(1);
    assertThat(synced.get(sample("zk2zk_dirty_paths"))).isNotNull();
    assertThat(synced.get(sample("zk2zk_alarms_total"))).isZero();
    assertThat(synced.get(sample("zk2zk_last_reconcile_end_timestamp_seconds")))
        .isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
    assertThat(synced).containsKey(sample("zk2zk_last_reconcile_duration_seconds"));
    assertThat(synced).containsKey("jvm_threads_current");

    // the first pass was long enough for progress lines, with an ETA from the source's count
    // (ZooKeeper 3.9: getAllChildrenNumber; /app plus the root /)
    assertThat(daemon.runtimeLog()).containsPattern(PROGRESS);

    // the counts move with the source: 302 more nodes, copied by the watch, counted by a pass
    seed(s, "/more", 1, 300);
    await("zk2zk_nodes counting the new nodes on both sides")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () -> {
              Map<String, Double> m = scrape(port);
              return Double.valueOf(APP_NODES + 302).equals(m.get(TARGET_NODES))
                  && Double.valueOf(APP_NODES + 302).equals(m.get(SOURCE_NODES))
                  && Double.valueOf(0).equals(m.get(CHANGED));
            });
    // those were copied by the watch: their replication lag was measured
    assertThat(scrape(port).get(sample("zk2zk_replication_lag_seconds_count")))
        .isGreaterThanOrEqualTo(1);

    HttpResponse<String> healthy = get(port, "/health");
    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(healthy.body()).isEqualTo("ok\n");

    // the target goes away: a short disconnection is still healthy...
    target.stop();
    assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    // ...one longer than the session timeout is not, and says which side
    await("/health 503 naming the target")
        .atMost(HEALTH_CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> get(port, "/health").statusCode() == 503);
    assertThat(get(port, "/health").body())
        .startsWith("target " + target.connectString() + " disconnected for ")
        .endsWith(" s, longer than its session timeout (" + DST_SESSION + " s)\n");
    assertThat(scrape(port).get(TARGET_CONNECTED)).isZero();

    target.start();
    await("/health 200 again")
        .atMost(HEALTH_CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> get(port, "/health").statusCode() == 200);
    assertThat(scrape(port).get(TARGET_CONNECTED)).isEqualTo(1);

    daemon.sigterm();
    assertThat(daemon.waitForExit(Duration.ofSeconds(10))).isZero();
  }

  @Test
  void aBusyMetricsPortIsExitCodeOneNamingThePort(ProcessScope scope) throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      int port = busy.getLocalPort();
      // the port is bound before any ensemble is contacted: none is needed here
      DaemonProcess daemon =
          scope.startDaemon(
              DaemonProcess.Kind.ALL_SYNC,
              List.of(
                  "start",
                  "--srcAddr",
                  "127.0.0.1:" + FreePorts.next(),
                  "--dstAddr",
                  "127.0.0.1:" + FreePorts.next(),
                  "--logEnableStdout=false",
                  "--metricsPort",
                  Integer.toString(port)));
      assertThat(daemon.waitForExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(daemon.stderr().strip())
          .isEqualTo(
              "all_sync: cannot start: cannot serve metrics on --metricsPort "
                  + port
                  + ": the port is already in use");
    }
  }
}
