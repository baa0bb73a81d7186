package io.zk2zk.verify;

import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import java.util.Locale;

/**
 * Turns a daemon's decision into a difference: a path is in sync exactly when its rule asks for no
 * write and raises no alarm. Pure: the rules themselves decide, this only names the outcome.
 */
public final class Classifier {

  private Classifier() {}

  /** The difference {@code decision} reveals about {@code view}, or {@code null} when none. */
  public static Difference classify(PathView view, Decision decision) {
    Action a = decision.action();
    DifferenceKind kind;
    String detail;
    if (a instanceof Action.None) {
      if (view.receipt().forThisNode() && view.source().exists() && !view.target().exists()) {
        // all_sync waits for t_sync to delete it on S: not in sync until it has
        return of(
            DifferenceKind.EXTRA,
            view,
            decision.rule(),
            "on the source only: taken on T by a client (rule 37), not deleted on S yet");
      }
      return null;
    } else if (a instanceof Action.Create) {
      kind = DifferenceKind.MISSING;
      detail = "missing on the target";
    } else if (a instanceof Action.Carry) {
      kind = DifferenceKind.MISSING;
      detail = "created on the target by a client, not carried to the source yet";
    } else if (a instanceof Action.Claim c) {
      kind = DifferenceKind.MISSING_RECORD;
      detail =
          "created on the target by a client, on the source too, no record says so"
              + (c.setData() ? ", and data differs" : "");
    } else if (a instanceof Action.SetData s) {
      kind = DifferenceKind.DATA;
      detail = s.acl() != null ? "data and ACL differ" : "data differs";
    } else if (a instanceof Action.SetAcl) {
      kind = DifferenceKind.ACL;
      detail = "ACL differs";
    } else if (a instanceof Action.Delete d) {
      kind = DifferenceKind.EXTRA;
      detail =
          view.receipt().forThisNode() && !view.source().exists()
              ? "taken on T by a client (rule 37), not deleted on S yet"
              : !d.withRecord()
                  ? "on the target only, absent on the source"
                  : view.target().isPersistent() && view.provenance().createdOnTarget()
                      ? "a client's node carried to the source, deleted there since"
                      : "a t_sync copy whose node is gone from T";
    } else if (a instanceof Action.RestoreRecord r) {
      kind = DifferenceKind.MISSING_RECORD;
      detail = "t_sync copy without its record" + (r.setData() ? ", and data differs" : "");
    } else if (a instanceof Action.DropReceipt) {
      kind = DifferenceKind.STRAY_RECORD;
      detail = "copy receipt naming a node gone from both sides";
    } else if (a instanceof Action.DropRecord) {
      kind = DifferenceKind.STRAY_RECORD;
      detail = "record naming nothing t_sync owns";
    } else if (a instanceof Action.Alarm al) {
      kind = DifferenceKind.CONFLICT;
      detail = al.reason();
    } else if (a instanceof Action.Keep k) {
      kind = DifferenceKind.KEPT;
      detail = k.reason();
    } else {
      throw new IllegalArgumentException("unknown action " + a);
    }
    return of(kind, view, decision.rule(), detail);
  }

  /** A path whose node could not be read on one side. */
  public static Difference unreadable(String path, String side, String code) {
    return new Difference(
        DifferenceKind.UNREADABLE,
        path,
        "",
        "unknown",
        -1,
        "unknown",
        -1,
        "cannot read on the " + side + ": " + code);
  }

  /** A record whose name does not decode to a valid path: t_sync removes it. */
  public static Difference malformedRecord(String recordPath) {
    return new Difference(
        DifferenceKind.STRAY_RECORD,
        recordPath,
        "",
        "absent",
        -1,
        "absent",
        -1,
        "record name does not decode to a valid path");
  }

  /** The warning for a node all_sync keeps on the target for a live ephemeral below it. */
  public static Difference kept(Difference extra) {
    return new Difference(
        DifferenceKind.KEPT,
        extra.path(),
        extra.rule(),
        extra.source(),
        extra.sourceBytes(),
        extra.target(),
        extra.targetBytes(),
        "absent on the source; kept for a live ephemeral below it");
  }

  static Difference of(DifferenceKind kind, PathView v, String rule, String detail) {
    return new Difference(
        kind,
        v.path(),
        rule,
        name(v.source()),
        bytes(v.source()),
        name(v.target()),
        bytes(v.target()),
        detail);
  }

  private static String name(NodeState s) {
    return s.kind().name().toLowerCase(Locale.ROOT);
  }

  private static int bytes(NodeState s) {
    return s.exists() && s.data() != null ? s.data().length : -1;
  }
}
