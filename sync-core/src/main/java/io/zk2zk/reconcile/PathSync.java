package io.zk2zk.reconcile;

import io.zk2zk.apply.Outcome;
import io.zk2zk.apply.WriteOp;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.config.Credential;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.AclEntry;
import io.zk2zk.decide.AclRights;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.source.SeenChildren;
import io.zk2zk.zk.Acls;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a batch of claimed paths the level-triggered way: read each path on both sides now, decide
 * by the rules, apply the writes (creates parents first, deletes children first), audit every
 * write. The workers use it for watch-driven changes; a full reconcile pass uses it for the paths
 * its walk found different, so that every write is decided from reads made under the claim.
 */
public final class PathSync {

  private static final Logger log = LoggerFactory.getLogger(PathSync.class);

  /** Names ending in ten digits look like sequential nodes, whose parent's counter matters. */
  private static final Pattern SEQUENTIAL = Pattern.compile(".*\\d{10}$");

  private final SyncContext ctx;
  private final SequenceCounters sequenceCounters;
  private final RecordListings recordListings;

  public PathSync(SyncContext ctx) {
    this.ctx = ctx;
    this.sequenceCounters = new SequenceCounters(ctx);
    this.recordListings = new RecordListings(ctx.recordSide());
  }

  /** Syncs dirty paths taken from {@link DirtyPaths}; the caller releases them. */
  public void syncDirty(List<DirtyPaths.Entry> batch)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>(batch.size());
    Set<String> childrenChanged = new HashSet<>();
    for (DirtyPaths.Entry e : batch) {
      paths.add(e.path());
      if (e.childrenChanged()) {
        childrenChanged.add(e.path());
      }
    }
    sync(paths, childrenChanged, true);
  }

  /**
   * Reads, decides and applies for paths the caller has claimed.
   *
   * @param childrenChanged paths whose children may have changed (per-node watch mode)
   * @param watchDriven true for workers: also align sequence counters of parents of copied
   *     sequential-looking nodes and, in per-node mode, mark the children of new copies
   * @return the number of writes decided
   */
  public int sync(List<String> candidates, Set<String> childrenChanged, boolean watchDriven)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>(candidates.size());
    for (String p : candidates) {
      // "/" is never synced, but in per-node mode its children are watched
      if (ctx.scope().contains(p) || ("/".equals(p) && childrenChanged.contains(p))) {
        paths.add(p);
      }
    }
    if (paths.isEmpty()) {
      return 0;
    }
    boolean perNode = ctx.perNodeWatches();
    boolean acl = ctx.config().copyAcl();
    // taken before the source reads, so that a listing still current after them covers them
    RecordListing listing = watchDriven ? recordListings.latest() : null;
    // all_sync's rules look at the target for every path: both sides' reads in flight at once
    NodeReader.Pending tgtReads =
        ctx.config().kind() == DaemonKind.ALL_SYNC
            ? NodeReader.issue(ctx.target(), paths, false, null, acl)
            : null;
    List<NodeReader.Result> src =
        NodeReader.read(ctx.source(), paths, perNode, ctx.sourceWatcher(), acl);
    if (perNode) {
      watchMissingRoot(src);
    }
    List<NodeReader.Result> tgt = tgtReads != null ? tgtReads.get() : readTargetWhereNeeded(src);
    if (perNode) {
      visitNewChildren(src);
    }
    return decideAndApply(src, tgt, watchDriven, listing);
  }

  /**
   * Decides and applies from reads made under the paths' claim: {@code src} and {@code tgt} hold
   * one read per path, in the same order (a placeholder where the rule does not look at the
   * target).
   *
   * @return the number of writes decided
   */
  int decideAndApply(List<NodeReader.Result> src, List<NodeReader.Result> tgt, boolean watchDriven)
      throws SideUnavailableException, InterruptedException {
    return decideAndApply(src, tgt, watchDriven, null);
  }

  /**
   * The names under {@code /zk2zk_migration} as listed when its {@code pzxid} (the last change of
   * its children) was {@code pzxid}.
   */
  record RecordListing(Set<String> names, long pzxid) {}

  /**
   * As above; {@code listing}, when not null, answers the record checks while still current, and
   * then makes the confirming re-read of unrecorded copies unnecessary.
   */
  int decideAndApply(
      List<NodeReader.Result> src,
      List<NodeReader.Result> tgt,
      boolean watchDriven,
      RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    try {
      return decideAndApplyUnflushed(src, tgt, watchDriven, listing);
    } finally {
      ctx.audit().flush(); // the batch's monitor lines, in the file as the batch ends
    }
  }

  private int decideAndApplyUnflushed(
      List<NodeReader.Result> src,
      List<NodeReader.Result> tgt,
      boolean watchDriven,
      RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    List<PathView> views = new ArrayList<>(src.size());
    for (int i = 0; i < src.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (!readable(s) || !readable(t) || !ctx.scope().contains(s.path())) {
        continue;
      }
      if (!ctx.rules().needsTarget(s.state())) {
        continue; // decided by the source alone, and the decision is to do nothing
      }
      views.add(new PathView(s.path(), s.state(), t.state(), false));
    }
    int recordChecks = recordChecks(views);
    boolean listingCurrent = listing != null && recordChecks > 0 && stillCurrent(listing);
    views = withRecords(views, listingCurrent ? listing : null);
    List<Decision> decisions = new ArrayList<>(views.size());
    for (PathView v : views) {
      decisions.add(ctx.rules().decide(v));
    }
    Map<String, NodeReader.Result> sourceReads = new HashMap<>(src.size() * 2);
    Map<String, NodeState> sourceStates = new HashMap<>(src.size() * 2);
    for (NodeReader.Result s : src) {
      if (s.state() != null) {
        sourceReads.put(s.path(), s);
        sourceStates.put(s.path(), s.state());
      }
    }
    // A listing that stayed current from before these reads until after them saw every record
    // that existed meanwhile: an unrecorded node read then was no t_sync copy, nothing to confirm.
    int writes =
        apply(
            listingCurrent ? decisions : confirmUnrecordedCopies(decisions, sourceReads),
            sourceStates,
            watchDriven);
    if (watchDriven && recordChecks > 0) {
      if (listingCurrent) {
        recordListings.used(listing);
      } else {
        recordListings.missed(listing, recordChecks);
      }
    }
    return writes;
  }

  private int recordChecks(List<PathView> views) {
    int n = 0;
    for (PathView v : views) {
      if (ctx.rules().needsRecord(v.source(), v.target())) {
        n++;
      }
    }
    return n;
  }

  /**
   * all_sync, rules 1–2: a persistent node on S without a record is copied to T only if it is still
   * the same node (same czxid) when read again after the record check. t_sync writes a record
   * before its copy and deletes it after, so a copy that was there at the first read and is still
   * there at the second had its record all the while: had it been a t_sync copy, the record check
   * in between would have seen it. Without this, a copy deleted together with its record between
   * the reads would be copied back to T as a ghost.
   */
  private List<Decision> confirmUnrecordedCopies(
      List<Decision> decisions, Map<String, NodeReader.Result> firstReads)
      throws SideUnavailableException, InterruptedException {
    List<String> toConfirm = new ArrayList<>();
    for (Decision d : decisions) {
      if (d.action() instanceof Action.Create c
          && !c.withRecord()
          && firstReads.get(c.path()) != null
          && firstReads.get(c.path()).state().isPersistent()) {
        toConfirm.add(c.path());
      }
    }
    if (toConfirm.isEmpty()) {
      return decisions;
    }
    Set<String> stale = new HashSet<>();
    for (NodeReader.Result again : NodeReader.read(ctx.source(), toConfirm, false, null)) {
      NodeReader.Result first = firstReads.get(again.path());
      if (again.state() == null
          || !again.state().isPersistent()
          || again.czxid() != first.czxid()) {
        stale.add(again.path());
        ctx.dirty().mark(again.path()); // it changed meanwhile: decide again from fresh reads
      }
    }
    if (stale.isEmpty()) {
      return decisions;
    }
    List<Decision> out = new ArrayList<>(decisions.size());
    for (Decision d : decisions) {
      if (!stale.contains(d.action().path())) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Per-node mode: a read of a missing node leaves no watch, so when the synced root is missing, an
   * exists watch tells when it appears.
   */
  void watchMissingRoot(List<NodeReader.Result> src) throws InterruptedException {
    for (NodeReader.Result s : src) {
      if (s.path().equals(ctx.scope().root()) && s.state() != null && !s.state().exists()) {
        ZkSide.await(
            ctx.source().existsWatch(s.path(), ctx.sourceWatcher()), ctx.source().replyTimeout());
      }
    }
  }

  /**
   * Reads the target for the paths whose rule depends on it; the others get a placeholder that no
   * rule looks at. (t_sync sees an event for every copy all_sync writes to T.)
   */
  private List<NodeReader.Result> readTargetWhereNeeded(List<NodeReader.Result> src)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      if (s.state() != null && ctx.rules().needsTarget(s.state())) {
        wanted.add(s.path());
      }
    }
    List<NodeReader.Result> read =
        NodeReader.read(ctx.target(), wanted, false, null, ctx.config().copyAcl());
    if (read.size() == src.size()) {
      return read;
    }
    Map<String, NodeReader.Result> byPath = new HashMap<>();
    for (NodeReader.Result r : read) {
      byPath.put(r.path(), r);
    }
    List<NodeReader.Result> out = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      out.add(
          byPath.getOrDefault(s.path(), new NodeReader.Result(s.path(), NodeState.ABSENT, null)));
    }
    return out;
  }

  private boolean readable(NodeReader.Result r) {
    if (r.error() == null) {
      return true;
    }
    // e.g. NOAUTH: skip this node, say so, keep syncing the rest; the next pass retries
    ctx.audit().alarm(r.path(), "cannot read: " + r.error().name());
    return false;
  }

  /**
   * Per-node watch mode: every child that appeared or disappeared on the source since this parent
   * was last read is marked, so that it is read, and so watched, even if the other side already has
   * it. A node found absent is forgotten, so that a re-created one is new again.
   */
  private void visitNewChildren(List<NodeReader.Result> src) {
    SeenChildren seen = ctx.seenChildren();
    for (NodeReader.Result s : src) {
      if (s.state() == null) {
        continue;
      }
      if (!s.state().exists()) {
        seen.forget(s.path());
        continue;
      }
      if (s.state().children() == null) {
        continue;
      }
      for (String name : seen.update(s.path(), s.state().children())) {
        String child = SyncScope.child(s.path(), name);
        if (ctx.scope().walks(child)) {
          ctx.dirty().mark(child, true);
        }
      }
    }
  }

  /**
   * Fills in whether a record names each view's path where the rule depends on it, reading the
   * record side now. A record that cannot be read counts as present: that is the choice that
   * neither copies a t_sync copy back to T nor deletes anything.
   */
  List<PathView> withRecords(List<PathView> views)
      throws SideUnavailableException, InterruptedException {
    return withRecords(views, null);
  }

  /**
   * As above; {@code listing}, when given, is known to be current (no record created or deleted
   * since, by the parent's pzxid) and answers for every path instead of one read per path.
   */
  private List<PathView> withRecords(List<PathView> views, RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    List<String> needRecord = new ArrayList<>();
    for (PathView v : views) {
      if (ctx.rules().needsRecord(v.source(), v.target())) {
        needRecord.add(v.path());
      }
    }
    if (needRecord.isEmpty() || (listing != null && listing.names().isEmpty())) {
      return views; // nothing to check, or no record at all (a first migration's whole tree)
    }
    Set<String> recorded = new HashSet<>();
    if (listing != null) {
      for (String p : needRecord) {
        if (listing.names().contains(RecordName.escape(p))) {
          recorded.add(p);
        }
      }
    } else {
      List<String> recordPaths = new ArrayList<>(needRecord.size());
      for (String p : needRecord) {
        recordPaths.add(SyncScope.recordPath(p));
      }
      NodeReader.Presence[] presence = NodeReader.exist(ctx.recordSide(), recordPaths);
      for (int i = 0; i < presence.length; i++) {
        if (presence[i] != NodeReader.Presence.ABSENT) {
          recorded.add(needRecord.get(i));
        }
      }
    }
    List<PathView> out = new ArrayList<>(views.size());
    for (PathView v : views) {
      out.add(
          recorded.contains(v.path()) ? new PathView(v.path(), v.source(), v.target(), true) : v);
    }
    return out;
  }

  /**
   * Whether no record was created or deleted since the listing, read now. The {@code sync} first
   * makes the server this session reads from catch up with the leader, so that a record written
   * before the caller's source reads is seen even from a lagging follower.
   */
  private boolean stillCurrent(RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    ZkSide side = ctx.recordSide();
    // one session's requests are served in order: the exists is answered after the sync
    var syncing = side.sync(SyncScope.MIGRATION_ROOT);
    var checking = side.exists(SyncScope.MIGRATION_ROOT);
    Reply synced = ZkSide.await(syncing, side.replyTimeout());
    if (synced.isTransient()) {
      throw new SideUnavailableException(
          "cannot sync " + SyncScope.MIGRATION_ROOT + ": " + synced.code());
    }
    Reply r = ZkSide.await(checking, side.replyTimeout());
    if (r.isTransient()) {
      throw new SideUnavailableException(
          "cannot read " + SyncScope.MIGRATION_ROOT + ": " + r.code());
    }
    return r.ok() && r.stat() != null && r.stat().getPzxid() == listing.pzxid();
  }

  /**
   * Applies decisions. Records are written before the copies they name and deleted after; creates
   * go parents first, deletes children first.
   *
   * @return the number of writes decided
   */
  int apply(List<Decision> decisions, Map<String, NodeState> sourceStates, boolean watchDriven)
      throws InterruptedException, SideUnavailableException {
    List<Action.Create> creates = new ArrayList<>();
    List<Action> updates = new ArrayList<>();
    List<Action.Delete> deletes = new ArrayList<>();
    List<Action.DropRecord> drops = new ArrayList<>();
    List<Action.RestoreRecord> restores = new ArrayList<>();
    for (Decision d : decisions) {
      Action a = d.action();
      if (a instanceof Action.Create c) {
        creates.add(c);
      } else if (a instanceof Action.SetData || a instanceof Action.SetAcl) {
        updates.add(a);
      } else if (a instanceof Action.Delete del) {
        deletes.add(del);
      } else if (a instanceof Action.DropRecord r) {
        drops.add(r);
      } else if (a instanceof Action.RestoreRecord r) {
        restores.add(r);
      } else if (a instanceof Action.Alarm al) {
        ctx.audit().alarm(al.path(), al.reason() + " (rule " + d.rule() + ")");
      }
    }
    int writes = creates.size() + updates.size() + deletes.size() + drops.size() + restores.size();
    restoreRecords(restores, updates);
    applyCreatesAndUpdates(creates, updates, sourceStates, watchDriven);
    applyDeletes(deletes);
    if (!drops.isEmpty()) {
      List<WriteOp> ops = new ArrayList<>();
      for (Action.DropRecord r : drops) {
        ops.add(new WriteOp.Delete(SyncScope.recordPath(r.path()), -1));
      }
      for (Outcome o : ctx.recordWriter().apply(ops)) {
        log.info(
            "stale record {}: {}",
            o.op().path(),
            o.notSent() ? "would be removed (dry run)" : o.success() ? "removed" : o.code());
      }
    }
    return writes;
  }

  private void applyCreatesAndUpdates(
      List<Action.Create> creates,
      List<Action> updates,
      Map<String, NodeState> sourceStates,
      boolean watchDriven)
      throws InterruptedException {
    if (creates.isEmpty() && updates.isEmpty()) {
      return;
    }
    parentsFirst(creates);
    Set<String> recordFailed = writeRecordsFirst(creates);
    List<WriteOp> ops = new ArrayList<>(creates.size() + updates.size());
    for (Action.Create c : creates) {
      if (!recordFailed.contains(c.path())) {
        ops.add(new WriteOp.Create(c.path(), c.data(), Acls.toAcl(c.acl())));
        checkRights(c.path(), c.acl());
      }
    }
    for (Action u : updates) {
      if (u instanceof Action.SetData s) {
        ops.add(new WriteOp.SetData(s.path(), s.data()));
        if (s.acl() != null) {
          ops.add(new WriteOp.SetAcl(s.path(), Acls.toAcl(s.acl())));
          checkRights(s.path(), s.acl());
        }
      } else if (u instanceof Action.SetAcl a) {
        ops.add(new WriteOp.SetAcl(a.path(), Acls.toAcl(a.acl())));
        checkRights(a.path(), a.acl());
      }
    }
    Set<String> sequentialParents = new HashSet<>();
    for (Outcome o : ctx.targetWriter().apply(ops)) {
      String path = o.op().path();
      boolean create = o.op() instanceof WriteOp.Create;
      Outcome result = o;
      if (create && !o.success() && o.code() == Code.NONODE) {
        result = createWithAncestors((WriteOp.Create) o.op());
      }
      if (!create && !o.success() && o.code() == Code.NONODE) {
        ctx.dirty().mark(path); // the target node vanished after we read it: look again
        continue;
      }
      String extra =
          o.op() instanceof WriteOp.SetAcl && result.success() && !result.notSent()
              ? "acl"
              : result.extra();
      ctx.audit()
          .write(
              create ? AuditOperation.EventNodeCreated : AuditOperation.EventNodeDataChanged,
              result.success(),
              extra,
              path);
      if (create && result.success() && result.code() == Code.NODEEXISTS) {
        ctx.dirty().mark(path); // someone else created it: its data still needs comparing
      }
      if (!result.success() && result.code() != null && Reply.isTransient(result.code())) {
        ctx.dirty().mark(path); // the connection failed for good this time: try again later
      }
      if (watchDriven && create && result.success() && SEQUENTIAL.matcher(path).matches()) {
        sequentialParents.add(SyncScope.parent(path));
      }
    }
    // a reconcile pass aligns every parent it walks itself; this is for watch-driven copies
    if (watchDriven && ctx.config().kind() == DaemonKind.ALL_SYNC) {
      sequentialParents.removeIf(p -> !ctx.scope().contains(p));
      try {
        sequenceCounters.align(new ArrayList<>(sequentialParents));
      } catch (SideUnavailableException e) {
        log.debug("sequence counters not aligned now: {}; the next pass does", e.getMessage());
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

  /**
   * {@code --copyAcl}: warns when a copied ACL would not let the daemon administer the node (it
   * could not keep it, or its children, in sync); a super identity is invisible from here.
   */
  private void checkRights(String path, List<AclEntry> acl) {
    if (acl == null) {
      return;
    }
    List<String> digests = new ArrayList<>();
    for (Credential c : ctx.target().credentials()) {
      if ("digest".equals(c.scheme())) {
        digests.add(new String(c.secret(), java.nio.charset.StandardCharsets.UTF_8));
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

  /**
   * t_sync, rule 23 without a record (someone removed it): the copy on S is written again into the
   * record, so that all_sync keeps treating it as t_sync's and it is removed with its ephemeral.
   */
  private void restoreRecords(List<Action.RestoreRecord> restores, List<Action> updates)
      throws InterruptedException {
    if (restores.isEmpty()) {
      return;
    }
    List<WriteOp> ops = new ArrayList<>();
    for (Action.RestoreRecord r : restores) {
      ops.add(new WriteOp.Create(SyncScope.recordPath(r.path()), new byte[0]));
    }
    List<Outcome> outs = createRecords(ops);
    for (int i = 0; i < outs.size(); i++) {
      Action.RestoreRecord r = restores.get(i);
      if (outs.get(i).success()) {
        log.warn(
            "record of {} was missing; {}",
            r.path(),
            outs.get(i).notSent() ? "would restore it (dry run)" : "restored it");
        if (r.setData()) {
          updates.add(new Action.SetData(r.path(), r.data()));
        }
      } else {
        log.warn(
            "record of {} is missing and could not be restored: {}", r.path(), outs.get(i).code());
      }
    }
  }

  /** t_sync: the record first, so that all_sync never mistakes the copy for source data. */
  private Set<String> writeRecordsFirst(List<Action.Create> creates) throws InterruptedException {
    List<Action.Create> recorded = new ArrayList<>();
    for (Action.Create c : creates) {
      if (c.withRecord()) {
        recorded.add(c);
      }
    }
    Set<String> failed = new HashSet<>();
    if (recorded.isEmpty()) {
      return failed;
    }
    List<WriteOp> ops = new ArrayList<>();
    for (Action.Create c : recorded) {
      ops.add(new WriteOp.Create(SyncScope.recordPath(c.path()), new byte[0]));
    }
    List<Outcome> outs = createRecords(ops);
    for (int i = 0; i < outs.size(); i++) {
      Outcome o = outs.get(i);
      if (!o.success()) {
        String p = recorded.get(i).path();
        failed.add(p);
        ctx.audit().write(AuditOperation.EventNodeCreated, false, "record " + o.extra(), p);
        if (Reply.isTransient(o.code())) {
          ctx.dirty().mark(p); // retried with backoff already; once more later, never hot
        }
      }
    }
    return failed;
  }

  /**
   * Creates records; when {@code /zk2zk_migration} itself is gone (deleted by hand), it is created
   * again first, instead of failing every record until a restart.
   */
  private List<Outcome> createRecords(List<WriteOp> ops) throws InterruptedException {
    List<Outcome> outs = ctx.recordWriter().apply(ops);
    boolean parentMissing = false;
    for (Outcome o : outs) {
      parentMissing |= !o.success() && o.code() == Code.NONODE;
    }
    if (!parentMissing) {
      return outs;
    }
    Code rc =
        ctx.recordSide().ensureExists(SyncScope.MIGRATION_ROOT, ctx.recordSide().replyTimeout());
    log.warn("{} was missing on T; created it again ({})", SyncScope.MIGRATION_ROOT, rc);
    return ctx.recordWriter().apply(ops);
  }

  private Outcome createWithAncestors(WriteOp.Create create) throws InterruptedException {
    List<String> ancestors = new ArrayList<>();
    for (String p = SyncScope.parent(create.path()); !"/".equals(p); p = SyncScope.parent(p)) {
      ancestors.add(0, p);
    }
    try {
      NodeReader.Presence[] present = NodeReader.exist(ctx.target(), ancestors);
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < ancestors.size(); i++) {
        if (present[i] == NodeReader.Presence.ABSENT) {
          missing.add(ancestors.get(i));
        }
      }
      List<NodeReader.Result> src =
          NodeReader.read(ctx.source(), missing, false, null, ctx.config().copyAcl());
      List<WriteOp> ops = new ArrayList<>();
      for (NodeReader.Result r : src) {
        if (r.state() == null || !r.state().exists()) {
          // the ancestor is gone on the source too: the node will follow; look again later
          ctx.dirty().mark(create.path());
          return new Outcome(create, Code.NONODE, false, "parent gone on source");
        }
        ops.add(new WriteOp.Create(r.path(), r.state().data(), Acls.toAcl(r.state().acl())));
      }
      ops.add(create);
      List<Outcome> outs = ctx.targetWriter().apply(ops);
      for (int i = 0; i < outs.size() - 1; i++) {
        Outcome a = outs.get(i);
        ctx.audit().write(AuditOperation.EventNodeCreated, a.success(), a.extra(), a.op().path());
      }
      return outs.get(outs.size() - 1);
    } catch (SideUnavailableException e) {
      return new Outcome(create, Code.CONNECTIONLOSS, false, Code.CONNECTIONLOSS.name());
    }
  }

  private void applyDeletes(List<Action.Delete> deletes)
      throws InterruptedException, SideUnavailableException {
    if (deletes.isEmpty()) {
      return;
    }
    deletes.sort(
        Comparator.comparingInt((Action.Delete d) -> SyncScope.depth(d.path())).reversed());
    List<WriteOp> ops = new ArrayList<>(deletes.size());
    for (Action.Delete d : deletes) {
      ops.add(new WriteOp.Delete(d.path(), d.version()));
    }
    List<Outcome> outs = ctx.targetWriter().apply(ops);
    List<String> recordsToDrop = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      Outcome o = outs.get(i);
      Action.Delete d = deletes.get(i);
      AuditOperation op =
          d.withRecord()
              ? AuditOperation.MigrateEventNodeDeleteWithRecord
              : AuditOperation.EventNodeDeleted;
      if (!o.success() && o.code() == Code.NOTEMPTY) {
        o = new SubtreeDelete(ctx).delete(d);
      } else if (!o.success() && o.code() == Code.BADVERSION) {
        // changed since it was read: decide again from fresh reads
        ctx.dirty().mark(d.path());
        continue;
      }
      if (o == null) {
        continue; // kept, and the reason was audited
      }
      ctx.audit().write(op, o.success(), o.extra(), d.path());
      if (o.success() && d.withRecord()) {
        recordsToDrop.add(d.path());
      }
    }
    if (!recordsToDrop.isEmpty()) {
      List<WriteOp> ops2 = new ArrayList<>();
      for (String p : recordsToDrop) {
        ops2.add(new WriteOp.Delete(SyncScope.recordPath(p), -1));
      }
      List<Outcome> r = ctx.recordWriter().apply(ops2);
      for (Outcome o : r) {
        if (!o.success()) {
          log.warn("record {} not deleted: {}", o.op().path(), o.code());
        }
      }
    }
  }
}
