package io.zk2zk.decide;

/**
 * Rules 17–32: t_sync copies T's ephemerals to S. In a {@link PathView} of t_sync the source is T
 * and the target is S; the record lives on T.
 */
public final class TSyncRules implements SyncRules {

  @Override
  public Decision decide(PathView v) {
    NodeState t = v.source();
    NodeState s = v.target();
    String p = v.path();
    return switch (t.kind()) {
      case PERSISTENT -> new Decision("17-20", new Action.None(p));
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
            case PERSISTENT ->
                v.recorded()
                    ? new Decision("31", new Action.Delete(p, s.version(), true))
                    : new Decision("27", new Action.None(p));
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

  @Override
  public boolean needsTarget(NodeState source) {
    return !source.isPersistent();
  }

  @Override
  public boolean needsRecord(NodeState source, NodeState target) {
    // rule 31 needs it, and rule 23 restores a copy's missing record
    return !source.exists() || (source.isEphemeral() && target.isPersistent());
  }

  @Override
  public boolean countsAsSource(PathView v) {
    return v.source().isEphemeral();
  }

  @Override
  public boolean countsAsTarget(PathView v) {
    return v.recorded() && v.target().exists();
  }
}
