package io.zk2zk.e2e.bench;

import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's ZooKeeper servers: standalone, started together, the newest version (or an old one
 * for S).
 */
final class BenchServers {

  /** Enough for trees of tens of thousands of nodes. */
  static final String SMALL_HEAP = "-Xmx256m";

  /** A server holding a million nodes of 100 bytes needs about 0.5 GB. */
  static final String BIG_HEAP = "-Xmx2g";

  private BenchServers() {}

  /**
   * Starts {@code count} standalone servers with {@code heap} and waits for all. They compile with
   * C2 as production servers do (the test servers stop at C1 to start fast).
   */
  static List<ZkServerProcess> start(ProcessScope scope, int count, String heap) {
    return start(scope, count, heap, E2EConfig.ZK39);
  }

  /**
   * As {@link #start(ProcessScope, int, String)}, the first server (S) of {@code sourceVersion}.
   */
  static List<ZkServerProcess> start(
      ProcessScope scope, int count, String heap, String sourceVersion) {
    List<ZkServerProcess> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String version = i == 0 ? sourceVersion : E2EConfig.ZK39;
      servers.add(
          scope.register(
              ZkServerProcess.standalone(
                  version,
                  scope.newDir("zk-" + version),
                  List.of(heap, "-XX:TieredStopAtLevel=4"))));
    }
    servers.forEach(ZkServerProcess::launch);
    servers.forEach(s -> s.awaitServing(ZkServerProcess.START_TIMEOUT));
    return servers;
  }
}
