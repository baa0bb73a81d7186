package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
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
 * heap the same tree syncs, and {@code zk2zk_source_watch_heap_bytes} shows what the watches take.
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
              + " older than 3\\.6\\), so every node is watched on its own: .* about (\\d+) MB of"
              + " heap for their watches, more than 60% of this JVM's \\d+ MB; restart with"
              + " JAVA_OPTS=-Xmx(\\w+) \\(or sync a smaller --path\\)");

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
        start(scope, sServer, tServer, "-Xmx" + advised, "--metricsPort", Integer.toString(port));
    await("T holds S's tree")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the daemon exited", () -> !enough.isAlive())
        .until(() -> t.raw().getAllChildrenNumber("/reg") == NODES - 1);
    for (String group : List.of(group(0), group(GROUPS - 1))) {
      Trees.assertCopied(s.readTree(group), t.readTree(group));
    }
    Map<String, Double> metrics = MetricsEndpoint.scrape(port);
    double watchHeap =
        metrics.get(MetricsEndpoint.sample("all_sync", "zk2zk_source_watch_heap_bytes"));
    // a data and a child watch per node, about 216 bytes each, and the path
    assertThat(watchHeap).isBetween(NODES * 400.0, NODES * 600.0);
    assertThat(metrics.get(MetricsEndpoint.sample("all_sync", "zk2zk_heap_max_bytes")))
        .isGreaterThan(watchHeap / 0.6);
  }

  private static DaemonProcess start(
      ProcessScope scope,
      ZkServerProcess sServer,
      ZkServerProcess tServer,
      String javaOpts,
      String... more) {
    return scope.startDaemon(
        DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.newDir("all_sync"))
            .javaOpts(javaOpts)
            .args(
                "start",
                "--srcAddr",
                sServer.connectString(),
                "--dstAddr",
                tServer.connectString(),
                "--logEnableStdout=false")
            .args(List.of(more)));
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
