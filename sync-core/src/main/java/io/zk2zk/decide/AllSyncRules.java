package io.zk2zk.decide;

/** Rules 1–16: all_sync copies S to T. Ephemerals on T belong to t_sync and are never touched. */
public final class AllSyncRules implements SyncRules {

  @Override
  public Decision decide(PathView v) {
    NodeState s = v.source();
    NodeState t = v.target();
    String p = v.path();
    return switch (s.kind()) {
      case PERSISTENT ->
          switch (t.kind()) {
            case ABSENT ->
                v.recorded()
                    // a t_sync copy whose ephemeral just vanished on T: t_sync is removing it
                    ? new Decision("1-2", new Action.None(p))
                    : new Decision("1-2", new Action.Create(p, s.data(), false, s.acl()));
            case PERSISTENT -> new Decision("3", updateIfDifferent(p, s, t));
            case EPHEMERAL -> new Decision("4", new Action.None(p));
          };
      case EPHEMERAL ->
          switch (t.kind()) {
            case ABSENT -> new Decision("5-6", new Action.Create(p, s.data(), false, s.acl()));
            case PERSISTENT -> new Decision("7", updateIfDifferent(p, s, t));
            case EPHEMERAL ->
                new Decision(
                    "8",
                    new Action.Alarm(p, "ephemeral on both sides: conflicting live registrations"));
          };
      case ABSENT ->
          switch (t.kind()) {
            case ABSENT -> new Decision("9-10-13-14", new Action.None(p));
            case PERSISTENT -> absentOnSource(v);
            case EPHEMERAL -> new Decision("12-16", new Action.None(p));
          };
    };
  }

  /**
   * Absent on S, persistent on T: a copy whose original S deleted goes (rules 11, 15); a node a
   * client created on T stays (rule 33); where nothing tells which it is, it stays too, with a
   * reason.
   */
  private static Decision absentOnSource(PathView v) {
    String p = v.path();
    return switch (v.provenance()) {
      case COPY_FROM_SOURCE ->
          new Decision("11-15", new Action.Delete(p, v.target().version(), false));
      case CREATED_ON_TARGET ->
          new Decision(
              "33",
              new Action.Keep(
                  p,
                  "kept: created on the target by a client (no origin mark), not a copy from the source"));
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
    return !source.exists() && target.isPersistent();
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
    // a node T's clients created (rule 33) is theirs, not a counterpart of anything on S
    return v.target().isPersistent()
        && !(needsProvenance(v.source(), v.target())
            && v.provenance() != Provenance.COPY_FROM_SOURCE
            && v.provenance() != Provenance.NOT_READ);
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
