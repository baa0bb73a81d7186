package io.zk2zk.decide;

/**
 * Rules 17–32 and 34–37: t_sync copies T's ephemerals to S, and carries the persistent nodes
 * clients create on T. In a {@link PathView} of t_sync the source is T and the target is S; the
 * record lives on T.
 */
public final class TSyncRules implements SyncRules {

  @Override
  public Decision decide(PathView v) {
    NodeState t = v.source();
    NodeState s = v.target();
    String p = v.path();
    return switch (t.kind()) {
      case PERSISTENT -> persistentOnTarget(v);
      case EPHEMERAL ->
          switch (s.kind()) {
            case ABSENT -> new Decision("21-22", new Action.Create(p, t.data(), true, t.acl()));
            case PERSISTENT ->
                v.recorded()
                    ? new Decision("23", AllSyncRules.updateIfDifferent(p, t, s))
                    : new Decision("23", new Action.RestoreRecord(p, !t.sameDataAs(s), t.data()));
            case EPHEMERAL ->
                new Decision(
                    "24",
                    new Action.Alarm(p, "ephemeral on both sides: conflicting live registrations"));
          };
      case ABSENT ->
          switch (s.kind()) {
            case PERSISTENT -> absentOnTargetPersistentOnSource(v);
            // a record naming nothing of ours (nothing on S, or a live ephemeral there) is stale
            case ABSENT ->
                v.recorded()
                    ? new Decision("25-30", new Action.DropRecord(p))
                    : new Decision("25-30", new Action.None(p));
            case EPHEMERAL ->
                v.recorded()
                    ? new Decision("32", new Action.DropRecord(p))
                    : new Decision("32", new Action.None(p));
          };
    };
  }

  /**
   * A persistent node on T: a copy from S is all_sync's (17–20); a node a client created on T is
   * carried to S (34), its data kept equal to T's (35), and once carried, its absence on S means a
   * client there deleted it, which all_sync carries to T (36).
   */
  private static Decision persistentOnTarget(PathView v) {
    NodeState t = v.source();
    NodeState s = v.target();
    String p = v.path();
    return switch (v.provenance()) {
      case COPY_FROM_SOURCE -> new Decision("17-20", new Action.None(p));
      case UNKNOWN ->
          new Decision(
              "34",
              new Action.Keep(
                  p, "not carried to the source: its origin mark cannot be read on the target"));
      case CREATED_ON_TARGET ->
          switch (s.kind()) {
            case ABSENT -> new Decision("34", new Action.Carry(p, t.data(), t.acl()));
            // created on both sides: T's wins, and S's differing data is a conflict
            case PERSISTENT ->
                t.sameDataAs(s)
                    ? new Decision("35", new Action.Claim(p, false, t.data()))
                    : new Decision(
                        "35",
                        new Action.Claim(p, true, t.data()),
                        Conflict.report("S", "T", t.data(), s.data()));
            case EPHEMERAL -> bothKinds(p);
          };
      // the copy landed on S with its marker before a crash or an outage: the record says so now;
      // absent on S, a client there deleted it since (then all_sync deletes it on T, rule 36)
      case LANDED_ON_SOURCE ->
          switch (s.kind()) {
            case ABSENT -> new Decision("34", new Action.Claim(p, false, t.data()));
            case PERSISTENT -> new Decision("35", new Action.Claim(p, !t.sameDataAs(s), t.data()));
            case EPHEMERAL -> bothKinds(p);
          };
      case CARRIED_TO_SOURCE ->
          switch (s.kind()) {
            case ABSENT -> new Decision("36", new Action.None(p));
            // T's node unchanged since a pass aligned S: a client changed S's copy
            case PERSISTENT ->
                v.sourceSettled() && !t.sameDataAs(s)
                    ? new Decision(
                        "35",
                        AllSyncRules.updateIfDifferent(p, t, s),
                        Conflict.report("S", "T", t.data(), s.data()))
                    : new Decision("35", AllSyncRules.updateIfDifferent(p, t, s));
            case EPHEMERAL -> bothKinds(p);
          };
      case NOT_READ ->
          throw new IllegalArgumentException("rule 34-36 needs the provenance of " + p);
    };
  }

  /**
   * Absent on T, persistent on S: t_sync's copy of a vanished ephemeral goes with its record (rule
   * 31); all_sync's copy of S's node that a client on T took (its receipt names S's node as it is
   * now) is deleted on S (rule 37; all_sync then drops the receipt); anything else is all_sync's
   * (27).
   */
  private static Decision absentOnTargetPersistentOnSource(PathView v) {
    String p = v.path();
    NodeState s = v.target();
    if (v.recorded()) {
      return new Decision("31", new Action.Delete(p, s.version(), true));
    }
    if (v.receipt().state() == CopyReceipt.State.NOT_READ && CopyReceipt.keptFor(p)) {
      throw new IllegalArgumentException("rule 27/37 needs the copy receipt of " + v);
    }
    // a node S has children under was not simply taken: all_sync copies it again (rule 37)
    return CopyReceipt.keptFor(p) && v.receipt().forThisNode() && s.numChildren() == 0
        ? new Decision("37", new Action.Delete(p, s.version(), false))
        : new Decision("27", new Action.None(p));
  }

  private static Decision bothKinds(String p) {
    return new Decision(
        "35",
        new Action.Alarm(
            p, "a client's persistent node on the target, a live ephemeral on the source"));
  }

  @Override
  public boolean needsTarget(NodeState source) {
    // a persistent node on T needs S only if a client created it: asked after its provenance
    return !source.isPersistent();
  }

  @Override
  public boolean needsProvenance(NodeState source, NodeState target) {
    return source.isPersistent();
  }

  @Override
  public boolean needsReceipt(String path, NodeState source, NodeState target) {
    return CopyReceipt.keptFor(path) && !source.exists() && target.isPersistent();
  }

  @Override
  public boolean needsRecord(NodeState source, NodeState target) {
    // rule 31 needs it, and rule 23 restores a copy's missing record (rules 34-36 read the
    // record's data with the provenance)
    return !source.exists() || (source.isEphemeral() && target.isPersistent());
  }

  @Override
  public boolean countsAsSource(PathView v) {
    return v.source().isEphemeral()
        || (v.source().isPersistent() && v.provenance().createdOnTarget());
  }

  @Override
  public boolean countsAsTarget(PathView v) {
    return v.recorded() && v.target().exists();
  }
}
