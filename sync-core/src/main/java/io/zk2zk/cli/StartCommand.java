package io.zk2zk.cli;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.LogSettings;
import io.zk2zk.config.RunOptions;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.config.Tuning;
import io.zk2zk.config.WatchMode;
import io.zk2zk.zk.ConnectString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code start}: the flag set of docs/cli-and-logs.md, turned into one {@link SyncConfig}. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    sortOptions = true,
    usageHelpAutoWidth = true)
public final class StartCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection = new ConnectionOptions();

  private final DaemonKind kind;
  private final DaemonRunner runner;

  @Option(
      names = "--tunnelLength",
      defaultValue = "100",
      description =
          "accepted for compatibility; unused: detected changes go into a set that"
              + " holds each path once and never blocks the ZooKeeper event thread (default: ${DEFAULT-VALUE})")
  int tunnelLength;

  @Option(
      names = "--workerNum",
      description =
          "threads that sync changed paths (default: auto = " + Tuning.AUTO_WORKER_NUM + ")")
  Integer workerNum;

  @Option(
      names = "--workerBufferSize",
      description =
          "changed paths one worker syncs together, reads pipelined and writes in multi"
              + " batches (default: auto = "
              + Tuning.AUTO_WORKER_BATCH
              + ")")
  Integer workerBufferSize;

  @Option(
      names = "--workerRetryCnt",
      description =
          "retries of a write that failed on a lost connection before it is logged as"
              + " fail and left to the next reconcile (default: auto = "
              + Tuning.AUTO_RETRY_COUNT
              + ")")
  Integer workerRetryCnt;

  @Option(
      names = "--watcherCompareConcurrency",
      description =
          "in-flight reads per side for watch-driven compares (default: auto = "
              + Tuning.AUTO_WATCH_READS
              + ")")
  Integer watcherCompareConcurrency;

  @Option(
      names = "--watcherReWatchConcurrency",
      description =
          "accepted for compatibility; unused: watches are re-armed by the reconcile"
              + " walk that follows every reconnect, at --syncSearchConcurrency (default: auto)")
  Integer watcherReWatchConcurrency;

  @Option(
      names = "--zkEventBuffer",
      description =
          "accepted for compatibility; unused: events are not buffered, they only mark"
              + " paths (default: auto)")
  Integer zkEventBuffer;

  @Option(
      names = "--zkEventWorkerLimit",
      description =
          "accepted for compatibility; unused: marking a path needs no event worker"
              + " (default: auto)")
  Integer zkEventWorkerLimit;

  @Option(
      names = "--syncCompareConcurrency",
      description =
          "paths compared together in one step of a full reconcile (default: auto = "
              + Tuning.AUTO_RECONCILE_BATCH
              + ")")
  Integer syncCompareConcurrency;

  @Option(
      names = "--passReadRate",
      description =
          "nodes a periodic reconcile pass reads on the source per second at most, so that"
              + " its safety net is not felt by the source's clients; 0 = no limit. The first"
              + " pass and those after a reconnect run at full speed (default: "
              + Tuning.DEFAULT_PASS_READ_RATE
              + ")")
  int passReadRate = Tuning.DEFAULT_PASS_READ_RATE;

  @Option(
      names = "--syncSearchConcurrency",
      description =
          "in-flight reads per side when walking a tree (default: auto = "
              + Tuning.AUTO_WALK_READS
              + ")")
  Integer syncSearchConcurrency;

  @Option(
      names = "--syncDailyInterval",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "seconds between two full reconcile passes (default: ${DEFAULT-VALUE})")
  int syncDailyInterval;

  @Option(
      names = "--logLevel",
      defaultValue = "info",
      description = "log level, options are debug/info/warn/error (default: ${DEFAULT-VALUE})")
  String logLevel;

  @Option(names = "--logPath", description = "runtime log file (default: ${DEFAULT-VALUE})")
  String logPath;

  @Option(
      names = "--monitorLogPath",
      description = "the path of the monitor (audit) log file (default: ${DEFAULT-VALUE})")
  String monitorLogPath;

  @Option(
      names = "--logMaxFileSize",
      defaultValue = "30",
      paramLabel = "MB",
      description = "megabytes before a log file rotates (default: ${DEFAULT-VALUE})")
  int logMaxFileSize;

  @Option(
      names = "--logMaxBackup",
      defaultValue = "30",
      description = "rotated log files kept (default: ${DEFAULT-VALUE})")
  int logMaxBackup;

  @Option(
      names = "--LogCompress",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description = "gzip rotated log files (default: ${DEFAULT-VALUE})")
  boolean logCompress;

  @Option(
      names = "--logEnableStdout",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description = "also print the runtime log to standard output (default: ${DEFAULT-VALUE})")
  boolean logEnableStdout;

  @Option(
      names = "--maxDeletePercent",
      defaultValue = "50",
      description =
          "mass-delete guard: a reconcile pass that would delete more than this percentage"
              + " of the nodes it manages on its target deletes nothing and raises an alarm;"
              + " 100 disables the guard (default: ${DEFAULT-VALUE})")
  int maxDeletePercent;

  @Option(
      names = "--maxDeleteMin",
      defaultValue = "100",
      description =
          "the mass-delete guard applies only from this many deletions in one pass"
              + " (default: ${DEFAULT-VALUE})")
  int maxDeleteMin;

  @Option(
      names = "--copyAcl",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "copy each node's ACL instead of creating copies with an open ACL; the daemon warns"
              + " when a copied ACL would lock it out (default: ${DEFAULT-VALUE})")
  boolean copyAcl;

  @Option(
      names = "--dstJuteMaxBuffer",
      defaultValue = "1048575",
      paramLabel = "BYTES",
      description =
          "the target servers' jute.maxbuffer: a node too large for it is reported as a fail line"
              + " instead of being sent (the server would drop the connection)"
              + " (default: ${DEFAULT-VALUE})")
  int dstJuteMaxBuffer;

  @Option(
      names = "--watchMode",
      defaultValue = "auto",
      description =
          "how changes on the source are detected: auto (one persistent recursive watch on"
              + " ZooKeeper 3.6+, per-node watches on older servers), persistent, or per-node"
              + " (default: ${DEFAULT-VALUE})")
  String watchMode;

  @Option(
      names = "--dryRun",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "decide and audit every write with [dry-run] in the monitor log, but write nothing"
              + " (default: ${DEFAULT-VALUE})")
  boolean dryRun;

  @Option(
      names = "--ha",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "high availability: run two or more instances of this daemon with the same flags; one"
              + " elected leader (a leader election on the target under /zk2zk_ha) syncs, the"
              + " others stand by and take over when it dies (default: ${DEFAULT-VALUE})")
  boolean ha;

  @Option(
      names = "--haSession",
      defaultValue = "4",
      paramLabel = "SECONDS",
      description =
          "--ha: session timeout of the election's own session on the target; a killed leader is"
              + " replaced after about this long (the server bounds it to 2..20 ticks)"
              + " (default: ${DEFAULT-VALUE})")
  int haSession;

  @Option(
      names = "--metricsPort",
      defaultValue = "0",
      paramLabel = "PORT",
      description =
          "serve Prometheus metrics on http://HOST:PORT/metrics and health on /health;"
              + " 0 turns it off (default: ${DEFAULT-VALUE})")
  int metricsPort;

  StartCommand(DaemonKind kind, DaemonRunner runner) {
    this.kind = kind;
    this.runner = runner;
  }

  @Override
  public Integer call() throws InterruptedException {
    return runner.run(toConfig(), spec.commandLine().getErr());
  }

  /** Validates the flags and builds the configuration; usage errors become exit code 2. */
  SyncConfig toConfig() {
    positive("--syncDailyInterval", syncDailyInterval);
    positive("--logMaxFileSize", logMaxFileSize);
    positive("--logMaxBackup", logMaxBackup);
    positive("--tunnelLength", tunnelLength);
    positive("--dstJuteMaxBuffer", dstJuteMaxBuffer);
    check(
        metricsPort >= 0 && metricsPort <= 65535, "--metricsPort must be 0..65535: " + metricsPort);
    positive("--haSession", haSession);
    check(
        !(dryRun && ha),
        "--dryRun and --ha exclude each other: a dry run writes nothing, an election writes on T");
    check(maxDeletePercent >= 0 && maxDeletePercent <= 100, "--maxDeletePercent must be 0..100");
    check(passReadRate >= 0, "--passReadRate must be 0 (no limit) or more");
    check(
        List.of("debug", "info", "warn", "error")
            .contains(logLevel.toLowerCase(java.util.Locale.ROOT)),
        "--logLevel must be one of debug, info, warn, error: " + logLevel);
    ConnectString src = connection.source();
    ConnectString dst = connection.target();
    Tuning d = Tuning.defaults();
    Tuning tuning =
        new Tuning(
            auto("--workerNum", workerNum, d.workerNum()),
            auto("--workerBufferSize", workerBufferSize, d.workerBatch()),
            auto("--workerRetryCnt", workerRetryCnt, d.retryCount()),
            auto("--watcherCompareConcurrency", watcherCompareConcurrency, d.watchReadsInFlight()),
            auto("--syncCompareConcurrency", syncCompareConcurrency, d.reconcileBatch()),
            auto("--syncSearchConcurrency", syncSearchConcurrency, d.walkReadsInFlight()),
            d.multiOps(),
            d.multiBytes(),
            d.multiInFlight(),
            dstJuteMaxBuffer,
            passReadRate);
    LogSettings logs =
        new LogSettings(
            logLevel.toLowerCase(java.util.Locale.ROOT),
            logPath != null ? logPath : kind.defaultLogPath(),
            monitorLogPath != null ? monitorLogPath : kind.defaultMonitorLogPath(),
            logMaxFileSize,
            logMaxBackup,
            logCompress,
            logEnableStdout);
    return new SyncConfig(
        kind,
        src.toString(),
        dst.toString(),
        connection.sourceSession(),
        connection.targetSession(),
        connection.path(),
        Duration.ofSeconds(syncDailyInterval),
        connection.startTimeout(),
        maxDeletePercent,
        maxDeleteMin,
        watchMode(),
        connection.sourceSecurity(),
        connection.targetSecurity(),
        copyAcl,
        tuning,
        logs,
        new RunOptions(dryRun, ha, metricsPort, Duration.ofSeconds(haSession)));
  }

  private WatchMode watchMode() {
    return switch (watchMode.toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> WatchMode.AUTO;
      case "persistent" -> WatchMode.PERSISTENT;
      case "per-node" -> WatchMode.PER_NODE;
      default ->
          throw new ParameterException(
              spec.commandLine(), "--watchMode must be auto, persistent or per-node: " + watchMode);
    };
  }

  private int auto(String flag, Integer value, int fallback) {
    if (value == null) {
      return fallback;
    }
    positive(flag, value);
    return value;
  }

  private void positive(String flag, int value) {
    check(value > 0, flag + " must be a positive number: " + value);
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
