package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FourLetterWords;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.MetricsEndpoint;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 3.4 source has no persistent watches: all_sync watches each of its nodes, and the ZooKeeper
 * client keeps every watch in the heap. A heap too small for the tree's watches is said within
 * seconds, in one line naming the tree, the heap and the heap to give, with exit code 4; with that
 * heap the same tree syncs, its progress lines estimating the rest from the server's node count,
 * and {@code zk2zk_source_watch_heap_bytes} shows what the watches take.
 */
@ExtendWith(ProcessScopeExtension.class)
class OldSourceHeapE2EIT {

  private static final int GROUPS = 120;
  private static final int PER_GROUP = 1000;

  /** /reg, its groups and their children. */
  private static final long NODES = 1 + GROUPS + (long) GROUPS * PER_GROUP;

  private static final Pattern LINE =
      Pattern.compile(
          "all_sync: (stopped|cannot start): the source has no persistent watches \\(ZooKeeper"
              + " older than 3\\.6\\), so every node is watched on its own: .* (\\d+) MB of"
              + " heap for their watches, more than 60% of this JVM's \\d+ MB; restart with"
              + " JAVA_OPTS=-Xmx(\\w+) or more \\(or sync a smaller --path\\)");

  @Test
  void aHeapTooSmallForA34SourcesWatchesIsSaidEarlyAndTheAdvisedHeapSyncsIt(ProcessScope scope)
      throws Exception {
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK34);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    seed(s);

    DaemonProcess small = start(scope, sServer, tServer, "-Xmx64m");
    assertThat(small.waitForExit(Duration.ofSeconds(60))).as(small.diagnostics()).isEqualTo(4);
    String line = small.stderr().strip();
    Matcher m = LINE.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    assertThat(line).contains("its 120,1"); // the server's node count: /reg's and a few more
    assertThat(small.runtimeLog()).contains(line.substring(line.indexOf(": the source") + 2));
    assertThat(small.runtimeLog()).doesNotContain("OutOfMemoryError");
    String advised = m.group(3);

    int port = FreePorts.next();
    DaemonProcess enough =
        start(
            scope,
            sServer,
            tServer,
            "-Xmx" + advised + " -Dzk2zk.progressInterval=1",
            "--metricsPort",
            Integer.toString(port));
    await("T holds S's tree")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the daemon exited", () -> !enough.isAlive())
        .until(() -> t.raw().getAllChildrenNumber("/reg") == NODES - 1);
    for (String group : List.of(group(0), group(GROUPS - 1))) {
      Trees.assertCopied(s.readTree(group), t.readTree(group));
    }
    // the first pass's progress has an estimate: the server's node count (srvr), as 3.4 has no
    // getAllChildrenNumber
    assertThat(enough.runtimeLog())
        .containsPattern("reconcile pass running \\d+ s: source \\d+ of ~120,?1\\d\\d nodes read");
    Map<String, Double> metrics = MetricsEndpoint.scrape(port);
    double watchHeap =
        metrics.get(MetricsEndpoint.sample("all_sync", "zk2zk_source_watch_heap_bytes"));
    // a data and a child watch per node, about 216 bytes each, and the path
    assertThat(watchHeap).isBetween(NODES * 400.0, NODES * 600.0);
    assertThat(metrics.get(MetricsEndpoint.sample("all_sync", "zk2zk_heap_max_bytes")))
        .isGreaterThan(watchHeap / 0.6);
  }

  /**
   * An ephemeral node never has children: it gets a data watch and no child watch, so a registry's
   * registrations cost one watch each, in S's server as in the daemon's heap.
   */
  @Test
  void aRegistrationOnA34SourceHoldsOneWatchAndAPersistentNodeTwo(ProcessScope scope)
      throws Exception {
    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK34);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    Zk provider = scope.connect(sServer);
    s.createPersistent("/svc", new byte[0]);
    s.createPersistent("/svc/providers", new byte[0]);
    s.createPersistent("/svc/configurators", new byte[0]);
    for (int i = 0; i < 50; i++) {
      provider.createEphemeral("/svc/providers/p" + i, ("provider " + i).getBytes(UTF_8));
    }
    DaemonProcess daemon = start(scope, sServer, tServer, DaemonProcess.DEFAULT_JAVA_OPTS);
    await("T holds S's tree")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .failFast("the daemon exited", () -> !daemon.isAlive())
        .untilAsserted(() -> Trees.assertCopied(s.readTree("/svc"), t.readTree("/svc")));

    // "/", /svc, its two children: a data and a child watch each; the 50 providers: a data watch
    long expected = 4 * 2 + 50;
    await("the watches S holds for the daemon")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> watchCount(sServer) == expected);

    // a registration that comes later is read, and watched, the same way
    provider.createEphemeral("/svc/providers/late", new byte[0]);
    await("the late registration copied and watched")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> t.exists("/svc/providers/late") != null && watchCount(sServer) == expected + 1);
    // and its data watch works: a change of its data reaches T
    provider.setData("/svc/providers/late", "weight=200".getBytes(UTF_8));
    await("the late registration's new data on T")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> "weight=200".equals(new String(t.getData("/svc/providers/late"), UTF_8)));
  }

  /**
   * Data and child watches a 3.4 server holds ({@code mntr}; its {@code wchs} counts data only).
   */
  private static long watchCount(ZkServerProcess server) throws Exception {
    return FourLetterWords.number(server.clientPort(), "mntr", FourLetterWords.MNTR_WATCH_COUNT);
  }

  private static DaemonProcess start(
      ProcessScope scope,
      ZkServerProcess sServer,
      ZkServerProcess tServer,
      String javaOpts,
      String... more) {
    return scope.startDaemon(
        scope.syncing(DaemonProcess.Kind.ALL_SYNC, sServer, tServer).javaOpts(javaOpts).args(more));
  }

  private static String group(int g) {
    return String.format(Locale.ROOT, "/reg/g%03d", g);
  }

  private static void seed(Zk s) throws Exception {
    s.createPersistent("/reg", new byte[0]);
    for (int g = 0; g < GROUPS; g++) {
      List<String> paths = new ArrayList<>();
      List<byte[]> data = new ArrayList<>();
      paths.add(group(g));
      data.add(new byte[0]);
      for (int i = 0; i < PER_GROUP; i++) {
        paths.add(group(g) + String.format(Locale.ROOT, "/n%04d", i));
        data.add(("node " + i + " of group " + g).getBytes(UTF_8));
      }
      s.createPersistentBatch(paths, data);
    }
  }
}
