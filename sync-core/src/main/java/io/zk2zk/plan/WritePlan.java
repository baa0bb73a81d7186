package io.zk2zk.plan;

import io.zk2zk.decide.Action;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writes a batch's decisions ask for, in the order they must be sent (pure: {@code
 * WritePlanTest} is its table):
 *
 * <ol>
 *   <li>records first: a t_sync copy's record before the copy, a missing record restored, the
 *       record of a client's node on T that S has too said {@code carried};
 *   <li>creates parents first, then data and ACL updates (a restored record's copy last);
 *   <li>deletes children first;
 *   <li>records after: a carried node's record said {@code carried} once its copy is on S; the
 *       record or receipt of a deleted node, then stale records;
 *   <li>last, the markers of the carries whose records say carried now.
 * </ol>
 *
 * A write that {@link PlannedWrite#requires() requires} another is sent only if that one succeeded.
 * Alarms write nothing; they are listed to be reported first, with the conflicts the writes undo.
 */
public record WritePlan(List<Decision> alarms, List<Step> steps, int decidedWrites) {

  /** Writes sent together to one side, after every write of the steps before. */
  public record Step(Purpose.Side side, List<PlannedWrite> writes) {}

  /** The plan of {@code decisions}, each the decision for a different path. */
  public static WritePlan of(List<Decision> decisions) {
    return new Builder().build(decisions);
  }

  private static final class Builder {
    private int next;
    private final List<PlannedWrite> records = new ArrayList<>();
    private final List<PlannedWrite> copies = new ArrayList<>();
    private final List<PlannedWrite> deletes = new ArrayList<>();
    private final List<PlannedWrite> recordsAfter = new ArrayList<>();

    private PlannedWrite add(
        List<PlannedWrite> step,
        Purpose purpose,
        int requires,
        String path,
        byte[] data,
        List<io.zk2zk.decide.AclEntry> acl,
        int version) {
      PlannedWrite w = new PlannedWrite(next++, purpose, requires, path, data, acl, version);
      step.add(w);
      return w;
    }

    WritePlan build(List<Decision> decisions) {
      List<Decision> alarms = new ArrayList<>();
      List<Action.Create> creates = new ArrayList<>();
      Set<String> carries = new HashSet<>();
      List<Action> updates = new ArrayList<>();
      List<Action.Delete> deleteActions = new ArrayList<>();
      List<Action.RestoreRecord> restores = new ArrayList<>();
      List<Action.Claim> claims = new ArrayList<>();
      List<Action.DropRecord> drops = new ArrayList<>();
      List<Action.DropReceipt> dropReceipts = new ArrayList<>();
      int decided = 0;
      for (Decision d : decisions) {
        Action a = d.action();
        decided += d.writes() ? 1 : 0;
        if (a instanceof Action.Create c) {
          creates.add(c);
        } else if (a instanceof Action.Carry c) {
          creates.add(new Action.Create(c.path(), c.data(), true, c.acl()));
          carries.add(c.path());
        } else if (a instanceof Action.Claim c) {
          claims.add(c);
        } else if (a instanceof Action.SetData || a instanceof Action.SetAcl) {
          updates.add(a);
        } else if (a instanceof Action.Delete del) {
          deleteActions.add(del);
        } else if (a instanceof Action.RestoreRecord r) {
          restores.add(r);
        } else if (a instanceof Action.DropRecord r) {
          drops.add(r);
        } else if (a instanceof Action.DropReceipt r) {
          dropReceipts.add(r);
        } else if (a instanceof Action.Alarm || a instanceof Action.Keep) {
          alarms.add(d);
        }
        if (d.conflict() != null) {
          alarms.add(d); // reported, and its write planned as any other
        }
      }
      parentsFirst(creates);
      deleteActions.sort(
          Comparator.comparingInt((Action.Delete x) -> SyncScope.depth(x.path())).reversed());

      List<PlannedWrite> restoredCopies = new ArrayList<>();
      for (Action.RestoreRecord r : restores) {
        PlannedWrite record =
            add(records, Purpose.RESTORE_RECORD, -1, r.path(), new byte[0], null, -1);
        if (r.setData()) {
          restoredCopies.add(
              new PlannedWrite(-1, Purpose.SET_DATA, record.id(), r.path(), r.data(), null, -1));
        }
      }
      for (Action.Claim c : claims) {
        PlannedWrite record =
            add(records, Purpose.RECORD_CARRIED, -1, c.path(), RecordName.carried(), null, -1);
        if (c.setData()) {
          restoredCopies.add(
              new PlannedWrite(-1, Purpose.SET_DATA, record.id(), c.path(), c.data(), null, -1));
        }
      }
      List<Integer> recordOf = new ArrayList<>(creates.size());
      for (Action.Create c : creates) {
        Purpose first = carries.contains(c.path()) ? Purpose.RECORD_CARRYING : Purpose.RECORD_FIRST;
        recordOf.add(
            c.withRecord() ? add(records, first, -1, c.path(), new byte[0], null, -1).id() : -1);
      }
      List<PlannedWrite> markers = new ArrayList<>();
      for (int i = 0; i < creates.size(); i++) {
        Action.Create c = creates.get(i);
        boolean carry = carries.contains(c.path());
        CopyReceipt receipt = c.receipt();
        if (receipt.state() != CopyReceipt.State.NOT_READ
            && receipt.state() != CopyReceipt.State.UNREADABLE) {
          // an existing receipt is set, not deleted and created: its version only grows
          PlannedWrite w =
              new PlannedWrite(
                  next++,
                  Purpose.CREATE_WITH_RECEIPT,
                  -1,
                  c.path(),
                  c.data(),
                  c.acl(),
                  receipt.version(),
                  receipt.sourceCzxid());
          copies.add(w);
          continue;
        }
        PlannedWrite copy =
            add(
                copies,
                carry ? Purpose.CARRY : Purpose.CREATE,
                recordOf.get(i),
                c.path(),
                c.data(),
                c.acl(),
                -1);
        if (carry) {
          PlannedWrite carried =
              add(
                  recordsAfter,
                  Purpose.RECORD_CARRIED,
                  copy.id(),
                  c.path(),
                  RecordName.carried(),
                  null,
                  -1);
          markers.add(
              new PlannedWrite(-1, Purpose.DROP_MARKER, carried.id(), c.path(), null, null, -1));
        }
      }
      for (Action u : updates) {
        if (u instanceof Action.SetData s) {
          add(copies, Purpose.SET_DATA, -1, s.path(), s.data(), null, -1);
          if (s.acl() != null) {
            add(copies, Purpose.SET_ACL, -1, s.path(), null, s.acl(), -1);
          }
        } else if (u instanceof Action.SetAcl s) {
          add(copies, Purpose.SET_ACL, -1, s.path(), null, s.acl(), -1);
        }
      }
      for (PlannedWrite w : restoredCopies) {
        add(copies, w.purpose(), w.requires(), w.path(), w.data(), null, -1);
      }
      for (Action.Delete d : deleteActions) {
        PlannedWrite del =
            add(
                deletes,
                d.withRecord() ? Purpose.DELETE_WITH_RECORD : Purpose.DELETE,
                -1,
                d.path(),
                null,
                null,
                d.version());
        if (d.withRecord()) {
          add(recordsAfter, Purpose.RECORD_AFTER_DELETE, del.id(), d.path(), null, null, -1);
        }
        if (d.receipt().exists()) {
          add(
              recordsAfter,
              Purpose.DROP_RECEIPT,
              del.id(),
              d.path(),
              null,
              null,
              d.receipt().version());
        }
      }
      for (Action.DropReceipt r : dropReceipts) {
        add(recordsAfter, Purpose.DROP_RECEIPT, -1, r.path(), null, null, r.version());
      }
      for (Action.DropRecord r : drops) {
        add(recordsAfter, Purpose.DROP_RECORD, -1, r.path(), null, null, -1);
      }
      List<Step> steps = new ArrayList<>(4);
      addStep(steps, Purpose.Side.RECORDS, records);
      addStep(steps, Purpose.Side.TARGET, copies);
      addStep(steps, Purpose.Side.TARGET, deletes);
      addStep(steps, Purpose.Side.RECORDS, recordsAfter);
      List<PlannedWrite> dropped = new ArrayList<>(markers.size());
      for (PlannedWrite m : markers) {
        add(dropped, m.purpose(), m.requires(), m.path(), null, null, -1);
      }
      addStep(steps, Purpose.Side.TARGET, dropped);
      return new WritePlan(List.copyOf(alarms), List.copyOf(steps), decided);
    }

    private static void addStep(List<Step> steps, Purpose.Side side, List<PlannedWrite> writes) {
      if (!writes.isEmpty()) {
        steps.add(new Step(side, List.copyOf(writes)));
      }
    }
  }

  /**
   * Orders creates parents first (a stable sort by depth). A pass's batch is one level of the walk
   * and already in order: it is only checked, not sorted.
   */
  private static void parentsFirst(List<Action.Create> creates) {
    int previous = 0;
    for (Action.Create c : creates) {
      int depth = SyncScope.depth(c.path());
      if (depth < previous) {
        creates.sort(Comparator.comparingInt(a -> SyncScope.depth(a.path())));
        return;
      }
      previous = depth;
    }
  }
}
