package io.zk2zk.batch;

import io.zk2zk.apply.Ancestors;
import io.zk2zk.apply.Applier;
import io.zk2zk.apply.CopyAcl;
import io.zk2zk.apply.PlanExecutor;
import io.zk2zk.apply.RecordWriter;
import io.zk2zk.apply.SequenceCounters;
import io.zk2zk.apply.SubtreeDelete;
import io.zk2zk.apply.WriteGate;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.read.BatchReader;
import io.zk2zk.read.SourceHorizon;
import io.zk2zk.records.CarryMarkers;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.source.BlindCreates;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.zk.ZkSide;

/**
 * The stages of one sync pipeline, wired once per term: the batch script with its reader and
 * executor, the records, the sequence counters. Workers and full passes share them.
 *
 * @param counters all_sync's sequence counters, null for t_sync
 * @param markers t_sync's carry markers on S, null for all_sync
 */
public record SyncStages(
    BatchSync batch,
    MigrationRecords records,
    RecordWriter recordWriter,
    SequenceCounters counters,
    CarryMarkers markers) {

  /**
   * Wires the stages.
   *
   * @param electionSideGate asked before every write to the side holding the records, where an
   *     {@code --ha} election lives (T): it may fence the writes
   * @param otherSideGate asked before every write to the other side
   */
  public static SyncStages wire(
      SyncConfig config,
      SyncScope scope,
      ZkSide source,
      ZkSide target,
      WatchUpkeep watches,
      DirtyPaths dirty,
      AuditLog audit,
      WriteGate electionSideGate,
      WriteGate otherSideGate) {
    DaemonKind kind = config.kind();
    boolean dryRun = config.run().dryRun();
    ZkSide recordSide = kind.recordsOnTarget() ? target : source;
    Applier targetWriter =
        new Applier(
            target,
            config.tuning(),
            dryRun,
            kind.recordsOnTarget() ? electionSideGate : otherSideGate);
    MigrationRecords records = new MigrationRecords(recordSide);
    CopyAcl copyAcl = kind.marksCopies() ? CopyAcl.MARKED : CopyAcl.PLAIN;
    RecordWriter recordWriter =
        new RecordWriter(new Applier(recordSide, config.tuning(), dryRun, electionSideGate));
    SequenceCounters counters =
        kind.alignsSequenceCounters() ? new SequenceCounters(source, targetWriter) : null;
    // all_sync: registrations on S are created on T without reading T first
    BlindCreates blind = kind.walksTarget() ? new BlindCreates() : null;
    BatchReader reader =
        new BatchReader(
            source,
            target,
            kind,
            scope,
            records,
            watches,
            dirty,
            (path, side, code) -> audit.alarm(path, "cannot read: " + code),
            config.copyAcl(),
            new SourceHorizon(),
            blind);
    PlanExecutor executor =
        new PlanExecutor(
            targetWriter,
            recordWriter,
            new Ancestors(
                source, targetWriter, dirty, audit, config.copyAcl(), copyAcl, kind.marksCopies()),
            new SubtreeDelete(
                source, kind.rules(), records, recordWriter, targetWriter, dirty, audit),
            dirty,
            audit,
            copyAcl,
            blind);
    BatchSync batch = new BatchSync(reader, kind.rules(), executor, counters, scope, audit);
    CarryMarkers markers = kind.recordsOnTarget() ? null : new CarryMarkers(target, source);
    return new SyncStages(batch, records, recordWriter, counters, markers);
  }
}
