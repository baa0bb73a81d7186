package io.zk2zk.decide;

/**
 * Rules 1–16 and 33–37: all_sync copies S to T, and keeps what clients create on T there.
 * Ephemerals on T belong to t_sync and are never touched.
 */
public final class AllSyncRules implements SyncRules {

  @Override
  public Decision decide(PathView v) {
    NodeState s = v.source();
    NodeState t = v.target();
    String p = v.path();
    return switch (s.kind()) {
      case PERSISTENT ->
          switch (t.kind()) {
            case ABSENT -> absentOnTarget(v);
            case PERSISTENT -> onBothSides("3", v);
            case EPHEMERAL -> new Decision("4", new Action.None(p));
          };
      case EPHEMERAL ->
          switch (t.kind()) {
            case ABSENT -> new Decision("5-6", new Action.Create(p, s.data(), false, s.acl()));
            case PERSISTENT -> onBothSides("7", v);
            case EPHEMERAL ->
                new Decision(
                    "8",
                    new Action.Alarm(p, "ephemeral on both sides: conflicting live registrations"));
          };
      case ABSENT ->
          switch (t.kind()) {
            case ABSENT ->
                CopyReceipt.keptFor(p) && v.receipt().exists()
                    ? new Decision("37", new Action.DropReceipt(p, v.receipt().version()))
                    : new Decision("9-10-13-14", new Action.None(p));
            case PERSISTENT -> absentOnSource(v);
            case EPHEMERAL -> new Decision("12-16", new Action.None(p));
          };
    };
  }

  /**
   * Persistent on S, absent on T: copied (rules 1–2), unless it is a t_sync copy whose ephemeral
   * just vanished on T (t_sync is removing it), or a copy a client on T took (rule 37: the receipt
   * names this very node; t_sync deletes it on S). A node without receipts that S has kept
   * unchanged since a pass copied it was deleted on T by a client: it is S's, so it is copied
   * again, and that is a conflict.
   */
  private static Decision absentOnTarget(PathView v) {
    String p = v.path();
    NodeState s = v.source();
    if (v.recorded()) {
      return new Decision("1-2", new Action.None(p));
    }
    // only sequential names have receipts; elsewhere a receipt read by mistake means nothing
    CopyReceipt receipt = CopyReceipt.keptFor(p) ? v.receipt() : CopyReceipt.NOT_READ;
    return switch (receipt.state()) {
      // taken on T, unless S's node has children T never had: then S's node wins (t_sync keeps
      // it), and it is copied again with its receipt
      case THIS_NODE ->
          s.numChildren() == 0
              ? new Decision("37", new Action.None(p))
              : new Decision(
                  "1-2-37",
                  new Action.Create(p, s.data(), false, s.acl(), receipt),
                  Conflict.deletedWithChildrenOnSource());
      case UNREADABLE ->
          new Decision(
              "37",
              new Action.Keep(
                  p, "not copied to the target: its copy receipt there cannot be read"));
      case NOT_READ, NONE, EARLIER_NODE -> {
        if (receipt.state() == CopyReceipt.State.NOT_READ && CopyReceipt.keptFor(p)) {
          throw new IllegalArgumentException("rule 1-2/37 needs the copy receipt of " + v);
        }
        Action create = new Action.Create(p, s.data(), false, s.acl(), receipt);
        String rule = receipt.state() == CopyReceipt.State.NOT_READ ? "1-2" : "1-2-37";
        yield v.sourceSettled()
            ? new Decision(rule, create, Conflict.deleted("T", "S"))
            : new Decision(rule, create);
      }
    };
  }

  /**
   * On both sides, persistent on T: S's data wins (rules 3, 7), unless a client created the node on
   * T: then it is T's, and t_sync carries T's data to S (rule 35). Where S's node is known to be
   * unchanged since a pass aligned T, a difference is a client's change on T: a conflict.
   */
  private static Decision onBothSides(String rule, PathView v) {
    Action update = updateIfDifferent(v.path(), v.source(), v.target());
    if (update instanceof Action.None) {
      return new Decision(rule, update);
    }
    return switch (v.provenance()) {
      case CREATED_ON_TARGET, CARRIED_TO_SOURCE, LANDED_ON_SOURCE ->
          new Decision("35", new Action.None(v.path()));
      // a node whose mark cannot be read keeps the treatment it had before marks; S's node
      // unchanged since a pass aligned T: a client changed T's copy
      case COPY_FROM_SOURCE, UNKNOWN ->
          v.sourceSettled() && !v.source().sameDataAs(v.target())
              ? new Decision(
                  rule, update, Conflict.report("T", "S", v.source().data(), v.target().data()))
              : new Decision(rule, update);
      case NOT_READ ->
          throw new IllegalArgumentException("rule " + rule + " needs the provenance of " + v);
    };
  }

  /**
   * Absent on S, persistent on T: a copy whose original S deleted goes (rules 11, 15); a node a
   * client created on T stays, for t_sync to carry to S (rule 33), until a client on S deletes the
   * carried copy (rule 36: then it goes with its record); where nothing tells which it is, it
   * stays, with a reason.
   */
  private static Decision absentOnSource(PathView v) {
    String p = v.path();
    return switch (v.provenance()) {
      // with the receipt of the copy, if it has one (rule 37)
      case COPY_FROM_SOURCE ->
          CopyReceipt.keptFor(p)
              ? new Decision(
                  "11-15-37", new Action.Delete(p, v.target().version(), false, v.receipt()))
              : new Decision("11-15", new Action.Delete(p, v.target().version(), false));
      // all_sync reads no carry marker: a landed carry is still one under way to it
      case CREATED_ON_TARGET, LANDED_ON_SOURCE -> new Decision("33", new Action.None(p));
      case CARRIED_TO_SOURCE ->
          new Decision("36", new Action.Delete(p, v.target().version(), true));
      case UNKNOWN ->
          new Decision(
              "33",
              new Action.Keep(
                  p,
                  "kept: absent on the source, and its origin mark cannot be read on the target"));
      case NOT_READ ->
          throw new IllegalArgumentException("rule 11-15/33 needs the provenance of " + p);
    };
  }

  @Override
  public boolean needsProvenance(NodeState source, NodeState target) {
    // absent on S (rules 11-15, 33, 36), or S's data or ACL would overwrite T's (3, 7 or 35)
    return target.isPersistent()
        && (!source.exists() || !source.sameDataAs(target) || source.aclDiffersFrom(target));
  }

  @Override
  public boolean needsReceipt(String path, NodeState source, NodeState target) {
    // rule 37: a copy a client on T took; a copy deleted from T takes its receipt along
    // and one whose node is gone from both sides is dropped
    return CopyReceipt.keptFor(path)
        && !source.isEphemeral()
        && !target.isEphemeral()
        && !(source.exists() && target.exists());
  }

  @Override
  public boolean needsTarget(NodeState source) {
    return true;
  }

  @Override
  public boolean needsRecord(NodeState source, NodeState target) {
    // rules 1-2 only: a copy of an ephemeral on S (5-6) is made whatever the records say, so a
    // registration on S costs no record check (one round trip to T less)
    return source.isPersistent() && !target.exists();
  }

  @Override
  public boolean countsAsSource(PathView v) {
    // every node on S except t_sync's copies (those hold a record)
    return v.source().exists() && !(v.recorded() && v.source().isPersistent());
  }

  @Override
  public boolean countsAsTarget(PathView v) {
    // a node T's clients created (rules 33-36) is t_sync's to count, as is its copy on S (that
    // holds a record); one S does not have is counted on neither side when its mark is unreadable
    return v.target().isPersistent()
        && !(v.recorded() && v.source().isPersistent())
        && !(!v.source().exists()
            && (v.provenance().createdOnTarget() || v.provenance() == Provenance.UNKNOWN));
  }

  /**
   * Data first; the ACL only when both were read ({@code --copyAcl}) and differ. Pure: the ACL is
   * compared only if the reader read it.
   */
  static Action updateIfDifferent(String path, NodeState from, NodeState to) {
    boolean aclDiffers = from.aclDiffersFrom(to);
    if (!from.sameDataAs(to)) {
      return new Action.SetData(path, from.data(), aclDiffers ? from.acl() : null);
    }
    return aclDiffers ? new Action.SetAcl(path, from.acl()) : new Action.None(path);
  }
}
