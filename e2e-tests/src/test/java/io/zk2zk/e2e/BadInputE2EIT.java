package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.DaemonProcess.Kind;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.GoQueryEscape;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Trees;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The "Bad input and hostile data" table of docs/spec-operations.md, row by row, with the packaged
 * daemons and real ZooKeeper server processes: usage errors, addresses that do not answer, a
 * missing {@code --path}, nodes the daemon may not read or write, data larger than the target
 * accepts, names with every legal character, very wide and very deep trees, and a tampered {@code
 * /zk2zk_migration}.
 */
@ExtendWith(ProcessScopeExtension.class)
class BadInputE2EIT {

  /** JVM start plus argument parsing. */
  private static final Duration USAGE_EXIT = Duration.ofSeconds(30);

  /** {@code --startTimeout} given to daemons that must fail to start. */
  private static final int START_TIMEOUT_SECONDS = 5;

  /** "exit 1 after a bounded wait": the start timeout plus JVM start and slack. */
  private static final Duration START_FAILURE_EXIT =
      Duration.ofSeconds(START_TIMEOUT_SECONDS + 25L);

  /** One live change, carried by watches. */
  private static final Duration LIVE = Duration.ofSeconds(15);

  /** Reconcile interval of the daemons in most tests here. */
  private static final int INTERVAL = 3;

  /** A few reconcile passes at {@link #INTERVAL}, plus slack for a loaded machine. */
  private static final Duration FEW_PASSES = Duration.ofSeconds(45);

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** {@code start --srcAddr src --dstAddr dst --logEnableStdout=false --syncDailyInterval n}. */
  private static List<String> startArgs(String src, String dst, int interval, String... extra) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("start", "--srcAddr", src, "--dstAddr", dst));
    args.addAll(
        List.of("--logEnableStdout=false", "--syncDailyInterval", Integer.toString(interval)));
    args.addAll(List.of(extra));
    return args;
  }

  private static DaemonProcess allSync(
      ProcessScope scope, ZkServerProcess s, ZkServerProcess t, int interval, String... extra) {
    return scope.startDaemon(
        Kind.ALL_SYNC, startArgs(s.connectString(), t.connectString(), interval, extra));
  }

  private static DaemonProcess tSync(
      ProcessScope scope, ZkServerProcess s, ZkServerProcess t, int interval, String... extra) {
    return scope.startDaemon(
        Kind.T_SYNC, startArgs(t.connectString(), s.connectString(), interval, extra));
  }

  private static void assertNoStackTrace(DaemonProcess daemon) {
    assertThat(daemon.output())
        .as("output of %s", daemon)
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  /** A {@code [fail]} audit line of {@code path}: group 1 the operation, group 2 the reason. */
  private static Pattern failLine(String path) {
    return Pattern.compile(
        "\\[(\\w+)\\]\\t\\[fail\\]\\t\\[(.*)\\]\\t\\[" + Pattern.quote(path) + "\\]$");
  }

  private static List<String> failReasons(DaemonProcess daemon, String path) {
    Pattern p = failLine(path);
    List<String> out = new ArrayList<>();
    for (String line : daemon.monitorLog()) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        out.add(m.group(1) + ": " + m.group(2));
      }
    }
    return out;
  }

  private static int progressCount(DaemonProcess daemon) {
    return MonitorLog.progress(daemon.monitorLog()).size();
  }

  private static void awaitProgressLines(DaemonProcess daemon, int atLeast, Duration within) {
    await(daemon.kind().launcherName() + " progress lines >= " + atLeast)
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .failFast(daemon.kind().launcherName() + " exited", () -> !daemon.isAlive())
        .until(() -> progressCount(daemon) >= atLeast);
  }

  private static void awaitData(DaemonProcess daemon, Zk side, String path, byte[] data) {
    await(path + " with data " + NodeInfo.describe(data))
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .failFast(daemon.kind().launcherName() + " exited", () -> !daemon.isAlive())
        .untilAsserted(() -> assertThat(side.getData(path)).isEqualTo(data));
  }

  private static void awaitAbsent(DaemonProcess daemon, Zk side, String path, Duration within) {
    await(path + " absent")
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .failFast(daemon.kind().launcherName() + " exited", () -> !daemon.isAlive())
        .until(() -> side.exists(path) == null);
  }

  /**
   * Waits until both daemons' sides are "in sync" (docs/spec-operations.md), read with plain
   * clients.
   */
  private static void awaitInSync(Zk s, Zk t, Duration within, DaemonProcess... daemons) {
    await("both daemons in sync")
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .failFast("a daemon exited", () -> Stream.of(daemons).anyMatch(d -> !d.isAlive()))
        .untilAsserted(
            () -> {
              List<String> v = InSync.violations(InSync.read(s, t));
              assertThat(v).as(InSync.describe(v)).isEmpty();
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Flags: exit 2, one-line reason, usage.

  static Stream<Arguments> usageErrors() {
    String a = "127.0.0.1:" + FreePorts.next();
    String b = "127.0.0.1:" + FreePorts.next();
    Map<String, List<String>> cases = new LinkedHashMap<>();
    // name expected in the reason -> arguments after "start"
    cases.put("srcAddr", List.of("--dstAddr", b));
    cases.put("dstAddr", List.of("--srcAddr", a));
    cases.put("noSuchFlag", List.of("--srcAddr", a, "--dstAddr", b, "--noSuchFlag", "1"));
    // flags are case-sensitive: --LogCompress has a capital L
    cases.put("logCompress", List.of("--srcAddr", a, "--dstAddr", b, "--logCompress"));
    cases.put("srcSession", List.of("--srcAddr", a, "--dstAddr", b, "--srcSession", "ten"));
    cases.put(
        "syncDailyInterval", List.of("--srcAddr", a, "--dstAddr", b, "--syncDailyInterval", "1.5"));
    cases.put("workerNum", List.of("--srcAddr", a, "--dstAddr", b, "--workerNum", "99999999999"));
    cases.put("dstSession", List.of("--srcAddr", a, "--dstAddr", b, "--dstSession", "-3"));
    cases.put("logMaxBackup", List.of("--srcAddr", a, "--dstAddr", b, "--logMaxBackup"));
    cases.put("LogCompress", List.of("--srcAddr", a, "--dstAddr", b, "--LogCompress=maybe"));
    cases.put("foo", List.of("--srcAddr", a, "--dstAddr", b, "--path", "foo"));
    cases.put("/foo/", List.of("--srcAddr", a, "--dstAddr", b, "--path", "/foo/"));
    cases.put("path", List.of("--srcAddr", a, "--dstAddr", b, "--path", ""));
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      cases.forEach((named, args) -> out.add(Arguments.of(kind, named, args)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} start {2}")
  @MethodSource("usageErrors")
  void usageErrorExitsTwoWithAOneLineReasonAndTheUsage(
      Kind kind, String named, List<String> args, ProcessScope scope) {
    List<String> command = new ArrayList<>();
    command.add("start");
    command.addAll(args);
    DaemonProcess daemon = scope.startDaemon(kind, command);

    assertThat(daemon.waitForExit(USAGE_EXIT)).as("exit code of %s", daemon).isEqualTo(2);
    List<String> lines = daemon.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("stderr of %s", daemon).isNotEmpty();
    // one line that names the problem, then the usage
    assertThat(lines.get(0)).contains(named).doesNotStartWith("Usage");
    assertThat(lines.size()).isGreaterThan(1);
    assertThat(lines.get(1)).startsWith("Usage");
    assertNoStackTrace(daemon);
  }

  // ---------------------------------------------------------------------------------------------
  // Addresses that do not answer at start: exit 1 after a bounded wait, naming the address.

  @Test
  void unreachableOrUnresolvableAddressExitsOneNamingIt(ProcessScope scope) {
    ZkServerProcess live = scope.startZk(E2EConfig.ZK39);
    String closed = "127.0.0.1:" + FreePorts.next();
    String unresolvable = "no-such-host.invalid:2181";
    // All eight at once: each waits --startTimeout, and they need not wait one after another.
    Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      for (String bad : List.of(closed, unresolvable)) {
        for (boolean badIsSource : List.of(true, false)) {
          String src = badIsSource ? bad : live.connectString();
          String dst = badIsSource ? live.connectString() : bad;
          List<String> args =
              startArgs(src, dst, INTERVAL, "--startTimeout", "" + START_TIMEOUT_SECONDS);
          daemons.put(
              kind.launcherName() + (badIsSource ? " --srcAddr " : " --dstAddr ") + bad,
              scope.startDaemon(kind, args));
        }
      }
    }
    long started = System.nanoTime();
    SoftAssertions softly = new SoftAssertions();
    daemons.forEach(
        (name, daemon) -> {
          String bad = name.substring(name.lastIndexOf(' ') + 1);
          softly.assertThat(daemon.waitForExit(START_FAILURE_EXIT)).as(name).isEqualTo(1);
          softly.assertThat(daemon.stderr()).as("stderr of " + name).contains(bad);
        });
    softly.assertAll();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(START_FAILURE_EXIT);
  }

  @Test
  void sameEnsembleAsSourceAndTargetIsRefused(ProcessScope scope) throws Exception {
    ZkServerProcess server = scope.startZk(E2EConfig.ZK39);
    Zk zk = scope.connect(server);
    zk.createPersistent("/data", bytes("d"));
    zk.createPersistent("/data/child", null);
    SortedMap<String, NodeInfo> before = zk.readTree("/");
    String same = server.connectString();
    // The same ensemble, spelled differently.
    String alias = "localhost:" + server.clientPort();
    DaemonProcess a = scope.startDaemon(Kind.ALL_SYNC, startArgs(same, alias, INTERVAL));
    DaemonProcess t = scope.startDaemon(Kind.T_SYNC, startArgs(same, same, INTERVAL));
    for (DaemonProcess d : List.of(a, t)) {
      assertThat(d.waitForExit(START_FAILURE_EXIT)).as("exit code of %s", d).isEqualTo(1);
      assertThat(d.stderr()).as("stderr of %s", d).contains(String.valueOf(server.clientPort()));
    }
    assertThat(zk.readTree("/")).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // A --path that does not exist on the source yet.

  @ParameterizedTest(name = "source {0}")
  @ValueSource(strings = {"3.9", "3.4"})
  void missingPathIsLoggedThenSyncedOnceItAppears(String sourceVersion, ProcessScope scope)
      throws Exception {
    ZkServerProcess source =
        scope.startZk(sourceVersion.equals("3.4") ? E2EConfig.ZK34 : E2EConfig.ZK39);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/other", bytes("outside --path"));
    // A reconcile pass every 10 minutes: what arrives below came through a watch.
    DaemonProcess daemon = allSync(scope, source, target, 600, "--path", "/later");

    await("the runtime log says that /later does not exist")
        .atMost(USAGE_EXIT)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () ->
                daemon
                    .runtimeLog()
                    .lines()
                    .anyMatch(
                        l ->
                            l.contains("/later")
                                && l.matches(
                                    "(?i).*(not exist|does not|missing|absent|nonode|no node).*")));
    // Started and working: its first pass has reported.
    awaitProgressLines(daemon, 1, FEW_PASSES);

    s.createPersistent("/later", bytes("root"));
    s.createPersistent("/later/x", bytes("x"));
    awaitData(daemon, t, "/later", bytes("root"));
    awaitData(daemon, t, "/later/x", bytes("x"));
    // And it keeps following the subtree.
    s.createPersistent("/later/y", null);
    s.setData("/later/x", bytes("x2"));
    awaitData(daemon, t, "/later/y", null);
    awaitData(daemon, t, "/later/x", bytes("x2"));
    assertThat(t.exists("/other")).isNull();
    Trees.assertCopied(s.readTree("/later"), t.readTree("/later"));
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes the daemon may not read (on S) or write (on T).

  private static List<ACL> onlyFor(String user, String password, int perms)
      throws NoSuchAlgorithmException {
    String digest = DigestAuthenticationProvider.generateDigest(user + ":" + password);
    // mutable: ZooKeeper.setACL asks the list whether it contains null
    return new ArrayList<>(List.of(new ACL(perms, new Id("digest", digest))));
  }

  @Test
  void unreadableNodeIsSkippedWithAFailLineAndEverythingElseSyncs(ProcessScope scope)
      throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    Zk other = scope.connect(source);
    other.raw().addAuthInfo("digest", bytes("other:secret"));
    List<ACL> otherOnly = onlyFor("other", "secret", ZooDefs.Perms.ALL);

    s.createPersistent("/acl", bytes("acl"));
    s.createPersistent("/acl/open1", bytes("o1"));
    // Synced first, made unreadable later: T's copy must not be taken for a deleted node.
    s.createPersistent("/acl/secret", bytes("s"));
    s.createPersistent("/acl/secret/kid", bytes("sk"));
    // Unreadable from the start, children included.
    s.createPersistent("/acl/locked", bytes("l"));
    s.createPersistent("/acl/locked/kid", bytes("lk"));
    other.raw().setACL("/acl/locked/kid", otherOnly, -1);
    other.raw().setACL("/acl/locked", otherOnly, -1);
    s.createPersistent("/acl/zz", bytes("after locked in order"));

    // The daemon may not write T's /ro (read-only for everyone; "admin" may fix that).
    Zk tAdmin = scope.connect(target);
    tAdmin.raw().addAuthInfo("digest", bytes("admin:pw"));
    List<ACL> readOnly = new ArrayList<>(ZooDefs.Ids.READ_ACL_UNSAFE);
    readOnly.addAll(onlyFor("admin", "pw", ZooDefs.Perms.ALL));
    tAdmin.raw().create("/ro", bytes("old"), readOnly, CreateMode.PERSISTENT);
    s.createPersistent("/ro", bytes("new"));
    s.createPersistent("/ro/kid", bytes("k"));

    DaemonProcess daemon = allSync(scope, source, target, INTERVAL);
    List<String> unreadable = List.of("/acl/locked", "/acl/locked/kid");
    List<String> notVisible = new ArrayList<>(Zk.EXCLUDED);
    notVisible.addAll(List.of("/acl/locked", "/ro"));

    // Everything readable and writable is copied.
    await("everything but /acl/locked and /ro copied")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(
            () -> Trees.assertCopied(s.readTree("/", notVisible), t.readTree("/", notVisible)));
    assertThat(t.getData("/acl/secret/kid")).isEqualTo(bytes("sk"));

    // A fail line that names the unreadable node and the reason, at every pass (retried).
    await("two [fail] lines for /acl/locked, with the reason")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> failReasons(daemon, "/acl/locked").size() >= 2);
    assertThat(failReasons(daemon, "/acl/locked")).allMatch(r -> r.matches("(?i).*no_?auth.*"));
    // And for the node it may not write, with the reason.
    await("[fail] lines for /ro (setData) and /ro/kid (create) on T")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !failReasons(daemon, "/ro").isEmpty() && !failReasons(daemon, "/ro/kid").isEmpty());
    assertThat(failReasons(daemon, "/ro")).allMatch(r -> r.matches("(?i).*no_?auth.*"));
    assertThat(failReasons(daemon, "/ro/kid")).allMatch(r -> r.matches("(?i).*no_?auth.*"));
    for (String p : unreadable) {
      assertThat(t.exists(p)).as(p + " on T").isNull();
    }

    // Now /acl/secret becomes unreadable too. Its copy on T stays: unreadable is not absent.
    other.raw().setACL("/acl/secret/kid", otherOnly, -1);
    other.raw().setACL("/acl/secret", otherOnly, -1);
    int passes = progressCount(daemon);
    // Siblings created later are synced, and deletes elsewhere still happen.
    s.createPersistent("/acl/open2", bytes("o2"));
    s.createPersistent("/acl/secret-sibling", bytes("ss"));
    s.delete("/acl/open1");
    awaitData(daemon, t, "/acl/open2", bytes("o2"));
    awaitData(daemon, t, "/acl/secret-sibling", bytes("ss"));
    awaitAbsent(daemon, t, "/acl/open1", LIVE);
    await("T's copy of the now unreadable /acl/secret kept over two passes")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () -> {
              assertThat(t.exists("/acl/secret")).as("/acl/secret on T").isNotNull();
              assertThat(t.exists("/acl/secret/kid")).as("/acl/secret/kid on T").isNotNull();
              return progressCount(daemon) >= passes + 2;
            });

    // Retried at the next pass: once readable (setACL fires no event), the nodes arrive.
    other.raw().setACL("/acl/locked", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
    other.raw().setACL("/acl/locked/kid", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
    tAdmin.raw().setACL("/ro", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
    awaitDataWithin(daemon, t, "/acl/locked/kid", bytes("lk"), FEW_PASSES);
    awaitDataWithin(daemon, t, "/ro", bytes("new"), FEW_PASSES);
    awaitDataWithin(daemon, t, "/ro/kid", bytes("k"), FEW_PASSES);
    assertThat(t.getData("/acl/locked")).isEqualTo(bytes("l"));
  }

  private static void awaitDataWithin(
      DaemonProcess daemon, Zk side, String path, byte[] data, Duration within) {
    await(path + " with data " + NodeInfo.describe(data))
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .failFast(daemon.kind().launcherName() + " exited", () -> !daemon.isAlive())
        .untilAsserted(() -> assertThat(side.getData(path)).isEqualTo(data));
  }

  // ---------------------------------------------------------------------------------------------
  // Data larger than the target accepts.

  /** Runtime-log lines that report a lost connection ("... disconnected; reconnecting"). */
  private static long disconnects(DaemonProcess daemon) {
    return daemon.runtimeLog().lines().filter(l -> l.contains("disconnected")).count();
  }

  /**
   * S holds a 2 MB node (S accepts 4 MB requests); T keeps the default 1 MB limit. Two all_sync run
   * at once, each to a T of its own: one with the daemon's default JVM options, one with {@code
   * JAVA_OPTS=-Djute.maxbuffer=4194304}, as a user whose source holds such nodes runs every client
   * of it. Each must copy everything else, write one clear fail line per attempt for the big node,
   * and not storm: at most one dropped connection per attempt, passes at their interval.
   */
  @Test
  void dataLargerThanTheTargetAcceptsIsOneFailLineAPassAndTheRestSyncs(ProcessScope scope)
      throws Exception {
    ZkServerProcess source = scope.startZkWithJvmOpts(E2EConfig.ZK39, "-Djute.maxbuffer=4194304");
    List<ZkServerProcess> targets = scope.startZks(E2EConfig.ZK39, 2);
    Zk s = scope.connect(source);
    byte[] big = new byte[2 * 1024 * 1024];
    new Random(42).nextBytes(big);
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/a", bytes("a"));
    s.createPersistent("/app/big", big);
    s.createPersistent("/app/b", bytes("b"));
    s.createPersistent("/app/b/c", bytes("c"));
    // Below T's limit: copied exactly.
    byte[] nearLimit = new byte[900 * 1024];
    new Random(7).nextBytes(nearLimit);
    s.createPersistent("/app/near-limit", nearLimit);

    Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
    Map<String, Zk> clients = new LinkedHashMap<>();
    List<String> variants =
        List.of(DaemonProcess.DEFAULT_JAVA_OPTS, "-Xmx512m -Djute.maxbuffer=4194304");
    for (int i = 0; i < variants.size(); i++) {
      ZkServerProcess target = targets.get(i);
      String name = "all_sync with JAVA_OPTS=" + variants.get(i);
      clients.put(name, scope.connect(target));
      daemons.put(
          name,
          scope.startDaemon(
              DaemonProcess.builder(Kind.ALL_SYNC, scope.newDir("all_sync"))
                  .javaOpts(variants.get(i))
                  .args(startArgs(source.connectString(), target.connectString(), INTERVAL))));
    }
    // both daemons are watched over the same passes, so the check takes the time of one
    List<String> problems = new ArrayList<>();
    Map<String, OversizeBaseline> baselines = new LinkedHashMap<>();
    for (String name : daemons.keySet()) {
      try {
        baselines.put(name, oversizedNodeFailed(s, clients.get(name), daemons.get(name)));
      } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
        problems.add(name + ": " + e.getMessage());
      }
    }
    for (Map.Entry<String, OversizeBaseline> baseline : baselines.entrySet()) {
      String name = baseline.getKey();
      try {
        checkOversizedNodeHandling(clients.get(name), daemons.get(name), baseline.getValue());
      } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
        problems.add(name + ": " + e.getMessage());
      }
    }
    assertThat(problems).isEmpty();
  }

  /** What a daemon had logged when the watching of its next passes began. */
  private record OversizeBaseline(int fails, int passes, long drops, long startedNanos) {}

  /**
   * Awaits everything but {@code /app/big} on T and a fail line for it; then writes a live change
   * and returns the counts the next passes are measured from.
   */
  private static OversizeBaseline oversizedNodeFailed(Zk s, Zk t, DaemonProcess daemon)
      throws Exception {
    List<String> withoutBig = new ArrayList<>(Zk.EXCLUDED);
    withoutBig.add("/app/big");
    await("everything but /app/big copied")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .untilAsserted(
            () -> Trees.assertCopied(s.readTree("/", withoutBig), t.readTree("/", withoutBig)));
    await("a [fail] line for /app/big")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(200))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(() -> !failReasons(daemon, "/app/big").isEmpty());
    assertThat(failReasons(daemon, "/app/big")).as("a reason").allMatch(r -> !r.endsWith(": "));

    // Watch three more passes: at most one fail line and one dropped connection per attempt,
    // passes at their interval (a reconnect starts a pass at once: back-to-back passes are a
    // reconnect storm), and live changes still arrive.
    OversizeBaseline baseline =
        new OversizeBaseline(
            failReasons(daemon, "/app/big").size(),
            progressCount(daemon),
            disconnects(daemon),
            System.nanoTime());
    s.createPersistent("/app/after-" + daemon.pid(), bytes("after"));
    return baseline;
  }

  private static void checkOversizedNodeHandling(
      Zk t, DaemonProcess daemon, OversizeBaseline baseline) throws Exception {
    awaitData(daemon, t, "/app/after-" + daemon.pid(), bytes("after"));
    awaitProgressLines(daemon, baseline.passes() + 3, Duration.ofSeconds(60));
    Duration window = Duration.ofNanos(System.nanoTime() - baseline.startedNanos());
    int passes = progressCount(daemon) - baseline.passes();
    int fails = failReasons(daemon, "/app/big").size() - baseline.fails();
    long drops = disconnects(daemon) - baseline.drops();
    String during = passes + " passes in " + window.toMillis() + " ms";
    assertThat(fails)
        .as("fail lines for /app/big during " + during)
        .isLessThanOrEqualTo(passes + 1);
    assertThat(drops).as("dropped connections during " + during).isLessThanOrEqualTo(passes + 1);
    assertThat(window)
        .as(during + " at a %d s interval", INTERVAL)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2L * INTERVAL));
    assertThat(daemon.isAlive()).isTrue();
    assertThat(t.exists("/app/big")).isNull();
  }

  // ---------------------------------------------------------------------------------------------
  // Node names with every legal character.

  /**
   * Legal names (ZooKeeper forbids only U+0000-U+001F, U+007F-U+009F, U+D800-U+F8FF (which includes
   * every surrogate, so no emoji or other character outside the BMP), U+FFF0-U+FFFF, and the
   * components "." and "..").
   */
  private static final List<String> ODD_NAMES =
      List.of(
          "with space",
          " lead",
          "trail ",
          "100%",
          "%",
          "%2F",
          "%2Fa%2Fb",
          "%25",
          "a+b",
          "+",
          "a b+c",
          "名字",
          "中文服务",
          "é",
          "ñandú",
          "Ωmega",
          "Привет",
          "한국어",
          "عربي",
          "\u00a0nbsp",
          "ßẞ",
          "\uffee",
          "...",
          ".x",
          "..x",
          "x.",
          "x..",
          "*",
          "~",
          "~tilde*star",
          ":",
          "10.0.0.1:20880",
          "?",
          "#",
          "&",
          "=",
          "k=v&x=y",
          "\"",
          "'",
          "\\",
          "back\\slash",
          "<>|",
          "!$^()[]{}",
          "`@,;",
          "zookeeper",
          "zk2zk_migration");

  @Test
  void namesWithEveryLegalCharacterAreCopiedAndRecordedExactly(ProcessScope scope)
      throws Exception {
    // Our escape is Go's: check it on known vectors first (spec examples and Go's behaviour).
    assertThat(GoQueryEscape.escape("/service1/providers/10.0.0.1:20880"))
        .isEqualTo("%2Fservice1%2Fproviders%2F10.0.0.1%3A20880");
    assertThat(GoQueryEscape.escape("/a b+c")).isEqualTo("%2Fa+b%2Bc");
    assertThat(GoQueryEscape.escape("/~x*")).isEqualTo("%2F~x%2A");
    assertThat(GoQueryEscape.escape("/é名")).isEqualTo("%2F%C3%A9%E5%90%8D");
    assertThat(GoQueryEscape.escape("/-_.!'()")).isEqualTo("%2F-_.%21%27%28%29");

    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    // all_sync: persistent nodes (with a child each) and ephemerals on S.
    s.createPersistent("/names", null);
    s.createPersistent("/s-eph", null);
    Zk sOwner = scope.connect(source);
    for (String name : ODD_NAMES) {
      s.createPersistent("/names/" + name, bytes(name));
      s.createPersistent("/names/" + name + "/" + name, bytes("child of " + name));
      sOwner.createEphemeral("/s-eph/" + name, bytes("eph " + name));
    }
    s.createPersistent("/t-eph", null);

    DaemonProcess a = allSync(scope, source, target, INTERVAL);
    DaemonProcess ts = tSync(scope, source, target, INTERVAL);
    await("/t-eph on T").atMost(FEW_PASSES).until(() -> t.exists("/t-eph") != null);

    // t_sync: the same names as ephemerals on T, under /t-eph and under a parent made on T only.
    Zk tOwner = scope.connect(target);
    for (String name : ODD_NAMES) {
      tOwner.createEphemeral("/t-eph/" + name, bytes("t " + name));
    }
    tOwner.createWithParents("/t-only/ä b/%2F", bytes("deep odd"), CreateMode.EPHEMERAL);
    awaitInSync(s, t, FEW_PASSES, a, ts);

    // Every name exactly, nothing else.
    assertThat(new TreeSet<>(t.getChildren("/names"))).isEqualTo(new TreeSet<>(ODD_NAMES));
    assertThat(new TreeSet<>(t.getChildren("/s-eph"))).isEqualTo(new TreeSet<>(ODD_NAMES));
    assertThat(new TreeSet<>(s.getChildren("/t-eph"))).isEqualTo(new TreeSet<>(ODD_NAMES));
    for (String name : ODD_NAMES) {
      assertThat(t.getData("/names/" + name + "/" + name)).isEqualTo(bytes("child of " + name));
      assertThat(t.exists("/s-eph/" + name).getEphemeralOwner()).isZero();
      assertThat(s.exists("/t-eph/" + name).getEphemeralOwner()).isZero();
      assertThat(s.getData("/t-eph/" + name)).isEqualTo(bytes("t " + name));
    }
    assertThat(s.getData("/t-only/ä b/%2F")).isEqualTo(bytes("deep odd"));
    // The records: exactly Go's escape of each copied path.
    TreeSet<String> expected = new TreeSet<>();
    for (String name : ODD_NAMES) {
      expected.add(GoQueryEscape.escape("/t-eph/" + name));
    }
    expected.add(GoQueryEscape.escape("/t-only/ä b/%2F"));
    // the parents the client made on T are its own nodes, carried to S with records (rule 34)
    expected.add(GoQueryEscape.escape("/t-only"));
    expected.add(GoQueryEscape.escape("/t-only/ä b"));
    await("the records")
        .atMost(FEW_PASSES)
        .untilAsserted(
            () -> assertThat(new TreeSet<>(t.getChildren("/zk2zk_migration"))).isEqualTo(expected));
    // A few spelled out.
    assertThat(t.exists("/zk2zk_migration/%2Ft-eph%2Fa+b%2Bc")).isNotNull();
    assertThat(t.exists("/zk2zk_migration/%2Ft-eph%2F~tilde%2Astar")).isNotNull();
    assertThat(t.exists("/zk2zk_migration/%2Ft-eph%2F%25")).isNotNull();
    assertThat(t.exists("/zk2zk_migration/%2Ft-eph%2F...")).isNotNull();
    assertThat(t.exists("/zk2zk_migration/%2Ft-eph%2F%E5%90%8D%E5%AD%97")).isNotNull();

    // Clients leave: copies go, on both sides, and so do their records; the parents stay.
    sOwner.close();
    tOwner.close();
    awaitInSync(s, t, FEW_PASSES, a, ts);
    assertThat(t.getChildren("/s-eph")).isEmpty();
    assertThat(s.getChildren("/t-eph")).isEmpty();
    assertThat(t.getChildren("/zk2zk_migration"))
        .containsExactlyInAnyOrder(
            GoQueryEscape.escape("/t-only"), GoQueryEscape.escape("/t-only/ä b"));
    for (DaemonProcess d : List.of(a, ts)) {
      assertThat(d.monitorLog()).as("%s fail lines", d).noneMatch(l -> l.contains("\t[fail]\t"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A very wide node and a very deep one.

  @Test
  void wideAndDeepTreesAreSyncedInBoundedTime(ProcessScope scope) throws Exception {
    int width = 100_000;
    int depth = 1_000;
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    long seedStart = System.nanoTime();
    s.createPersistent("/wide", bytes("wide"));
    List<String> paths = new ArrayList<>(width);
    List<byte[]> data = new ArrayList<>(width);
    for (int i = 0; i < width; i++) {
      paths.add(String.format("/wide/instance-%06d", i));
      data.add(i % 10 == 0 ? null : bytes(Integer.toString(i)));
    }
    s.createPersistentBatch(paths, data);
    // 1,000 levels: paths grow to 2 KB, so 100 creates per multi stay far below 1 MB.
    StringBuilder deep = new StringBuilder("/deep");
    s.createPersistent("/deep", null);
    List<Op> batch = new ArrayList<>();
    for (int level = 1; level <= depth; level++) {
      deep.append("/d");
      batch.add(
          Op.create(
              deep.toString(),
              bytes("level " + level),
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT));
      if (batch.size() == 100) {
        s.multi(batch);
        batch.clear();
      }
    }
    String leaf = deep.toString();
    System.out.printf(
        "wide/deep: seeded %d nodes in %d ms%n",
        width + depth + 2, Duration.ofNanos(System.nanoTime() - seedStart).toMillis());

    long start = System.nanoTime();
    DaemonProcess daemon = allSync(scope, source, target, 600);
    await("T's /wide with " + width + " children and the deep leaf")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () -> {
              Stat wide = t.exists("/wide");
              return wide != null && wide.getNumChildren() == width && t.exists(leaf) != null;
            });
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("wide/deep: synced in %d ms%n", took.toMillis());
    long compareStart = System.nanoTime();
    Trees.assertCopied(s.readTree("/"), t.readTree("/"));
    assertThat(t.getData(leaf)).isEqualTo(bytes("level " + depth));
    System.out.printf(
        "wide/deep: compared both trees in %d ms%n",
        Duration.ofNanos(System.nanoTime() - compareStart).toMillis());

    // The first pass's progress line counted them all (it shows the counts read before it wrote).
    long count = width + depth + 2;
    await("a progress line with SrcNodeCount: [" + count + "]")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .failFast("all_sync exited", () -> !daemon.isAlive())
        .until(
            () ->
                MonitorLog.progress(daemon.monitorLog()).stream().anyMatch(p -> p.src() == count));
    assertThat(daemon.monitorLog()).noneMatch(l -> l.contains("\t[fail]\t"));
  }

  // ---------------------------------------------------------------------------------------------
  // A tampered /zk2zk_migration.

  @Test
  void recordsNamingNothingAreCleanedUpAndAMissingRecordDeletesNothing(ProcessScope scope)
      throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/cfg", bytes("cfg"));
    DaemonProcess a = allSync(scope, source, target, INTERVAL);
    DaemonProcess ts = tSync(scope, source, target, INTERVAL);
    awaitData(a, t, "/app/cfg", bytes("cfg"));

    // A client on T registers: t_sync copies it to S behind a record.
    Zk tClient = scope.connect(target);
    tClient.createEphemeral("/app/live", bytes("live"));
    awaitData(ts, s, "/app/live", bytes("live"));
    assertThat(t.exists(GoQueryEscape.recordPath("/app/live"))).isNotNull();

    // Records naming nothing (absent on both sides), one of them with data.
    List<String> namingNothing = List.of("%2Fghost", "%2Fapp%2Fghost2", "%2Fghost+3");
    t.createPersistent("/zk2zk_migration/%2Fghost", new byte[0]);
    t.createPersistent("/zk2zk_migration/%2Fapp%2Fghost2", new byte[0]);
    t.createPersistent("/zk2zk_migration/%2Fghost+3", bytes("not empty"));
    await("records naming nothing removed")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(200))
        .failFast("a daemon exited", () -> !a.isAlive() || !ts.isAlive())
        .untilAsserted(
            () ->
                assertThat(t.getChildren("/zk2zk_migration"))
                    .doesNotContainAnyElementsOf(namingNothing));
    awaitInSync(s, t, FEW_PASSES, a, ts);

    // A missing record is never a reason to delete data: S's copy stays while T's ephemeral lives.
    t.delete(GoQueryEscape.recordPath("/app/live"));
    int tsPasses = progressCount(ts);
    int aPasses = progressCount(a);
    await("S's copy of /app/live kept for two passes of each daemon")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(100))
        .failFast("a daemon exited", () -> !a.isAlive() || !ts.isAlive())
        .until(
            () -> {
              assertThat(s.exists("/app/live")).as("S's copy of /app/live").isNotNull();
              assertThat(t.exists("/app/live")).as("T's /app/live").isNotNull();
              return progressCount(ts) >= tsPasses + 2 && progressCount(a) >= aPasses + 2;
            });
    // In sync again: every E node on T has a record.
    awaitInSync(s, t, FEW_PASSES, a, ts);

    // And when the client leaves T, its copy leaves S, and so does the record.
    tClient.close();
    awaitAbsent(ts, s, "/app/live", LIVE);
    awaitInSync(s, t, FEW_PASSES, a, ts);
    assertThat(t.exists(GoQueryEscape.recordPath("/app/live"))).isNull();
    assertThat(t.exists("/app/live")).isNull();
    assertThat(s.getData("/app/cfg")).isEqualTo(bytes("cfg"));
  }

  /** Record names that are no valid escape, or name no valid path. */
  private static final List<String> MALFORMED_RECORDS =
      List.of(
          "backup",
          "%ZZ",
          "%",
          "%2",
          "a%2Fb",
          "%2F",
          "%2Fa%2F",
          "%2Fa%2F%2Fb",
          "%2Fa%2F.%2Fb",
          "%2Fzookeeper",
          "%2Fapp%2Fcfg%00");

  @Test
  void malformedRecordNamesDoNotStopSyncing(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/app", bytes("app"));
    s.createPersistent("/app/cfg", bytes("cfg"));
    s.createPersistent("/a", bytes("a"));
    s.createPersistent("/a/b", bytes("b"));
    DaemonProcess a = allSync(scope, source, target, INTERVAL);
    DaemonProcess ts = tSync(scope, source, target, INTERVAL);
    awaitData(a, t, "/a/b", bytes("b"));
    Zk tClient = scope.connect(target);
    tClient.createEphemeral("/app/live", bytes("live"));
    awaitData(ts, s, "/app/live", bytes("live"));

    for (String name : MALFORMED_RECORDS) {
      t.createPersistent("/zk2zk_migration/" + name, new byte[0]);
    }
    t.createPersistent("/zk2zk_migration/%2Fghost", new byte[0]);
    int aPasses = progressCount(a);
    int tsPasses = progressCount(ts);

    // Both keep working: passes complete (and clean up what they should), changes still sync.
    awaitProgressLines(a, aPasses + 2, FEW_PASSES);
    awaitProgressLines(ts, tsPasses + 2, FEW_PASSES);
    s.createPersistent("/app/after", bytes("after"));
    tClient.createEphemeral("/app/live2", bytes("live2"));
    awaitData(a, t, "/app/after", bytes("after"));
    awaitData(ts, s, "/app/live2", bytes("live2"));
    awaitAbsent(ts, t, "/zk2zk_migration/%2Fghost", FEW_PASSES);
    // Whether malformed records are removed is not specified; "in sync" leaves them aside.
    awaitInSyncIgnoringRecords(s, t, MALFORMED_RECORDS, a, ts);

    // Nothing was deleted on their account, and a client leaving T is still cleaned up after.
    tClient.close();
    awaitAbsent(ts, s, "/app/live", LIVE);
    awaitAbsent(ts, s, "/app/live2", LIVE);
    awaitInSyncIgnoringRecords(s, t, MALFORMED_RECORDS, a, ts);
    for (String p : List.of("/a", "/a/b", "/app", "/app/cfg", "/app/after")) {
      assertThat(s.exists(p)).as(p + " on S").isNotNull();
      assertThat(t.exists(p)).as(p + " on T").isNotNull();
    }
  }

  private static void awaitInSyncIgnoringRecords(
      Zk s, Zk t, List<String> ignored, DaemonProcess... daemons) {
    await("both daemons in sync (records " + ignored + " aside)")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(500))
        .failFast("a daemon exited", () -> Stream.of(daemons).anyMatch(d -> !d.isAlive()))
        .untilAsserted(
            () -> {
              InSync.Snapshot snap = InSync.read(s, t);
              TreeSet<String> records = new TreeSet<>(snap.records());
              records.removeAll(ignored);
              List<String> v =
                  InSync.violations(
                      new InSync.Snapshot(
                          snap.s(), snap.t(), records, snap.clientNodesOnT(), snap.carried()));
              assertThat(v).as(InSync.describe(v)).isEmpty();
            });
  }

  @Test
  void deletedMigrationFolderDeletesNoDataAndIsRebuilt(ProcessScope scope) throws Exception {
    List<ZkServerProcess> servers = scope.startZks(E2EConfig.ZK39, 2);
    ZkServerProcess source = servers.get(0);
    ZkServerProcess target = servers.get(1);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    s.createPersistent("/svc", bytes("svc"));
    DaemonProcess a = allSync(scope, source, target, INTERVAL);
    DaemonProcess ts = tSync(scope, source, target, INTERVAL);
    awaitData(a, t, "/svc", bytes("svc"));
    Zk tClient = scope.connect(target);
    Map<String, byte[]> live = new TreeMap<>();
    for (int i = 0; i < 5; i++) {
      String p = "/svc/inst-" + i;
      tClient.createEphemeral(p, bytes("i" + i));
      live.put(p, bytes("i" + i));
    }
    awaitInSync(s, t, FEW_PASSES, a, ts);

    // Someone removes the whole folder of records (a "cleanup" gone wrong).
    t.deleteRecursive("/zk2zk_migration");
    int passes = progressCount(ts);
    await("S's copies kept for two t_sync passes")
        .atMost(FEW_PASSES)
        .pollInterval(Duration.ofMillis(100))
        .failFast("a daemon exited", () -> !a.isAlive() || !ts.isAlive())
        .until(
            () -> {
              for (Map.Entry<String, byte[]> e : live.entrySet()) {
                assertThat(s.getData(e.getKey())).as(e.getKey() + " on S").isEqualTo(e.getValue());
              }
              return progressCount(ts) >= passes + 2;
            });
    // New registrations still reach S, and every E node on T has its record again; until then,
    // at most one fail line per attempt (a pass, or the watch event), never a hot retry loop.
    tClient.createEphemeral("/svc/inst-new", bytes("new"));
    try {
      awaitInSync(s, t, FEW_PASSES, a, ts);
    } finally {
      int fails = failReasons(ts, "/svc/inst-new").size();
      int allPasses = progressCount(ts);
      assertThat(fails)
          .as("t_sync [fail] lines for /svc/inst-new, over %d passes in all", allPasses)
          .isLessThanOrEqualTo(allPasses + 2);
    }
    tClient.close();
    awaitInSync(s, t, FEW_PASSES, a, ts);
    assertThat(s.getChildren("/svc")).isEmpty();
  }
}
