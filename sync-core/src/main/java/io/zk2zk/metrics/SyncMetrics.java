package io.zk2zk.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.zk2zk.apply.Outcome;
import io.zk2zk.audit.AuditListener;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.source.DirtyPaths;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The daemon's Prometheus meters, in a registry this daemon owns. Every {@code zk2zk_} metric
 * carries a {@code daemon} label ({@code all_sync} or {@code t_sync}): both daemons of a migration
 * usually run on one host, and their node counts mean different things.
 *
 * <p>Writes and alarms are counted where they are audited ({@link AuditListener}), so the counters
 * always agree with the monitor log.
 */
public final class SyncMetrics implements AuditListener {

  /** Seconds; from a few milliseconds (a watch-driven copy) to minutes (a backlog). */
  private static final double[] LAG_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<AuditOperation, CounterDataPoint> writeSuccesses =
      new EnumMap<>(AuditOperation.class);
  private final Map<AuditOperation, CounterDataPoint> writeFailures =
      new EnumMap<>(AuditOperation.class);
  private final Counter writes;
  private final CounterDataPoint alarms;
  private final CounterDataPoint conflicts;
  private final Histogram replicationLag;
  private final Gauge leader;
  private final CounterDataPoint passes;
  private volatile LastPass lastPass;
  private volatile DirtyPaths dirty;
  private volatile java.util.function.LongSupplier watchHeap = () -> 0;
  private volatile HealthCheck connections;
  private volatile PassProgress running;

  /** The totals of the last complete reconcile pass. */
  private record LastPass(
      long source, long target, long changed, Duration took, long endEpochMillis) {}

  public SyncMetrics(DaemonKind kind) {
    Labels daemon = Labels.of("daemon", kind.commandName());
    writes =
        Counter.builder()
            .name("zk2zk_writes")
            .help("Writes to the target by monitor-log operation and result")
            .constLabels(daemon)
            .labelNames("operation", "result")
            .withoutExemplars()
            .register(registry);
    for (AuditOperation op : AuditOperation.values()) {
      if (op != AuditOperation.Alarm) {
        writeSuccesses.put(op, writes.labelValues(op.name(), "success"));
        writeFailures.put(op, writes.labelValues(op.name(), "fail"));
      }
    }
    alarms =
        Counter.builder()
            .name("zk2zk_alarms")
            .help("Alarm lines in the monitor log")
            .constLabels(daemon)
            .withoutExemplars()
            .register(registry)
            .labelValues();
    conflicts =
        Counter.builder()
            .name("zk2zk_conflicts")
            .help(
                "Changes a client made to a node on the side that does not own it, undone by the"
                    + " conflict policy")
            .constLabels(daemon)
            .withoutExemplars()
            .register(registry)
            .labelValues();
    passes =
        Counter.builder()
            .name("zk2zk_reconcile_passes")
            .help("Complete full reconcile passes")
            .constLabels(daemon)
            .withoutExemplars()
            .register(registry)
            .labelValues();
    replicationLag =
        Histogram.builder()
            .name("zk2zk_replication_lag_seconds")
            .help(
                "From a change detected on the source (path marked dirty) to its write on the"
                    + " target")
            .constLabels(daemon)
            .classicOnly()
            .classicUpperBounds(LAG_BUCKETS)
            .withoutExemplars()
            .register(registry);
    leader =
        Gauge.builder()
            .name("zk2zk_leader")
            .help("1 when this instance syncs, 0 while it stands by")
            .constLabels(daemon)
            .register(registry);
    leader.set(1);

    // From the last complete pass only: absent until the first one, so that no 0 reads as "in
    // sync" before anything was compared.
    GaugeWithCallback.builder()
        .name("zk2zk_nodes")
        .help("Nodes this daemon manages per side, as counted by the last complete reconcile pass")
        .constLabels(daemon)
        .labelNames("side")
        .callback(
            cb -> {
              LastPass p = lastPass;
              if (p != null) {
                cb.call(p.source(), "source");
                cb.call(p.target(), "target");
              }
            })
        .register(registry);
    lastPassGauge(
        "zk2zk_changed_nodes",
        "Writes the last complete reconcile pass had to make (ChangedNodeCount); 0 when in sync",
        daemon,
        p -> (double) p.changed());
    lastPassGauge(
        "zk2zk_last_reconcile_end_timestamp_seconds",
        "When the last complete reconcile pass ended, seconds since the epoch",
        daemon,
        p -> p.endEpochMillis() / 1000.0);
    lastPassGauge(
        "zk2zk_last_reconcile_duration_seconds",
        "How long the last complete reconcile pass took",
        daemon,
        p -> p.took().toNanos() / 1e9);

    GaugeWithCallback.builder()
        .name("zk2zk_reconcile_running")
        .help("1 while a full reconcile pass runs")
        .constLabels(daemon)
        .callback(cb -> cb.call(running != null ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("zk2zk_reconcile_read_nodes")
        .help("Nodes the running reconcile pass has read so far per side")
        .constLabels(daemon)
        .labelNames("side")
        .callback(
            cb -> {
              PassProgress p = running;
              if (p != null) {
                cb.call(p.sourceRead(), "source");
                cb.call(p.targetRead(), "target");
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("zk2zk_dirty_paths")
        .help("Changed paths waiting to be synced")
        .constLabels(daemon)
        .callback(
            cb -> {
              DirtyPaths d = dirty;
              if (d != null) {
                cb.call(d.pendingCount());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("zk2zk_source_watch_heap_bytes")
        .help(
            "Heap the per-node watches on a 3.4/3.5 source take, estimated from the nodes the"
                + " last pass walked, or the current one once it has walked more (0 with a"
                + " persistent recursive watch)")
        .constLabels(daemon)
        .callback(cb -> cb.call(watchHeap.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("zk2zk_heap_max_bytes")
        .help("This JVM's maximum heap (-Xmx), beside zk2zk_source_watch_heap_bytes")
        .constLabels(daemon)
        .callback(cb -> cb.call(Runtime.getRuntime().maxMemory()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("zk2zk_connected")
        .help("1 while this daemon's session to that side is connected")
        .constLabels(daemon)
        .labelNames("side")
        .callback(
            cb -> {
              HealthCheck c = connections;
              if (c != null) {
                c.forEach((side, connected) -> cb.call(connected ? 1 : 0, side));
              }
            })
        .register(registry);
  }

  private void lastPassGauge(
      String name,
      String help,
      Labels daemon,
      java.util.function.ToDoubleFunction<LastPass> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .constLabels(daemon)
        .callback(
            cb -> {
              LastPass p = lastPass;
              if (p != null) {
                cb.call(value.applyAsDouble(p));
              }
            })
        .register(registry);
  }

  /** The registry to serve. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Sets {@code zk2zk_leader}: whether this instance syncs (1, the default) or stands by (0). */
  public void leader(boolean syncing) {
    leader.set(syncing ? 1 : 0);
  }

  /** Serves {@code zk2zk_dirty_paths} from this set and measures replication lag against it. */
  public void track(DirtyPaths dirtyPaths) {
    this.dirty = dirtyPaths;
  }

  /** Serves {@code zk2zk_source_watch_heap_bytes} from this estimate. */
  public void trackWatchHeap(java.util.function.LongSupplier bytes) {
    this.watchHeap = bytes;
  }

  /** Serves {@code zk2zk_connected} from this watch. */
  public void track(HealthCheck watch) {
    this.connections = watch;
  }

  /** A reconcile pass started; its counts so far are served until it ends. */
  void passStarted(PassProgress progress) {
    running = progress;
  }

  /** A reconcile pass ended, complete or not. */
  void passEnded(PassProgress progress) {
    if (running == progress) {
      running = null;
    }
  }

  /** A reconcile pass completed: its counts become the node gauges. */
  void passCompleted(long source, long target, long changed, Duration took) {
    lastPass = new LastPass(source, target, changed, took, System.currentTimeMillis());
    passes.inc();
  }

  @Override
  public void written(AuditOperation op, boolean success, String extra, String path) {
    if (Outcome.DRY_RUN.equals(extra)) {
      // decided, not sent: neither a write nor a lag sample
      writes.labelValues(op.name(), Outcome.DRY_RUN).inc();
      return;
    }
    CounterDataPoint c = (success ? writeSuccesses : writeFailures).get(op);
    if (c != null) {
      c.inc();
    }
    DirtyPaths d = dirty;
    if (success && d != null) {
      OptionalLong since = d.markedAt(path);
      if (since.isPresent()) {
        replicationLag.observe((System.nanoTime() - since.getAsLong()) / 1e9);
      }
    }
  }

  @Override
  public void alarmed(String path) {
    alarms.inc();
  }

  @Override
  public void conflicted(String path) {
    conflicts.inc();
  }
}
