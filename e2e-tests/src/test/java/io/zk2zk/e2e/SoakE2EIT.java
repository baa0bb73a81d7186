package io.zk2zk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.DaemonProcess.Kind;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FaultyLink;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A randomized soak of both packaged daemons between two real ZooKeeper servers: a seeded generator
 * creates, updates and deletes persistent nodes on S, opens and closes sessions that register
 * ephemerals on S and on T (on T also under parents created on the fly), moves registrations from S
 * to T, and now and then kills or stops a daemon or a server and starts it again, or breaks the
 * network between a daemon and an ensemble (the daemons reach S and T through {@link FaultyLink}s
 * that stall, reset or slow down; the generator's clients connect directly). At the end both
 * daemons must reach "in sync" as docs/spec-operations.md defines it, checked with plain clients,
 * and say so in their progress lines.
 *
 * <p>System properties: {@code zk2zk.soak.seed} replays a run's choices (timing still differs),
 * {@code zk2zk.soak.seconds} (default 45) the generator's duration, {@code zk2zk.soak.syncInterval}
 * (default 10) the daemons' {@code --syncDailyInterval}, {@code zk2zk.soak.srcVersion} / {@code
 * zk2zk.soak.dstVersion} the server versions (default: chosen by the seed).
 */
@ExtendWith(ProcessScopeExtension.class)
class SoakE2EIT {

  private static final long SECONDS = Long.getLong("zk2zk.soak.seconds", 45);
  private static final int INTERVAL = Integer.getInteger("zk2zk.soak.syncInterval", 10);

  /** Versions the seed chooses from: S is the old ensemble, T the new one. */
  private static final List<String> SOURCE_VERSIONS =
      List.of(E2EConfig.ZK34, E2EConfig.ZK36, E2EConfig.ZK39);

  private static final List<String> TARGET_VERSIONS = List.of(E2EConfig.ZK35, E2EConfig.ZK39);

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS) // the soak bounds itself, from its duration
  void randomOpsAndFaultsEndInSync(ProcessScope scope) {
    long seed = Long.getLong("zk2zk.soak.seed", new SecureRandom().nextLong());
    String tag = "[soak seed=" + seed + ", replay with -Dzk2zk.soak.seed=" + seed + "]";
    System.out.println(tag + " generator runs " + SECONDS + " s, --syncDailyInterval " + INTERVAL);
    Duration budget = Duration.ofSeconds(SECONDS + 300 + 4L * INTERVAL);
    try {
      assertTimeoutPreemptively(
          budget, () -> new Soak(scope, seed, tag).run(), () -> "the soak overran " + budget);
    } catch (Throwable e) {
      throw new AssertionError(tag + " " + e.getMessage(), e);
    }
  }

  /** One soak run; single-threaded, so that the seed decides the sequence of choices. */
  private static final class Soak {

    private static final Duration SESSION_OPEN = Duration.ofSeconds(5);
    private static final Duration CLEAN_STOP = Duration.ofSeconds(15);
    private static final int MAX_SESSIONS_PER_SIDE = 12;
    private static final int PARENTS = 4;
    private static final int SERVICES = 3;

    private final ProcessScope scope;
    private final Random rnd;
    private final String tag;
    private final String sVersion;
    private final String tVersion;
    private final long t0 = System.nanoTime();

    private ZkServerProcess sServer;
    private ZkServerProcess tServer;
    private Zk s;
    private Zk t;
    private DaemonSlot allSync;
    private DaemonSlot tSync;
    private FaultyLink sLink;
    private FaultyLink tLink;
    private boolean sDown;
    private boolean tDown;

    /** Persistent nodes the generator believes exist on S (best effort). */
    private final TreeSet<String> sNodes = new TreeSet<>();

    /** Persistent nodes clients created on T, with their data: rule 33 must keep every one. */
    private final TreeMap<String, byte[]> tOwn = new TreeMap<>();

    private final List<Session> sSessions = new ArrayList<>();
    private final List<Session> tSessions = new ArrayList<>();
    private final List<PendingMove> moves = new ArrayList<>();
    private final Map<String, long[]> ops = new TreeMap<>();
    private final List<String> faults = new ArrayList<>();
    private long counter;
    private Fault activeFault;
    private long nextFaultAt;

    Soak(ProcessScope scope, long seed, String tag) {
      this.scope = scope;
      this.rnd = new Random(seed);
      this.tag = tag;
      this.sVersion =
          System.getProperty(
              "zk2zk.soak.srcVersion", SOURCE_VERSIONS.get(rnd.nextInt(SOURCE_VERSIONS.size())));
      this.tVersion =
          System.getProperty(
              "zk2zk.soak.dstVersion", TARGET_VERSIONS.get(rnd.nextInt(TARGET_VERSIONS.size())));
    }

    /** A client session holding ephemerals. */
    private record Session(Zk zk, List<String> paths) {}

    /** A registration closed on S, to be made again on T once T's copy is gone. */
    private record PendingMove(Session on, String path, byte[] data, long deadline) {}

    /** A fault in progress, what it does on each generator tick while it lasts, and its end. */
    private record Fault(String what, Runnable tick, Runnable restore, long restoreAt) {}

    /** One daemon, restarted in the same working directory (its logs continue). */
    private final class DaemonSlot {
      final Kind kind;
      final Path dir;
      final List<String> args;
      DaemonProcess proc;
      boolean down;
      int starts;

      DaemonSlot(Kind kind, String src, String dst) {
        this.kind = kind;
        this.dir = scope.dir().resolve(kind.launcherName() + "-run");
        this.args =
            List.of(
                "start",
                "--srcAddr",
                src,
                "--dstAddr",
                dst,
                "--logEnableStdout=false",
                "--syncDailyInterval",
                Integer.toString(INTERVAL));
      }

      void start() {
        proc = scope.startDaemon(DaemonProcess.builder(kind, dir).args(args));
        down = false;
        starts++;
      }

      void kill9() {
        proc.kill9();
        down = true;
      }

      void sigterm() {
        proc.sigterm();
        int code = proc.waitForExit(CLEAN_STOP);
        assertThat(code).as(kind.launcherName() + " exit code after SIGTERM").isZero();
        down = true;
      }

      void checkAlive() {
        if (!down && !proc.isAlive()) {
          throw new AssertionError(
              kind.launcherName()
                  + " exited by itself (exit code "
                  + proc.waitForExit(Duration.ofSeconds(1))
                  + ") at "
                  + elapsed()
                  + "\n"
                  + proc.diagnostics());
        }
      }

      List<String> monitorLog() {
        return proc.monitorLog();
      }
    }

    // ---- the run -------------------------------------------------------------------------------

    void run() throws Exception {
      List<ZkServerProcess> started = new ArrayList<>();
      started.add(scope.register(ZkServerProcess.standalone(sVersion, scope.newDir("zk-S"))));
      started.add(scope.register(ZkServerProcess.standalone(tVersion, scope.newDir("zk-T"))));
      started.forEach(ZkServerProcess::launch);
      started.forEach(z -> z.awaitServing(ZkServerProcess.START_TIMEOUT));
      sServer = started.get(0);
      tServer = started.get(1);
      s = scope.connect(sServer);
      t = scope.connect(tServer);
      System.out.println(tag + " S = " + sServer + ", T = " + tServer);
      seed();
      // the daemons' network, which the generator breaks now and then; its clients go direct
      sLink = scope.link(sServer);
      tLink = scope.link(tServer);
      allSync = new DaemonSlot(Kind.ALL_SYNC, sLink.connectString(), tLink.connectString());
      tSync = new DaemonSlot(Kind.T_SYNC, tLink.connectString(), sLink.connectString());
      allSync.start();
      tSync.start();
      nextFaultAt = now() + secs(3 + rnd.nextInt(8));

      long end = now() + secs(SECONDS);
      long nextReport = now() + secs(10);
      while (now() < end) {
        allSync.checkAlive();
        tSync.checkAlive();
        faultTick();
        moveTick();
        oneOp();
        if (now() >= nextReport) {
          System.out.println(tag + " " + elapsed() + " " + opsLine());
          nextReport = now() + secs(10);
        }
        // load pacing, not synchronisation: a client's think-time between random operations
        Thread.sleep(rnd.nextInt(40));
      }
      finish();
    }

    /** The persistent skeleton on S: parents for data and for S's service registrations. */
    private void seed() throws Exception {
      s.createPersistent("/soak", bytes("soak"));
      for (int i = 0; i < PARENTS; i++) {
        s.createPersistent("/soak/p" + i, randomData());
        for (int j = 0; j < 10; j++) {
          String p = "/soak/p" + i + "/c" + j;
          s.createPersistent(p, randomData());
          sNodes.add(p);
        }
      }
      for (int k = 0; k < SERVICES; k++) {
        s.createWithParents("/soak/s-svc" + k + "/providers", null, CreateMode.PERSISTENT);
      }
    }

    private void finish() throws Exception {
      // End every fault: all processes run again.
      if (activeFault != null) {
        activeFault.restore().run();
        activeFault = null;
      }
      renewExpired();
      // Moves still waiting are given up; about half of the sessions close, the rest stay.
      moves.clear();
      int closedS = closeSome(sSessions);
      int closedT = closeSome(tSessions);
      System.out.println(
          tag
              + " "
              + elapsed()
              + " generator stopped; closed "
              + closedS
              + " S and "
              + closedT
              + " T sessions, "
              + sSessions.size()
              + " and "
              + tSessions.size()
              + " stay open");

      long convergeStart = now();
      Duration deadline = Duration.ofSeconds(Math.max(90, 3L * INTERVAL + 30));
      AtomicReference<List<String>> last = new AtomicReference<>(List.of());
      try {
        await("both daemons in sync")
            .atMost(deadline)
            .pollInterval(Duration.ofSeconds(1))
            .ignoreExceptions()
            .failFast("a daemon exited", daemonDied())
            .until(
                () -> {
                  List<String> v = InSync.violations(InSync.read(s, t));
                  last.set(v);
                  return v.isEmpty();
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "not in sync "
                + deadline.toSeconds()
                + " s after the generator stopped: "
                + InSync.describe(last.get())
                + "\n"
                + summary(-1),
            e);
      }
      long convergedMs = (now() - convergeStart) / 1_000_000;
      // nothing a client wrote on T was lost: rule 33 kept every node it did not delete itself
      // (a create whose answer was lost in a fault may have applied: those are not checked)
      for (Map.Entry<String, byte[]> own : tOwn.entrySet()) {
        assertThat(t.getData(own.getKey()))
            .as("%s, created on T by a client", own.getKey())
            .isEqualTo(own.getValue());
      }

      // every item a consumer on T took from S is gone from both sides (rule 37), unless a
      // client on S wrote it again since (a recursive delete and a new parent reuse names)
      for (String taken : takenOnT) {
        if (!sNodes.contains(taken)) {
          assertThat(t.exists(taken)).as("%s, taken on T, back on T", taken).isNull();
          assertThat(s.exists(taken)).as("%s, taken on T, still on S", taken).isNull();
        }
      }

      // The progress lines say so too, with our counts. (The state may still move: sessions
      // closed while their server was down expire one session timeout after it is back.)
      awaitProgressInSync();

      // Failed writes are retried at a pace, never in a hot loop: per path, about one fail line
      // per attempt (a pass, a watch event, a fault).
      for (DaemonSlot d : List.of(allSync, tSync)) {
        List<String> log = d.monitorLog();
        long bound = MonitorLog.progress(log).size() + 10L * faults.size() + 10;
        assertThat(maxFailLinesOfOnePath(log))
            .as("%s: most [fail] lines of one path (bound %d)", d.kind.launcherName(), bound)
            .satisfies(e -> assertThat(e.getValue()).as(e.getKey()).isLessThanOrEqualTo(bound));
      }

      // And both stop cleanly.
      allSync.sigterm();
      tSync.sigterm();
      System.out.println(summary(convergedMs));
    }

    /**
     * Waits until each daemon's newest progress line, written after the generator stopped, reports
     * its side in sync with the counts read now: all_sync the nodes on S without a record, t_sync
     * the ephemerals on T and the clients' own nodes there; and the trees are in sync now.
     */
    private void awaitProgressInSync() {
      int aBefore = MonitorLog.progress(allSync.monitorLog()).size();
      int tsBefore = MonitorLog.progress(tSync.monitorLog()).size();
      AtomicReference<String> last = new AtomicReference<>("");
      try {
        await("progress lines of both daemons in sync, with the counts read from the ensembles")
            .atMost(Duration.ofSeconds(2L * INTERVAL + 60))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .failFast("a daemon exited", daemonDied())
            .until(
                () -> {
                  InSync.Snapshot snap = InSync.read(s, t);
                  List<String> v = InSync.violations(snap);
                  List<MonitorLog.Progress> a = MonitorLog.progress(allSync.monitorLog());
                  List<MonitorLog.Progress> ts = MonitorLog.progress(tSync.monitorLog());
                  last.set(
                      "all_sync: "
                          + (a.isEmpty() ? "none" : a.get(a.size() - 1))
                          + " vs "
                          + snap.allSyncSourceCount()
                          + " nodes on S without a record; t_sync: "
                          + (ts.isEmpty() ? "none" : ts.get(ts.size() - 1))
                          + " vs "
                          + snap.tSyncSourceCount()
                          + " ephemerals and clients' nodes on T; "
                          + InSync.describe(v));
                  return v.isEmpty()
                      && a.size() > aBefore
                      && ts.size() > tsBefore
                      && a.get(a.size() - 1).inSync()
                      && a.get(a.size() - 1).src() == snap.allSyncSourceCount()
                      && ts.get(ts.size() - 1).inSync()
                      && ts.get(ts.size() - 1).src() == snap.tSyncSourceCount();
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "progress lines never reported in sync: " + last.get() + "\n" + summary(-1), e);
      }
    }

    /** The path with the most {@code [fail]} lines in a monitor log, and how many. */
    private static Map.Entry<String, Long> maxFailLinesOfOnePath(List<String> log) {
      Map<String, Long> perPath = new TreeMap<>();
      for (String line : log) {
        if (line.contains("\t[fail]\t")) {
          String path = line.substring(line.lastIndexOf("\t[") + 2);
          perPath.merge(
              path.endsWith("]") ? path.substring(0, path.length() - 1) : path, 1L, Long::sum);
        }
      }
      return perPath.entrySet().stream()
          .max(Map.Entry.comparingByValue())
          .orElse(Map.entry("(none)", 0L));
    }

    private Callable<Boolean> daemonDied() {
      return () -> !allSync.proc.isAlive() || !tSync.proc.isAlive();
    }

    private int closeSome(List<Session> sessions) {
      int closed = 0;
      for (Iterator<Session> it = sessions.iterator(); it.hasNext(); ) {
        Session session = it.next();
        if (rnd.nextBoolean()) {
          session.zk().close();
          it.remove();
          closed++;
        }
      }
      return closed;
    }

    // ---- faults --------------------------------------------------------------------------------

    private void faultTick() {
      if (activeFault != null) {
        activeFault.tick().run();
      }
      if (activeFault != null && now() >= activeFault.restoreAt()) {
        activeFault.restore().run();
        activeFault = null;
        nextFaultAt = now() + secs(4 + rnd.nextInt(10));
      }
      if (activeFault == null && now() >= nextFaultAt) {
        activeFault = injectFault();
      }
    }

    private Fault injectFault() {
      long down = 500 + rnd.nextInt(7_500);
      long restoreAt = now() + down * 1_000_000;
      String what;
      Runnable tick = () -> {};
      Runnable restore;
      switch (rnd.nextInt(13)) {
        case 0, 1 -> {
          DaemonSlot d = rnd.nextBoolean() ? allSync : tSync;
          boolean kill = rnd.nextBoolean();
          what = d.kind.launcherName() + (kill ? " kill -9" : " SIGTERM");
          if (kill) {
            d.kill9();
          } else {
            d.sigterm();
          }
          restore = d::start;
        }
        case 2, 3 -> {
          DaemonSlot d = rnd.nextBoolean() ? tSync : allSync;
          what = d.kind.launcherName() + " kill -9";
          d.kill9();
          restore = d::start;
        }
        case 8, 9 -> {
          // A daemon restarted while one of its ensembles is down: it must wait for it (within
          // its start timeout, 30 s by default), not exit.
          boolean source = rnd.nextBoolean();
          ZkServerProcess server = source ? sServer : tServer;
          DaemonSlot d = rnd.nextBoolean() ? allSync : tSync;
          what =
              (source ? "S" : "T")
                  + " server kill -9, and "
                  + d.kind.launcherName()
                  + " kill -9 and started again while it is down";
          server.kill9();
          setDown(source, true);
          d.kill9();
          d.start();
          restore =
              () -> {
                server.start();
                setDown(source, false);
              };
        }
        case 10, 11, 12 -> {
          // the link between the daemons and one ensemble: both daemons lose it at once
          boolean source = rnd.nextBoolean();
          FaultyLink link = source ? sLink : tLink;
          String side = source ? "S" : "T";
          switch (rnd.nextInt(5)) {
            case 0 -> {
              what = "link to " + side + " stalled (open and silent)";
              link.stall();
            }
            case 3 -> {
              FaultyLink.Direction way =
                  rnd.nextBoolean()
                      ? FaultyLink.Direction.CLIENT_TO_SERVER
                      : FaultyLink.Direction.SERVER_TO_CLIENT;
              what = "link to " + side + " stalled one way (" + way + ")";
              link.stall(way);
            }
            case 4 -> {
              // stalled 2 s of every 5, for longer than the other faults
              long start = now();
              restoreAt = start + secs(10 + rnd.nextInt(30));
              what = "link to " + side + " flapping (stalled 2 s of every 5)";
              tick =
                  () -> {
                    boolean stalledPhase = ((now() - start) / 1_000_000) % 5_000 < 2_000;
                    if (stalledPhase != link.isStalled()) {
                      if (stalledPhase) {
                        link.stall();
                      } else {
                        link.resume();
                      }
                    }
                  };
            }
            case 1 -> {
              what = "link to " + side + " reset, then slow (20 ms each way, 64 KB/s)";
              link.drop().delay(Duration.ofMillis(20)).bandwidth(64 * 1024);
            }
            default -> {
              what = "link to " + side + " slow (50 ms each way)";
              link.delay(Duration.ofMillis(50));
            }
          }
          restore = link::heal;
        }
        default -> {
          boolean source = rnd.nextBoolean();
          boolean kill = rnd.nextBoolean();
          ZkServerProcess server = source ? sServer : tServer;
          what = (source ? "S" : "T") + " server " + (kill ? "kill -9" : "stop");
          if (kill) {
            server.kill9();
          } else {
            server.stop();
          }
          setDown(source, true);
          restore =
              () -> {
                server.start();
                setDown(source, false);
              };
        }
      }
      String line = elapsed() + " " + what + ", for " + (restoreAt - now()) / 1_000_000 + " ms";
      faults.add(line);
      System.out.println(tag + " fault: " + line);
      return new Fault(what, tick, restore, restoreAt);
    }

    private void setDown(boolean source, boolean down) {
      if (source) {
        sDown = down;
      } else {
        tDown = down;
      }
    }

    // ---- operations ----------------------------------------------------------------------------

    private void oneOp() throws InterruptedException {
      int r = rnd.nextInt(100);
      if (r < 20) {
        op("S create", !sDown, this::sCreate);
      } else if (r < 38) {
        op("S setData", !sDown, this::sSetData);
      } else if (r < 46) {
        op("S delete", !sDown, this::sDelete);
      } else if (r < 49) {
        op("S sequential", !sDown, this::sSequential);
      } else if (r < 58) {
        op("S session open", !sDown && sSessions.size() < MAX_SESSIONS_PER_SIDE, this::sOpen);
      } else if (r < 62) {
        op("S session close", !sSessions.isEmpty(), () -> close(sSessions));
      } else if (r < 65) {
        op("S ephemeral setData", !sDown && !sSessions.isEmpty(), () -> ephSet(sSessions));
      } else if (r < 74) {
        op("T session open", !tDown && tSessions.size() < MAX_SESSIONS_PER_SIDE, this::tOpen);
      } else if (r < 80) {
        op("T session close", !tSessions.isEmpty(), () -> close(tSessions));
      } else if (r < 84) {
        op("T ephemeral setData", !tDown && !tSessions.isEmpty(), () -> ephSet(tSessions));
      } else if (r < 87) {
        op("move S->T", !sDown && !tDown && !sSessions.isEmpty(), this::moveToT);
      } else if (r < 90) {
        op("T persistent create (client's own)", !tDown && marking(), this::tOwnCreate);
      } else if (r < 91) {
        op("T persistent delete (client's own)", !tDown && !tOwn.isEmpty(), this::tOwnDelete);
      } else if (r < 93) {
        op("T takes a sequential node from S (a consumer)", !tDown && marking(), this::tTake);
      } else {
        op("S setData", !sDown, this::sSetData);
      }
    }

    private interface Op {
      void run() throws Exception;
    }

    private void op(String name, boolean possible, Op op) throws InterruptedException {
      if (!possible) {
        return;
      }
      long[] counts = ops.computeIfAbsent(name, k -> new long[2]);
      try {
        op.run();
        counts[0]++;
      } catch (KeeperException.SessionExpiredException e) {
        counts[1]++;
        renewExpired();
      } catch (KeeperException | IllegalStateException e) {
        // connection loss while a server restarts, a node deleted meanwhile, ...
        counts[1]++;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(name + " failed unexpectedly", e);
      }
    }

    /** Replaces an expired generator client of a side that is up (else the next op tries). */
    private void renewExpired() {
      try {
        if (!sDown && !s.raw().getState().isAlive()) {
          s = scope.register(Zk.connect(sServer.connectString(), SESSION_OPEN));
          ops.computeIfAbsent("generator client renewed (expired)", k -> new long[2])[0]++;
        }
        if (!tDown && !t.raw().getState().isAlive()) {
          t = scope.register(Zk.connect(tServer.connectString(), SESSION_OPEN));
          ops.computeIfAbsent("generator client renewed (expired)", k -> new long[2])[0]++;
        }
      } catch (IllegalStateException e) {
        ops.computeIfAbsent("generator client renewed (expired)", k -> new long[2])[1]++;
      }
    }

    private String randomParent() {
      if (sNodes.isEmpty() || rnd.nextInt(10) < 7) {
        return "/soak/p" + rnd.nextInt(PARENTS);
      }
      String p = pick(sNodes);
      return p.chars().filter(c -> c == '/').count() < 4 ? p : "/soak/p" + rnd.nextInt(PARENTS);
    }

    private void sCreate() throws Exception {
      String path = randomParent() + "/c" + rnd.nextInt(40);
      try {
        s.createPersistent(path, randomData());
        sNodes.add(path);
      } catch (KeeperException.NodeExistsException e) {
        s.setData(path, randomData());
        sNodes.add(path);
      }
    }

    private void sSetData() throws Exception {
      if (sNodes.isEmpty()) {
        return;
      }
      String path = pick(sNodes);
      try {
        s.setData(path, randomData());
      } catch (KeeperException.NoNodeException e) {
        sNodes.remove(path);
        throw e;
      }
    }

    private void sDelete() throws Exception {
      if (sNodes.isEmpty()) {
        return;
      }
      String path = pick(sNodes);
      try {
        s.delete(path);
      } catch (KeeperException.NotEmptyException e) {
        s.deleteRecursive(path);
      } finally {
        sNodes.removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
      }
    }

    /**
     * Whether all_sync has started marking its copies: a node a client creates on T before that
     * counts as T's content from before the migration (docs/sync-rules.md, "Origin mark"), so the
     * generator's clients move to T only after it, as real clients do.
     */
    private boolean marking() throws InterruptedException {
      if (!marking) {
        try {
          marking = t.exists("/zk2zk_ha/origin_marks") != null;
        } catch (KeeperException e) {
          return false;
        }
      }
      return marking;
    }

    private boolean marking;

    /** A client on T writes a persistent node of its own (a mapping, a queue item). */
    private void tOwnCreate() throws Exception {
      String path = "/soak/t-own/n" + (++counter);
      byte[] data = randomData();
      t.createWithParents(path, data, CreateMode.PERSISTENT);
      tOwn.put(path, data);
    }

    private void tOwnDelete() throws Exception {
      String path = pick(new TreeSet<>(tOwn.keySet()));
      tOwn.remove(path);
      t.delete(path);
    }

    /**
     * A consumer on T takes a queue item produced on S (rule 37): it must go from S and never come
     * back to T. An item not copied to T yet cannot be taken (NoNode: the op fails, as for a real
     * consumer that does not see it yet).
     */
    private void tTake() throws Exception {
      // a consumer takes leaves: a node with children on S (not all copied to T yet) is not a
      // queue item, and taken anyway it is copied back (S's node wins, a conflict: rule 37)
      List<String> items =
          sNodes.stream()
              .filter(p -> p.startsWith("seq-", p.lastIndexOf('/') + 1))
              .filter(p -> sNodes.subSet(p + "/", p + "0").isEmpty())
              .toList();
      if (items.isEmpty()) {
        return;
      }
      String path = items.get(rnd.nextInt(items.size()));
      t.delete(path);
      sNodes.remove(path);
      takenOnT.add(path);
    }

    private final List<String> takenOnT = new ArrayList<>();

    private void sSequential() throws Exception {
      String p = s.createSequential("/soak/p" + rnd.nextInt(PARENTS) + "/seq-", randomData());
      sNodes.add(p);
    }

    private void sOpen() throws Exception {
      Zk zk = scope.register(Zk.connect(sServer.connectString(), SESSION_OPEN));
      Session session = new Session(zk, new ArrayList<>());
      sSessions.add(session);
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        String path = "/soak/s-svc" + rnd.nextInt(SERVICES) + "/providers/inst-" + (++counter);
        zk.createEphemeral(path, randomData());
        session.paths().add(path);
      }
    }

    /** T registrations: under T-only parents made on the fly, or under S's service parents. */
    private void tOpen() throws Exception {
      Zk zk = scope.register(Zk.connect(tServer.connectString(), SESSION_OPEN));
      Session session = new Session(zk, new ArrayList<>());
      tSessions.add(session);
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        long id = ++counter;
        String path =
            switch (rnd.nextInt(3)) {
              case 0 -> "/soak/t-svc" + rnd.nextInt(SERVICES) + "/providers/inst-" + id;
              case 1 -> "/soak/s-svc" + rnd.nextInt(SERVICES) + "/providers/t-inst-" + id;
              default -> "/soak/fly-" + rnd.nextInt(6) + "/x" + rnd.nextInt(2) + "/inst-" + id;
            };
        registerWithParents(zk, path, randomData());
        session.paths().add(path);
      }
    }

    /**
     * What registry clients do: create missing parents, then the ephemeral; all_sync may remove a
     * parent made on T in between (it is on T only until t_sync copies it), so retry.
     */
    private void registerWithParents(Zk zk, String path, byte[] data) throws Exception {
      for (int attempt = 1; ; attempt++) {
        try {
          zk.createWithParents(path, data, CreateMode.EPHEMERAL);
          return;
        } catch (KeeperException.NoNodeException e) {
          if (attempt == 3) {
            throw e;
          }
        }
      }
    }

    private void close(List<Session> sessions) {
      Session session = sessions.remove(rnd.nextInt(sessions.size()));
      session.zk().close();
    }

    private void ephSet(List<Session> sessions) throws Exception {
      Session session = sessions.get(rnd.nextInt(sessions.size()));
      if (!session.paths().isEmpty()) {
        String path = session.paths().get(rnd.nextInt(session.paths().size()));
        session.zk().setData(path, randomData());
      }
    }

    /** A client moves: its session on S closes, and it registers the same names on T. */
    private void moveToT() throws Exception {
      Session from = sSessions.remove(rnd.nextInt(sSessions.size()));
      from.zk().close();
      Zk zk = scope.register(Zk.connect(tServer.connectString(), SESSION_OPEN));
      Session to = new Session(zk, new ArrayList<>());
      tSessions.add(to);
      for (String path : from.paths()) {
        moves.add(new PendingMove(to, path, randomData(), now() + secs(10)));
      }
    }

    /** Registers moved names on T once all_sync has removed T's copies (NodeExists until then). */
    private void moveTick() {
      for (Iterator<PendingMove> it = moves.iterator(); it.hasNext(); ) {
        PendingMove m = it.next();
        long[] counts = ops.computeIfAbsent("move: registered on T", k -> new long[2]);
        if (tDown || !m.on().zk().raw().getState().isAlive()) {
          continue;
        }
        try {
          registerWithParents(m.on().zk(), m.path(), m.data());
          m.on().paths().add(m.path());
          counts[0]++;
          it.remove();
        } catch (KeeperException.NodeExistsException e) {
          if (now() > m.deadline()) {
            ops.computeIfAbsent("move: given up (copy still on T)", k -> new long[2])[0]++;
            it.remove();
          }
        } catch (Exception e) {
          counts[1]++;
          if (now() > m.deadline()) {
            it.remove();
          }
        }
      }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private byte[] randomData() {
      int r = rnd.nextInt(20);
      if (r == 0) {
        return null;
      }
      if (r == 1) {
        return new byte[0];
      }
      byte[] b = new byte[r == 2 ? 4096 + rnd.nextInt(8192) : rnd.nextInt(64)];
      rnd.nextBytes(b);
      return b;
    }

    private static byte[] bytes(String text) {
      return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private String pick(TreeSet<String> set) {
      int i = rnd.nextInt(set.size());
      Iterator<String> it = set.iterator();
      while (i-- > 0) {
        it.next();
      }
      return it.next();
    }

    private long now() {
      return System.nanoTime();
    }

    private static long secs(long seconds) {
      return seconds * 1_000_000_000L;
    }

    private String elapsed() {
      return String.format("+%.1fs", (now() - t0) / 1e9);
    }

    private String opsLine() {
      StringBuilder sb = new StringBuilder("ops");
      long total = 0;
      for (long[] c : ops.values()) {
        total += c[0] + c[1];
      }
      sb.append(' ').append(total).append(", faults ").append(faults.size());
      return sb.toString();
    }

    private String summary(long convergedMs) {
      StringBuilder sb = new StringBuilder();
      sb.append("==== soak summary ").append(tag).append('\n');
      sb.append("S ").append(sVersion).append(", T ").append(tVersion);
      sb.append(", generator ").append(SECONDS).append(" s, --syncDailyInterval ").append(INTERVAL);
      sb.append('\n');
      sb.append("operations (ok / failed):\n");
      ops.forEach((name, c) -> sb.append(String.format("  %-36s %6d / %d%n", name, c[0], c[1])));
      sb.append("faults injected (").append(faults.size()).append("):\n");
      faults.forEach(f -> sb.append("  ").append(f).append('\n'));
      sb.append("daemon starts: all_sync ")
          .append(allSync.starts)
          .append(", t_sync ")
          .append(tSync.starts)
          .append('\n');
      try {
        InSync.Snapshot snap = InSync.read(s, t);
        sb.append(
            String.format(
                "final: S %d nodes (%d t_sync copies), T %d nodes (%d ephemeral), %d records%n",
                snap.s().size(),
                snap.recordedOnS(),
                snap.t().size(),
                snap.ephemeralsOnT().size(),
                snap.records().size()));
      } catch (Exception e) {
        sb.append("final counts unavailable: ").append(e).append('\n');
      }
      for (DaemonSlot d : List.of(allSync, tSync)) {
        List<String> log = d.monitorLog();
        sb.append(
            String.format(
                "%s monitor log: %d progress lines, %d [fail] lines, %d [Alarm] lines%n",
                d.kind.launcherName(),
                MonitorLog.progress(log).size(),
                log.stream().filter(l -> l.contains("\t[fail]\t")).count(),
                log.stream().filter(l -> l.contains("[Alarm]")).count()));
        // the alarms themselves, so that a run's summary says what they were about
        log.stream()
            .filter(l -> l.contains("[Alarm]"))
            .limit(10)
            .forEach(l -> sb.append("  ").append(l).append(System.lineSeparator()));
        Map.Entry<String, Long> worst = maxFailLinesOfOnePath(log);
        sb.append(
            String.format(
                "  most [fail] lines of one path: %d %s%n", worst.getValue(), worst.getKey()));
      }
      if (convergedMs >= 0) {
        sb.append("in sync ").append(convergedMs).append(" ms after the generator stopped");
        if (convergedMs > 15_000) {
          sb.append(" (longer than a live change: a reconcile pass, not a watch, completed it)");
        }
      }
      return sb.toString();
    }
  }
}
