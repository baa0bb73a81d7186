package io.zk2zk.demo;

import io.zk2zk.demo.ProgressTail.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.zookeeper.ZooKeeper;

/** The demo's six steps, in the order a user migrates (README, 客户端迁移). */
final class DemoRun {

  private static final int STEPS = 6;
  private static final String ALL_SYNC = "all_sync";
  private static final String T_SYNC = "t_sync";
  private static final int SYNC_INTERVAL_SECONDS = 5;

  /** Two passes of each daemon after the last change, with room for slow machines. */
  private static final Duration FRESH_PASSES = Duration.ofSeconds(6L * SYNC_INTERVAL_SECONDS + 30);

  private final Path allSyncLauncher;
  private final Path tSyncLauncher;
  private final Path work;
  private final Duration firstSyncTimeout;
  private final Cleanup cleanup;

  private Daemon allSync;
  private Daemon tSync;
  private ProgressTail tail;
  private final Poll poll = new Poll(this::ensureDaemonsRunning);

  DemoRun(Path allSync, Path tSync, Path work, int firstSyncTimeoutSeconds, Cleanup cleanup) {
    this.allSyncLauncher = allSync;
    this.tSyncLauncher = tSync;
    this.work = work;
    this.firstSyncTimeout = Duration.ofSeconds(firstSyncTimeoutSeconds);
    this.cleanup = cleanup;
  }

  private void ensureDaemonsRunning() {
    if (allSync != null) {
      allSync.ensureRunning();
    }
    if (tSync != null) {
      tSync.ensureRunning();
    }
  }

  void run() throws Exception {
    Console.title("zk2zk demo: live migration of a ZooKeeper service registry from S to T");
    Console.title("work dir: " + Daemon.display(work));

    // 1. Servers.
    Console.step(1, STEPS, "Starting two ZooKeeper servers in this JVM");
    EmbeddedZk serverS =
        cleanup.add(
            "ZooKeeper server S",
            EmbeddedZk.start("S", work.resolve("zk-S"), work.resolve("demo.log")));
    EmbeddedZk serverT =
        cleanup.add(
            "ZooKeeper server T",
            EmbeddedZk.start("T", work.resolve("zk-T"), work.resolve("demo.log")));
    String s = serverS.address();
    String t = serverT.address();
    Console.info("S (old, self-hosted ensemble)  " + s);
    Console.info("T (new ensemble)               " + t);

    // 2. Seed.
    Console.step(2, STEPS, "Seeding S with a service registry, configs, locks and a queue");
    ZooKeeper registry = cleanup.add("registry client session on S", Zk.connect(s));
    ZooKeeper mover = cleanup.add("session of the provider that will move", Zk.connect(s));
    ZooKeeper opsS = cleanup.add("ops session on S", Zk.connect(s));
    ZooKeeper opsT = cleanup.add("ops session on T", Zk.connect(t));
    long now = System.currentTimeMillis();
    RegistrySeed.Summary seed = RegistrySeed.seed(registry, mover, now);
    SortedMap<String, Zk.Node> seeded = Zk.snapshot(opsS);
    Console.info(
        String.format(
            "/dubbo    %d services, %d providers and %d consumers (ephemeral, URL-encoded names)",
            seed.services(), seed.providers(), seed.consumers()));
    Console.info(
        String.format("/config   %d keys of 6 applications (persistent)", seed.configKeys()));
    Console.info("/locks    Curator-style locks, ephemeral-sequential contenders");
    Console.info("/queues   a Curator-style queue, persistent-sequential items");
    Console.info(
        String.format(
            "%d nodes on S, %d of them ephemeral", seeded.size(), Zk.countEphemeral(seeded)));

    // 3. Daemons.
    Console.step(3, STEPS, "Starting the daemons as a user would, in " + Daemon.display(work));
    List<String> common =
        List.of(
            "--syncDailyInterval",
            Integer.toString(SYNC_INTERVAL_SECONDS),
            "--logEnableStdout=false");
    tail = cleanup.add("monitor log tail", new ProgressTail(work, List.of(ALL_SYNC, T_SYNC)));
    long daemonsStarted = System.nanoTime();
    allSync =
        cleanup.add(ALL_SYNC, Daemon.start(ALL_SYNC, allSyncLauncher, args(s, t, common), work));
    printStarted(allSync, s, t, common);
    tSync = cleanup.add(T_SYNC, Daemon.start(T_SYNC, tSyncLauncher, args(t, s, common), work));
    printStarted(tSync, t, s, common);

    // 4. First full sync, watched the way users watch it: grep SrcNodeCount monitor/*.log.
    Console.step(4, STEPS, "Waiting until T holds all of S (grep SrcNodeCount monitor/*.log)");
    try {
      poll.await(
          "all_sync in sync",
          firstSyncTimeout,
          () -> {
            Progress p = tail.last(ALL_SYNC);
            return p != null && p.inSync();
          });
    } catch (Poll.Timeout e) {
      Progress last = tail.last(ALL_SYNC);
      throw new DemoFailure(
          "all_sync did not report SrcNodeCount == DstNodeCount with ChangedNodeCount == 0 within "
              + firstSyncTimeout.toSeconds()
              + " s (last progress line: "
              + (last == null ? "none" : last.text().replace("\t", "  "))
              + ")\n      see "
              + allSync.logs());
    }
    long firstSyncMs = (System.nanoTime() - daemonsStarted) / 1_000_000;
    tail.echo(false);
    Console.ok(
        String.format(
            "all_sync reports S and T in sync after %d reconcile passes, counted from the"
                + " daemons' start",
            tail.count(ALL_SYNC)),
        firstSyncMs);
    Progress firstPass = tail.first(ALL_SYNC);
    Console.info(
        String.format(
            "First full sync took %s: the first pass wrote %d nodes within %s of the start,"
                + " a later pass (every %d s) found nothing left to do.",
            Console.seconds(firstSyncMs),
            firstPass.changed(),
            Console.seconds((firstPass.seenNanos() - daemonsStarted) / 1_000_000),
            SYNC_INTERVAL_SECONDS));
    long compareStart = System.nanoTime();
    SortedMap<String, Zk.Node> onS = Zk.snapshot(opsS);
    SortedMap<String, Zk.Node> onT = Zk.snapshot(opsT);
    List<String> diff = Zk.differences(onS, onT, 5);
    if (!diff.isEmpty()) {
      throw new DemoFailure("T differs from S although all_sync reports in sync: " + diff);
    }
    Console.ok(
        String.format(
            "checked by reading both trees: T holds all %d nodes of S, data byte for byte,"
                + " ephemerals as persistent copies (%d ephemeral on T)",
            onT.size(), Zk.countEphemeral(onT)),
        (System.nanoTime() - compareStart) / 1_000_000);

    // 5. Client migration.
    Console.step(5, STEPS, "Moving clients from S to T (客户端迁移), changing config on S");
    ClientMoves moves = new ClientMoves(opsS, opsT, t, poll, cleanup);
    moves.moveProvider(seed.moverPath(), mover, now);
    moves.deployNewServiceOnT(now);
    moves.lockContenderOnT();
    moves.changeConfigOnS();
    checkBothSidesAgree(opsS, opsT);
    verify(ALL_SYNC, allSyncLauncher, s, t);
    verify(T_SYNC, tSyncLauncher, t, s);

    // 6. Stop.
    Console.step(6, STEPS, "Stopping the daemons (SIGTERM) and the servers");
    boolean cleanExit = true;
    for (Daemon daemon : List.of(allSync, tSync)) {
      long stopStart = System.nanoTime();
      int code = daemon.stop();
      long ms = (System.nanoTime() - stopStart) / 1_000_000;
      if (code == 0) {
        Console.ok(daemon.name() + " exited with code 0", ms);
      } else {
        Console.fail(
            daemon.name() + " exited with code " + code + " instead of 0; see " + daemon.logs());
        cleanExit = false;
      }
    }
    cleanup.close();
    Console.info("ZooKeeper servers S and T stopped");
    Console.info("");
    Console.info("Logs (as the daemons write them in a user's directory):");
    Console.info("  " + Daemon.display(work.resolve("runtime")) + "/   what the daemons did");
    Console.info("  " + Daemon.display(work.resolve("monitor")) + "/   audit trail and progress");
    Console.info("  try: grep SrcNodeCount " + Daemon.display(work.resolve("monitor")) + "/*.log");
    Console.info(
        "  " + Daemon.display(work.resolve("demo.log")) + "   the servers' and the demo's own log");
    if (!cleanExit) {
      throw new DemoFailure("a daemon did not stop cleanly on SIGTERM");
    }
    Console.title("");
    Console.title("Demo passed.");
  }

  private static List<String> args(String src, String dst, List<String> common) {
    List<String> out = new ArrayList<>(List.of("--srcAddr", src, "--dstAddr", dst));
    out.addAll(common);
    return out;
  }

  private void printStarted(Daemon daemon, String src, String dst, List<String> common) {
    Console.info(
        String.format(
            "$ %s start --srcAddr %s --dstAddr %s %s   (pid %d)",
            daemon.name(), src, dst, String.join(" ", common), daemon.pid()));
  }

  /** Both daemons' own verdict, then the reader's: S and T show the same tree. */
  private void checkBothSidesAgree(ZooKeeper opsS, ZooKeeper opsT) throws Exception {
    Console.info(
        "Waiting for reconcile passes of both daemons that started after the last change:");
    int marksAll = tail.count(ALL_SYNC);
    int marksT = tail.count(T_SYNC);
    tail.echo(true);
    long ms;
    try {
      // The line after the mark may come from a pass that was already running; the one after
      // that started later.
      ms =
          poll.await(
              "fresh in-sync passes",
              FRESH_PASSES,
              () -> freshInSync(ALL_SYNC, marksAll) && freshInSync(T_SYNC, marksT));
    } catch (Poll.Timeout e) {
      throw new DemoFailure(
          "the daemons did not both report in sync within "
              + FRESH_PASSES.toSeconds()
              + " s (all_sync: "
              + describe(tail.last(ALL_SYNC))
              + "; t_sync: "
              + describe(tail.last(T_SYNC))
              + ")\n      see "
              + allSync.logs()
              + "\n      and "
              + tSync.logs());
    } finally {
      tail.echo(false);
    }
    SortedMap<String, Zk.Node> onS = Zk.snapshot(opsS);
    SortedMap<String, Zk.Node> onT = Zk.snapshot(opsT);
    long ephemeralsOnT = Zk.countEphemeral(onT);
    long clientNodesOnT = Zk.countClientNodes(opsT, onT);
    Progress t = tail.last(T_SYNC);
    if (t.src() != ephemeralsOnT + clientNodesOnT) {
      throw new DemoFailure(
          "t_sync counts SrcNodeCount "
              + t.src()
              + " but T holds "
              + ephemeralsOnT
              + " ephemeral nodes and "
              + clientNodesOnT
              + " persistent nodes of its clients");
    }
    Console.ok(
        String.format(
            "both daemons report in sync: all_sync %d = %d, t_sync %d = %d (the %d registrations"
                + " of clients on T and the %d persistent nodes they created there)",
            tail.last(ALL_SYNC).src(),
            tail.last(ALL_SYNC).dst(),
            t.src(),
            t.dst(),
            ephemeralsOnT,
            clientNodesOnT),
        ms);
    List<String> diff = Zk.differences(onS, onT, 5);
    if (!diff.isEmpty()) {
      throw new DemoFailure("S and T differ although both daemons report in sync: " + diff);
    }
    String couponParent = "/dubbo/" + RegistrySeed.COUPON_SERVICE + "/providers";
    if (!onT.containsKey(couponParent)) {
      throw new DemoFailure(couponParent + " vanished from T");
    }
    Console.ok(
        String.format(
            "S and T hold the same %d nodes with the same data: every client sees one registry,"
                + " whichever side it is on (CouponService's parents kept on T)",
            onS.size()));
  }

  /** The check an operator runs before a cut-over: {@code <daemon> verify}, exit code 0. */
  private void verify(String name, Path launcher, String src, String dst) throws Exception {
    long start = System.nanoTime();
    Daemon.Result r =
        Daemon.runOnce(
            launcher,
            List.of("verify", "--srcAddr", src, "--dstAddr", dst),
            work,
            java.time.Duration.ofSeconds(60));
    String summary = r.stdout().lines().findFirst().orElse("(no output)");
    if (r.exitCode() != 0) {
      throw new DemoFailure(
          name + " verify exited with code " + r.exitCode() + ": " + summary + " " + r.stderr());
    }
    Console.ok(
        "./" + name + " verify: exit code 0, \"" + summary + "\"",
        (System.nanoTime() - start) / 1_000_000);
  }

  private boolean freshInSync(String daemon, int mark) {
    Progress last = tail.last(daemon);
    return tail.count(daemon) >= mark + 2 && last != null && last.inSync();
  }

  private static String describe(Progress p) {
    return p == null ? "no progress line" : p.text().replace("\t", "  ");
  }
}
