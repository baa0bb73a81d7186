package io.zk2zk.apply;

import io.zk2zk.audit.AuditLog;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.config.Credential;
import io.zk2zk.decide.AclEntry;
import io.zk2zk.decide.AclRights;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
import io.zk2zk.plan.PlannedWrite;
import io.zk2zk.plan.Purpose;
import io.zk2zk.plan.WritePlan;
import io.zk2zk.source.BlindCreates;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link WritePlan} step by step (each step's writes in {@code multi} batches) and follows
 * every outcome as the {@link io.zk2zk.outcome.OutcomePolicy} judges it: one monitor line per
 * write; a missing parent or children in the way escalate here ({@link Ancestors}, {@link
 * SubtreeDelete}); a node that changed since it was read, or a side that failed, is marked to be
 * read and decided again. A write whose prerequisite failed is not sent.
 */
public final class PlanExecutor {

  private static final Logger log = LoggerFactory.getLogger(PlanExecutor.class);

  private final Applier targetWriter;
  private final RecordWriter records;
  private final Ancestors ancestors;
  private final SubtreeDelete subtrees;
  private final DirtyPaths dirty;
  private final AuditLog audit;
  private final CopyAcl copyAcl;
  private final BlindCreates blind;
  // a kept node is reported once while the daemon runs, not at every pass
  private final OncePerPath keptReported = new OncePerPath(10_000);
  private final OncePerPath conflictReported = new OncePerPath(10_000);

  /**
   * @param copyAcl the ACL a copy is created with
   */
  public PlanExecutor(
      Applier targetWriter,
      RecordWriter records,
      Ancestors ancestors,
      SubtreeDelete subtrees,
      DirtyPaths dirty,
      AuditLog audit,
      CopyAcl copyAcl) {
    this(targetWriter, records, ancestors, subtrees, dirty, audit, copyAcl, null);
  }

  /**
   * As above; {@code blind} (all_sync) tells which creates were sent without reading T first: one
   * that found the node there writes no monitor line and is decided again from reads.
   */
  public PlanExecutor(
      Applier targetWriter,
      RecordWriter records,
      Ancestors ancestors,
      SubtreeDelete subtrees,
      DirtyPaths dirty,
      AuditLog audit,
      CopyAcl copyAcl,
      BlindCreates blind) {
    this.blind = blind;
    this.copyAcl = copyAcl;
    this.targetWriter = targetWriter;
    this.records = records;
    this.ancestors = ancestors;
    this.subtrees = subtrees;
    this.dirty = dirty;
    this.audit = audit;
  }

  /**
   * Executes the plan.
   *
   * @return the paths created on the target
   */
  public List<String> execute(WritePlan plan)
      throws InterruptedException, SideUnavailableException {
    for (Decision d : plan.alarms()) {
      String path = d.action().path();
      if (d.conflict() != null) {
        // counted each time; a line once per path while the daemon runs (a Dubbo process
        // rewrites its metadata node at every start, on both sides during a migration)
        audit.conflict(
            path, d.conflict() + " (rule " + d.rule() + ")", conflictReported.firstTime(path));
      } else if (!(d.action() instanceof Action.Keep) || keptReported.firstTime(path)) {
        audit.alarm(path, reasonOf(d));
      }
    }
    List<String> created = new ArrayList<>();
    BitSet succeeded = new BitSet();
    Map<String, String> carryTokens = new HashMap<>(); // this plan's carries
    for (WritePlan.Step step : plan.steps()) {
      List<PlannedWrite> sendable = new ArrayList<>(step.writes().size());
      List<WriteOp> ops = new ArrayList<>(step.writes().size());
      for (PlannedWrite w : step.writes()) {
        if (w.requires() < 0 || succeeded.get(w.requires())) {
          sendable.add(w);
          ops.add(toOp(w, carryTokens));
        }
      }
      List<Outcome> outs =
          step.side() == Purpose.Side.RECORDS ? records.write(ops) : targetWriter.apply(ops);
      for (int i = 0; i < sendable.size(); i++) {
        PlannedWrite w = sendable.get(i);
        if (follow(w, outs.get(i))) {
          succeeded.set(w.id());
          if (w.purpose() == Purpose.CREATE
              || w.purpose() == Purpose.CARRY
              || w.purpose() == Purpose.CREATE_WITH_RECEIPT) {
            created.add(w.path());
          }
        }
      }
    }
    return created;
  }

  private static String reasonOf(Decision d) {
    String reason =
        d.action() instanceof Action.Keep k ? k.reason() : ((Action.Alarm) d.action()).reason();
    return reason + " (rule " + d.rule() + ")";
  }

  /**
   * The write of {@code w}. A carry's record, copy and marker name one token, made here when the
   * record is written: a marker left by an earlier, interrupted carry never passes for this one's.
   */
  private WriteOp toOp(PlannedWrite w, Map<String, String> carryTokens) {
    return switch (w.purpose()) {
      case RECORD_FIRST, RESTORE_RECORD -> RecordWriter.create(w.path());
      case RECORD_AFTER_DELETE, DROP_RECORD -> RecordWriter.delete(w.path());
      case RECORD_CARRYING -> {
        String token = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        carryTokens.put(w.path(), token);
        yield RecordWriter.create(w.path(), RecordName.carrying(token));
      }
      case RECORD_CARRIED -> RecordWriter.set(w.path(), w.data());
      case CREATE -> {
        checkRights(w.path(), w.acl());
        yield new WriteOp.Create(w.path(), w.data(), copyAcl.of(w.acl()));
      }
      case CARRY -> {
        checkRights(w.path(), w.acl());
        yield new WriteOp.Create(
            w.path(),
            w.data(),
            copyAcl.of(w.acl()),
            new WriteOp.Create.Companion(
                SyncScope.markerPath(w.path(), carryTokens.get(w.path())), new byte[0]));
      }
      case CREATE_WITH_RECEIPT -> {
        checkRights(w.path(), w.acl());
        yield new WriteOp.Create(
            w.path(),
            w.data(),
            copyAcl.of(w.acl()),
            new WriteOp.Create.Companion(
                SyncScope.receiptPath(w.path()), CopyReceipt.data(w.receiptCzxid()), w.version()));
      }
      case DROP_RECEIPT -> new WriteOp.Delete(SyncScope.receiptPath(w.path()), w.version());
      case DROP_MARKER ->
          new WriteOp.Delete(SyncScope.markerPath(w.path(), carryTokens.get(w.path())), -1);
      case SET_DATA -> new WriteOp.SetData(w.path(), w.data());
      case SET_ACL -> {
        checkRights(w.path(), w.acl());
        yield new WriteOp.SetAcl(w.path(), copyAcl.of(w.acl()));
      }
      case DELETE, DELETE_WITH_RECORD -> new WriteOp.Delete(w.path(), w.version());
    };
  }

  /** Audits and follows up one write's outcome; returns whether it succeeded. */
  private boolean follow(PlannedWrite w, Outcome o)
      throws InterruptedException, SideUnavailableException {
    Verdict v = o.verdict(w.purpose().request());
    String path = w.path();
    switch (w.purpose()) {
      case RESTORE_RECORD -> {
        if (v.success()) {
          log.warn(
              "record of {} was missing; {}",
              path,
              o.notSent() ? "would restore it (dry run)" : "restored it");
        } else {
          log.warn("record of {} is missing and could not be restored: {}", path, o.code());
        }
      }
      case RECORD_FIRST, RECORD_CARRYING -> {
        if (w.purpose() == Purpose.RECORD_CARRYING && v == Verdict.ALREADY) {
          // the record of an earlier carry, or of the ephemeral the node once was: this carry's
          // token goes in, or its marker would not be recognised after an interruption
          o =
              records
                  .write(List.of(RecordWriter.set(path, ((WriteOp.Create) o.op()).data())))
                  .get(0);
          v = o.verdict(Request.SET_RECORD);
        }
        if (!v.success()) {
          // the copy is not written: all_sync must never see a copy without its record
          audit.write(AuditOperation.EventNodeCreated, false, "record " + o.extra(), path);
          remarkIfAsked(v, path);
        }
      }
      case DROP_RECEIPT -> {
        if (!v.success()) {
          // it names a node S no longer has: a later pass drops it
          log.warn("copy receipt {} on T not deleted: {}", o.op().path(), o.code());
          if (o.code() == org.apache.zookeeper.KeeperException.Code.BADVERSION) {
            dirty.mark(path); // written again since it was read: decide again from fresh reads
          } else {
            remarkIfAsked(v, path);
          }
        }
      }
      case DROP_MARKER -> {
        if (!v.success()) {
          // it names a token no record holds any more: it misleads nothing
          log.warn("carry marker {} on S not deleted: {}", o.op().path(), o.code());
        }
      }
      case RECORD_CARRIED -> {
        if (v == Verdict.CREATE_RECORD_INSTEAD) {
          o = records.write(List.of(RecordWriter.create(path, w.data()))).get(0);
          v = o.verdict(Request.CREATE_RECORD);
        }
        if (!v.success()) {
          // the node stays on both sides; the next pass says it again
          log.warn("record of {} not set to carried: {}", path, o.code());
          remarkIfAsked(v, path);
        }
      }
      case CREATE, CARRY, CREATE_WITH_RECEIPT -> {
        if (blind != null
            && w.purpose() == Purpose.CREATE
            && blind.answered(path, v == Verdict.ALREADY_DECIDE_AGAIN)) {
          dirty.mark(path); // created without reading T, which had the path: read it, decide
          return false;
        }
        if (v == Verdict.CREATE_ANCESTORS) {
          o = ancestors.createWith((WriteOp.Create) o.op());
          v = o.verdict(w.purpose().request());
        }
        if (v == Verdict.CREATE_ANCESTORS && w.purpose() != Purpose.CREATE) {
          // the parents are there: the companion's root is not (deleted by hand)
          String root =
              w.purpose() == Purpose.CARRY ? SyncScope.MIGRATION_ROOT : SyncScope.RECEIPTS;
          ZkSide side = targetWriter.side();
          if (w.purpose() == Purpose.CREATE_WITH_RECEIPT) {
            side.ensureExists(SyncScope.HA_ROOT, side.replyTimeout());
          }
          log.warn(
              "{} was missing on {}; created it again ({})",
              root,
              w.purpose() == Purpose.CARRY ? "S" : "T",
              side.ensureExists(root, side.replyTimeout()));
          o = targetWriter.applyOne(o.op());
          v = o.verdict(w.purpose().request());
        }
        audit.write(AuditOperation.EventNodeCreated, o.success(), o.extra(), path);
        // created by someone else: its data still needs comparing; or the side failed for good
        remarkIfAsked(v, path);
      }
      case SET_DATA, SET_ACL -> {
        if (v == Verdict.DECIDE_AGAIN) {
          dirty.mark(path); // the target node vanished after it was read: look again
          return false;
        }
        String extra =
            w.purpose() == Purpose.SET_ACL && o.success() && !o.notSent() ? "acl" : o.extra();
        audit.write(AuditOperation.EventNodeDataChanged, o.success(), extra, path);
        remarkIfAsked(v, path);
      }
      case DELETE, DELETE_WITH_RECORD -> {
        if (v == Verdict.DECIDE_AGAIN) {
          dirty.mark(path); // changed since it was read: decide again from fresh reads
          return false;
        }
        if (v == Verdict.DELETE_SUBTREE) {
          o = subtrees.delete(path, w.version());
          if (o == null) {
            return false; // kept, and the reason was audited
          }
          v = o.verdict(w.purpose().request());
        }
        audit.write(
            w.purpose() == Purpose.DELETE_WITH_RECORD
                ? AuditOperation.MigrateEventNodeDeleteWithRecord
                : AuditOperation.EventNodeDeleted,
            o.success(),
            o.extra(),
            path);
        remarkIfAsked(v, path);
      }
      case RECORD_AFTER_DELETE -> {
        if (!v.success()) {
          log.warn("record {} not deleted: {}", o.op().path(), o.code());
        }
      }
      case DROP_RECORD ->
          log.info(
              "stale record {}: {}",
              o.op().path(),
              o.notSent() ? "would be removed (dry run)" : o.success() ? "removed" : o.code());
    }
    return o.success();
  }

  private void remarkIfAsked(Verdict v, String path) {
    if (v == Verdict.ALREADY_DECIDE_AGAIN || v == Verdict.RETRY_LATER) {
      dirty.mark(path); // retried with backoff already; once more later, never hot
    }
  }

  /**
   * {@code --copyAcl}: warns when a copied ACL would not let the daemon administer the node (it
   * could not keep it, or its children, in sync); a super identity is invisible from here.
   */
  private void checkRights(String path, List<AclEntry> acl) {
    if (acl == null) {
      return;
    }
    ZkSide side = targetWriter.side();
    List<String> digests = new ArrayList<>();
    for (Credential c : side.credentials()) {
      if ("digest".equals(c.scheme())) {
        digests.add(new String(c.secret(), StandardCharsets.UTF_8));
      }
    }
    if (!AclRights.grantsAll(acl, digests)) {
      log.warn(
          "copied ACL of {} does not grant this daemon's credentials all rights on the target;"
              + " it may be unable to keep {} and its children in sync (use --dstAuth with an"
              + " identity the ACL names, or a super identity)",
          path,
          path);
    }
  }
}
