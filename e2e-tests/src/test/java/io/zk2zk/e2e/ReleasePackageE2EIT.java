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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The release package as an operator gets it: {@code zk2zk-<version>.tar.gz} unpacked into an empty
 * directory runs {@code --version} and a sync, with its own {@code conf/logback.xml}.
 */
@ExtendWith(ProcessScopeExtension.class)
class ReleasePackageE2EIT {

  private static final String VERSION = System.getProperty("zk2zk.version", "0.1.0-SNAPSHOT");

  private static Path tarball() {
    Path p =
        Path.of(
                System.getProperty(
                    "zk2zk.releaseTarball", "../release/target/zk2zk-" + VERSION + ".tar.gz"))
            .toAbsolutePath();
    assertThat(p).as("the release package (built by the release module)").isRegularFile();
    return p;
  }

  /** Unpacks with the system's tar, as an operator would. */
  private static Path unpack(ProcessScope scope) throws Exception {
    Path into = scope.newDir("unpacked");
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball().toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar finished").isTrue();
      assertThat(tar.exitValue())
          .as("tar: %s", new String(tar.getInputStream().readAllBytes(), UTF_8))
          .isZero();
    } finally {
      tar.destroyForcibly();
    }
    return into.resolve("zk2zk-" + VERSION);
  }

  @Test
  void unpackedPackageHoldsEverythingAndPrintsItsVersion(ProcessScope scope) throws Exception {
    Path root = unpack(scope);
    assertThat(root.resolve("all_sync")).isExecutable();
    assertThat(root.resolve("t_sync")).isExecutable();
    assertThat(root.resolve("lib/all-sync.jar")).isRegularFile();
    assertThat(root.resolve("lib/t-sync.jar")).isRegularFile();
    assertThat(root.resolve("conf/logback.xml")).isRegularFile();
    assertThat(root.resolve("README.md")).isRegularFile();
    assertThat(root.resolve("docs/runbook.md")).isRegularFile();
    try (Stream<Path> units = Files.list(root.resolve("systemd"))) {
      assertThat(units.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("zk2zk-all-sync.service", "zk2zk-t-sync.service");
    }

    for (DaemonProcess.Kind kind : DaemonProcess.Kind.values()) {
      DaemonProcess version =
          scope.startDaemon(
              DaemonProcess.builder(kind, scope.newDir("version-" + kind.launcherName()))
                  .launcher(root.resolve(kind.launcherName()))
                  .args("--version"));
      assertThat(version.waitForExit(Duration.ofSeconds(30))).isZero();
      assertThat(version.stdout().strip()).isEqualTo("zk2zk " + VERSION);
    }
  }

  @Test
  void unpackedAllSyncSyncsAndUsesTheShippedLogConfiguration(ProcessScope scope) throws Exception {
    Path root = unpack(scope);
    // an operator's edit of the shipped layout takes effect: mark every runtime log line
    Path conf = root.resolve("conf/logback.xml");
    String xml = Files.readString(conf);
    String runtimePattern = "<pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %-5level [%thread]";
    assertThat(xml).contains(runtimePattern);
    Files.writeString(
        conf, xml.replace(runtimePattern, "<pattern>PKG %d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %-5level"));

    ZkServerProcess sServer = scope.startZk(E2EConfig.ZK39);
    ZkServerProcess tServer = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(sServer);
    Zk t = scope.connect(tServer);
    s.createWithParents("/dubbo/svc/providers/p1", "v1".getBytes(UTF_8), CreateMode.PERSISTENT);
    s.createWithParents("/config/app", "cfg".getBytes(UTF_8), CreateMode.PERSISTENT);

    DaemonProcess daemon =
        scope.startDaemon(
            DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.newDir("ops-host"))
                .launcher(root.resolve("all_sync"))
                .args(
                    List.of(
                        "start",
                        "--srcAddr",
                        sServer.connectString(),
                        "--dstAddr",
                        tServer.connectString(),
                        "--logEnableStdout=false",
                        "--syncDailyInterval",
                        "2")));
    await("T is a copy of S and the pass reported it")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(
            () -> {
              Trees.assertCopied(s.readTree("/"), t.readTree("/"));
              assertThat(MonitorLog.lastProgress(daemon.monitorLog()))
                  .hasValueSatisfying(p -> assertThat(p.inSync()).isTrue());
            });
    assertThat(MonitorLog.count(daemon.monitorLog(), MonitorLog.created("/config/app")))
        .isEqualTo(1);
    assertThat(daemon.runtimeLog().lines().filter(l -> !l.isBlank()))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("PKG "));

    daemon.sigterm();
    assertThat(daemon.waitForExit(Duration.ofSeconds(15))).isZero();
  }
}
