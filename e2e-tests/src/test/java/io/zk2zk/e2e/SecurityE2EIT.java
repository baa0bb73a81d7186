package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FileTail;
import io.zk2zk.e2e.support.FourLetterWords;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.TlsMaterial;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/security.md end to end: a digest-protected source and a TLS-only target (certificates made
 * by the test) migrated by {@code all_sync --copyAcl}, the credentials given as {@code @FILE} and
 * {@code env:VAR} and the TLS settings as a {@code --dstClientConfig} file. Checked with plain
 * clients (the target's over TLS): the same tree, the same data and the same ACLs on both sides, a
 * node the daemon may not read reported and skipped, and no secret in anything the daemon wrote.
 */
@ExtendWith(ProcessScopeExtension.class)
class SecurityE2EIT {

  /** The daemon's identity on both sides, and the test clients'. */
  private static final String APP = "app:app-secret";

  /** Identities the daemon does not have. */
  private static final String OTHER = "other:other-secret";

  private static final String OPS = "ops:ops-secret";

  /** A node whose ACL names only {@link #OTHER}: the daemon may not read it. */
  private static final String FORBIDDEN = "/app/other-team";

  private static final String DST_AUTH_VAR = "ZK2ZK_DST_AUTH";

  private static final Duration INITIAL_SYNC = Duration.ofSeconds(30);

  /** A data change comes through watches; an ACL change with the next pass (every 5 s here). */
  private static final Duration LIVE_CHANGE = Duration.ofSeconds(20);

  @Test
  void digestSourceToTlsOnlyTargetWithCopiedAcls(ProcessScope scope) throws Exception {
    TlsMaterial tls = TlsMaterial.generate(scope.newDir("tls"));
    ZkServerProcess source =
        scope.register(ZkServerProcess.standalone(E2EConfig.ZK39, scope.newDir("zk-source")));
    ZkServerProcess target =
        scope.register(
            ZkServerProcess.standaloneTlsOnly(E2EConfig.ZK39, scope.newDir("zk-target-tls"), tls));
    // Both JVMs start at once; the target's readiness check is a srvr over TLS.
    source.launch();
    target.launch();
    source.awaitServing(ZkServerProcess.START_TIMEOUT);
    target.awaitServing(ZkServerProcess.START_TIMEOUT);
    assertNoPlainTextService(target);

    Path tlsClientConfig = tls.writeClientConfig(scope.dir().resolve("target-tls.properties"));
    Zk s = scope.register(Zk.connect(source.connectString()));
    s.raw().addAuthInfo("digest", bytes(APP));
    Zk t = scope.register(Zk.connect(target.connectString(), tlsClientConfig));
    t.raw().addAuthInfo("digest", bytes(APP));

    ACL appAll = digest(APP, Perms.ALL);
    ACL anyoneRead = new ACL(Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE);
    create(s, "/app", bytes("app"), appAll, anyoneRead);
    create(s, "/app/config", bytes("cfg-v1"), appAll);
    byte[] allBytes = new byte[256];
    for (int i = 0; i < allBytes.length; i++) {
      allBytes[i] = (byte) i;
    }
    create(s, "/app/config/binary", allBytes, appAll);
    create(s, "/app/config/null", null, appAll);
    create(s, "/app/config/empty", new byte[0], appAll);
    create(s, "/app/public", bytes("public"), anyoneRead, appAll);
    create(s, "/app/shared", bytes("shared"), appAll, digest(OPS, Perms.READ | Perms.WRITE));
    // "auth" ACL: the server stores it as digest:app:<hash> cdrwa.
    s.raw()
        .create(
            "/app/creator-only", bytes("mine"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    create(s, FORBIDDEN, bytes("not for app"), digest(OTHER, Perms.ALL));
    create(s, "/open", bytes("open"), ZooDefs.Ids.OPEN_ACL_UNSAFE.toArray(new ACL[0]));
    create(s, "/open/locked", bytes("locked"), appAll);
    List<String> readable = readableOnSource(s);
    assertThat(readable).hasSize(10).doesNotContain(FORBIDDEN);

    Path srcAuthFile = scope.dir().resolve("source.auth");
    Files.writeString(srcAuthFile, "# the source's credentials\ndigest:" + APP + "\n", UTF_8);
    DaemonProcess daemon =
        scope.startDaemon(
            DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.newDir("all_sync"))
                .env(DST_AUTH_VAR, "digest:" + APP)
                .args(
                    "start",
                    "--srcAddr",
                    source.connectString(),
                    "--dstAddr",
                    target.connectString(),
                    "--srcAuth",
                    "@" + srcAuthFile,
                    "--dstAuth",
                    "env:" + DST_AUTH_VAR,
                    "--dstClientConfig",
                    tlsClientConfig.toString(),
                    "--copyAcl",
                    "--logEnableStdout=false",
                    "--syncDailyInterval",
                    "5"));

    awaitSameTreeAndAcls(daemon, s, t, INITIAL_SYNC);
    // Spot checks a user would make by hand on the TLS target.
    assertThat(t.getData("/app/config/binary")).isEqualTo(allBytes);
    assertThat(t.getData("/app/config/null")).isNull();
    assertThat(t.getData("/app/config/empty")).isNotNull().isEmpty();
    assertThat(t.raw().getACL("/app/creator-only", new Stat()))
        .containsExactly(new ACL(Perms.ALL, new Id("digest", digestId(APP))), Zk.ORIGIN_MARK);
    assertThat(t.exists(FORBIDDEN)).isNull();

    String noAuthAlarm = "[Alarm]\t[fail]\t[cannot read: NOAUTH]\t[" + FORBIDDEN + "]";
    await("the alarm " + noAuthAlarm.replace('\t', ' '))
        .atMost(INITIAL_SYNC)
        .pollInterval(Duration.ofMillis(250))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> daemon.monitorLog().stream().anyMatch(l -> l.endsWith(noAuthAlarm)));

    // Live changes on S: a new protected node and a data change (watches), an ACL change (the
    // next reconcile pass: ZooKeeper sends no event for setACL).
    create(s, "/app/config/live", bytes("live"), appAll, anyoneRead);
    s.setData("/app/config", bytes("cfg-v2"));
    // ZooKeeper validates with contains(null), which immutable lists refuse.
    s.raw().setACL("/app/public", new ArrayList<>(List.of(appAll)), -1);
    awaitSameTreeAndAcls(daemon, s, t, LIVE_CHANGE);
    assertThat(t.getData("/app/config/live")).isEqualTo(bytes("live"));
    assertThat(t.getData("/app/config")).isEqualTo(bytes("cfg-v2"));
    assertThat(t.raw().getACL("/app/public", new Stat())).containsExactly(appAll, Zk.ORIGIN_MARK);

    assertThat(daemon.isAlive()).as("all_sync still running").isTrue();
    List<String> monitor = daemon.monitorLog();
    assertThat(monitor)
        .as("fail lines of the monitor log other than the NOAUTH alarm")
        .filteredOn(l -> l.contains("[fail]") && !l.endsWith(noAuthAlarm))
        .isEmpty();
    // Every copied ACL grants the daemon's target identity all rights: no lock-out warning.
    assertThat(daemon.runtimeLog()).doesNotContain("does not grant this daemon's credentials");

    List<String> secrets = new ArrayList<>(List.of("app-secret", "other-secret", "ops-secret"));
    secrets.addAll(tls.secrets());
    assertNoSecretIn(daemon, secrets);
  }

  /** Waits until T holds exactly S's readable nodes, with equal data and equal ACLs. */
  private static void awaitSameTreeAndAcls(DaemonProcess daemon, Zk s, Zk t, Duration timeout) {
    await("T's tree, data and ACLs equal to S's readable nodes")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(
            () -> {
              SortedMap<String, NodeInfo> src = s.readTree("/", excludedOnSource());
              SortedMap<String, NodeInfo> dst = t.readTree("/");
              Trees.assertCopied(src, dst);
              Map<String, Set<ACL>> srcAcls = acls(s, src.keySet());
              Map<String, Set<ACL>> dstAcls = acls(t, src.keySet());
              // every copy also carries all_sync's origin mark, which grants nothing
              srcAcls.values().forEach(acl -> acl.add(Zk.ORIGIN_MARK));
              assertThat(dstAcls).as("ACLs on T (as sets), by path").isEqualTo(srcAcls);
            });
  }

  /** What the test client (app) can read on S: everything but {@link #FORBIDDEN}. */
  private static List<String> readableOnSource(Zk s) throws Exception {
    return List.copyOf(s.readTree("/", excludedOnSource()).keySet());
  }

  private static List<String> excludedOnSource() {
    List<String> excluded = new ArrayList<>(Zk.EXCLUDED);
    excluded.add(FORBIDDEN);
    return excluded;
  }

  private static Map<String, Set<ACL>> acls(Zk zk, Set<String> paths) throws Exception {
    Map<String, Set<ACL>> out = new LinkedHashMap<>();
    for (String p : paths) {
      out.put(p, new HashSet<>(zk.raw().getACL(p, new Stat())));
    }
    return out;
  }

  /**
   * The target really serves TLS only: a plain-text {@code srvr} on its port gets no answer (the
   * TLS handler drops the connection).
   */
  private static void assertNoPlainTextService(ZkServerProcess target) {
    String answer;
    try {
      answer =
          FourLetterWords.send("127.0.0.1", target.clientPort(), "srvr", Duration.ofSeconds(2));
    } catch (IOException e) {
      answer = "";
    }
    assertThat(answer).as("plain-text srvr answer of the TLS-only target").doesNotContain("Mode:");
    assertThat(target.mode()).as("srvr over TLS").isPresent();
  }

  /** No secret in any file the daemon wrote: runtime and monitor logs, stdout, stderr. */
  private static void assertNoSecretIn(DaemonProcess daemon, List<String> secrets)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(daemon.workDir())) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files)
        .contains(
            daemon.runtimeLogPath(),
            daemon.monitorLogPath(),
            daemon.workDir().resolve("all_sync.stdout.txt"),
            daemon.workDir().resolve("all_sync.stderr.txt"));
    for (Path f : files) {
      String text = FileTail.read(f);
      for (String secret : secrets) {
        assertThat(text).as("%s must not contain a secret", f).doesNotContain(secret);
      }
    }
  }

  private static void create(Zk zk, String path, byte[] data, ACL... acl) throws Exception {
    zk.raw().create(path, data, new ArrayList<>(List.of(acl)), CreateMode.PERSISTENT);
  }

  private static ACL digest(String userAndPassword, int perms) throws Exception {
    return new ACL(perms, new Id("digest", digestId(userAndPassword)));
  }

  private static String digestId(String userAndPassword) throws Exception {
    return DigestAuthenticationProvider.generateDigest(userAndPassword);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
