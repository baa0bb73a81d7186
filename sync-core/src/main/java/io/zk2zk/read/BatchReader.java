package io.zk2zk.read;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.Provenance;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.records.RecordListing;
import io.zk2zk.records.RecordListings;
import io.zk2zk.source.BlindCreates;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first stage of a batch: reads its paths on both sides now (both at once where the rules look
 * at the target for every path), keeps the source's watches armed, and answers the record checks
 * the rules ask for; after the decision, confirms the copies that hold no record. A node that
 * cannot be read gets an {@code Alarm} line and is left out; the rest of the batch goes on.
 */
public final class BatchReader {

  private final ZkSide source;
  private final ZkSide target;
  private final DaemonKind kind;
  private final SyncRules rules;
  private final SyncScope scope;
  private final MigrationRecords records;
  private final RecordListings listings;
  private final WatchUpkeep watches;
  private final DirtyPaths dirty;
  private final UnreadableNodes unreadable;
  private final boolean withAcl;
  private final OriginReader origins;
  private final SourceHorizon horizon;
  private final BlindCreates blind;

  /** The most paths of a watch-driven batch whose new ephemerals are created without a T read. */
  private static final int BLIND_BATCH_MOST = 32;

  /**
   * @param dirty where paths that changed meanwhile are marked (null for a reader that only
   *     decides, such as verify)
   * @param unreadable told about each node that cannot be read
   * @param withAcl read each node's ACL too ({@code --copyAcl})
   * @param horizon what the daemon's passes tell of the source's history (null for a reader that
   *     only decides, such as verify)
   */
  public BatchReader(
      ZkSide source,
      ZkSide target,
      DaemonKind kind,
      SyncScope scope,
      MigrationRecords records,
      WatchUpkeep watches,
      DirtyPaths dirty,
      UnreadableNodes unreadable,
      boolean withAcl,
      SourceHorizon horizon) {
    this(source, target, kind, scope, records, watches, dirty, unreadable, withAcl, horizon, null);
  }

  /**
   * As above; with {@code blind} (all_sync's workers), new ephemerals on S are created on T without
   * reading T first.
   */
  public BatchReader(
      ZkSide source,
      ZkSide target,
      DaemonKind kind,
      SyncScope scope,
      MigrationRecords records,
      WatchUpkeep watches,
      DirtyPaths dirty,
      UnreadableNodes unreadable,
      boolean withAcl,
      SourceHorizon horizon,
      BlindCreates blind) {
    this.blind = blind;
    this.horizon = horizon;
    this.origins =
        new OriginReader(
            kind, kind.recordsOnTarget() ? target : source, target, unreadable, withAcl);
    this.source = source;
    this.target = target;
    this.kind = kind;
    this.rules = kind.rules();
    this.scope = scope;
    this.records = records;
    this.listings = new RecordListings(records);
    this.watches = watches;
    this.dirty = dirty;
    this.unreadable = unreadable;
    this.withAcl = withAcl;
  }

  /**
   * Reads paths the caller has claimed.
   *
   * @param childrenChanged paths whose children may have changed (per-node watch mode)
   */
  public BatchViews read(List<String> candidates, Set<String> childrenChanged, Trigger trigger)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>(candidates.size());
    for (String p : candidates) {
      // "/" is never synced, but in per-node mode its children are watched
      if (scope.contains(p) || ("/".equals(p) && childrenChanged.contains(p))) {
        paths.add(p);
      }
    }
    if (paths.isEmpty()) {
      return BatchViews.EMPTY;
    }
    // taken before the source reads, so that a listing still current after them covers them
    RecordListing listing = trigger == Trigger.CHANGE ? listings.latest() : null;
    // a few paths: what a registration costs is latency, saved by not reading T for it; a big
    // batch is a burst, whose throughput gains more from reading both sides at once
    boolean blindable =
        blind != null && trigger == Trigger.CHANGE && paths.size() <= BLIND_BATCH_MOST;
    NodeReader.Pending tgtReads =
        kind.walksTarget() && !blindable
            ? NodeReader.issue(target, paths, false, null, withAcl)
            : null;
    List<NodeReader.Result> src =
        NodeReader.read(source, paths, watches.perNode(), watches.watcher(), withAcl);
    watches.afterRead(source, src);
    List<NodeReader.Result> tgt =
        tgtReads != null
            ? tgtReads.get()
            : blindable ? readTargetUnlessBlind(src) : readTargetWhereNeeded(src);
    watches.markNewChildren(src);
    return views(src, tgt, listing, trigger);
  }

  /**
   * all_sync, watch-driven: T is read for every path but the new ephemerals on S, which are created
   * on T without a read (a placeholder says absent; {@link BlindCreates}). S is near the ops host,
   * T often far: one round trip to T per registration instead of two.
   */
  private List<NodeReader.Result> readTargetUnlessBlind(List<NodeReader.Result> src)
      throws SideUnavailableException, InterruptedException {
    List<String> all = new ArrayList<>(src.size());
    List<String> wanted = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      all.add(s.path());
      NodeState st = s.state();
      if (st == null
          || !scope.contains(s.path())
          || !blind.skipTargetRead(s.path(), st.isEphemeral(), st.version())) {
        wanted.add(s.path());
      }
    }
    List<NodeReader.Result> tgt = NodeReader.readOnly(target, all, wanted, withAcl);
    for (NodeReader.Result t : tgt) {
      if (t.state() != null && !t.state().exists()) {
        blind.readAbsent(t.path());
      }
    }
    return tgt;
  }

  /** What the daemon's passes tell of the source's history, or null (verify). */
  public SourceHorizon horizon() {
    return horizon;
  }

  /**
   * The views of reads made under the paths' claim ({@code src} and {@code tgt}: one read per path,
   * in the same order, a placeholder where the rule does not look at the target). {@code listing},
   * when not null, answers the record checks if still current after the reads.
   */
  public BatchViews views(
      List<NodeReader.Result> src, List<NodeReader.Result> tgt, RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    return views(src, tgt, listing, Trigger.PASS);
  }

  /**
   * As above; a pass's reads (not a watch's) also tell whether each source node stayed unchanged
   * since the last complete pass, so that a difference there is known to be a conflict.
   */
  private BatchViews views(
      List<NodeReader.Result> src,
      List<NodeReader.Result> tgt,
      RecordListing listing,
      Trigger trigger)
      throws SideUnavailableException, InterruptedException {
    boolean judged = horizon != null && trigger == Trigger.PASS;
    List<PathView> views = new ArrayList<>(src.size());
    List<String> needRecord = new ArrayList<>();
    for (int i = 0; i < src.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (!readable(s, "source") || !readable(t, "target") || !scope.contains(s.path())) {
        continue;
      }
      if (!rules.needsTarget(s.state()) && !rules.needsProvenance(s.state(), t.state())) {
        continue; // decided by the source alone, and the decision is to do nothing
      }
      views.add(
          new PathView(
              s.path(),
              s.state(),
              t.state(),
              false,
              Provenance.NOT_READ,
              judged && horizon.settled(s.mzxid())));
      if (rules.needsRecord(s.state(), t.state())) {
        needRecord.add(s.path());
      }
    }
    boolean current = listing != null && !needRecord.isEmpty() && records.stillCurrent(listing);
    Set<String> recorded = records.recorded(needRecord, current ? listing : null);
    if (!recorded.isEmpty()) {
      views.replaceAll(v -> recorded.contains(v.path()) ? v.withRecorded(true) : v);
    }
    withProvenance(views);
    return new BatchViews(views, src, listing, current, needRecord.size());
  }

  /**
   * Adds where T's node came from to the views whose rule asks for it (rules 33–36), and what
   * all_sync's copy receipts say (rule 37); t_sync then reads S for the nodes a client created on
   * T. A view whose S node cannot be read is reported and left out.
   */
  public void withProvenance(List<PathView> views)
      throws SideUnavailableException, InterruptedException {
    origins.addTo(views);
  }

  /**
   * all_sync, rules 1–2: a persistent node on S without a record is copied to T only if it is still
   * the same node (same czxid) when read again after the record check. t_sync writes a record
   * before its copy and deletes it after, so a copy that was there at the first read and is still
   * there at the second had its record all the while: had it been a t_sync copy, the record check
   * in between would have seen it. Without this, a copy deleted together with its record between
   * the reads would be copied back to T as a ghost. A listing that stayed current from before the
   * reads until after them saw every record that existed meanwhile: nothing to confirm then.
   */
  public List<Decision> confirmUnrecordedCopies(List<Decision> decisions, BatchViews read)
      throws SideUnavailableException, InterruptedException {
    if (read.listingCurrent()) {
      return decisions;
    }
    Map<String, NodeReader.Result> firstReads = null;
    List<String> toConfirm = new ArrayList<>();
    for (Decision d : decisions) {
      if (d.action() instanceof Action.Create c && !c.withRecord()) {
        if (firstReads == null) {
          firstReads = bySourcePath(read.sourceReads());
        }
        NodeReader.Result first = firstReads.get(c.path());
        if (first != null && first.state().isPersistent()) {
          toConfirm.add(c.path());
        }
      }
    }
    if (toConfirm.isEmpty()) {
      return decisions;
    }
    Set<String> stale = new HashSet<>();
    for (NodeReader.Result again : NodeReader.read(source, toConfirm, false, null)) {
      NodeReader.Result first = firstReads.get(again.path());
      if (again.state() == null
          || !again.state().isPersistent()
          || again.czxid() != first.czxid()) {
        stale.add(again.path());
        dirty.mark(again.path()); // it changed meanwhile: decide again from fresh reads
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

  /** After a worker's batch: tells the kept record listing whether it answered. */
  public void done(BatchViews read, Trigger trigger) throws InterruptedException {
    if (trigger != Trigger.CHANGE || read.recordChecks() == 0) {
      return;
    }
    if (read.listingCurrent()) {
      listings.used(read.listing());
    } else {
      listings.missed(read.listing(), read.recordChecks());
    }
  }

  private static Map<String, NodeReader.Result> bySourcePath(List<NodeReader.Result> src) {
    Map<String, NodeReader.Result> out = new HashMap<>(src.size() * 2);
    for (NodeReader.Result s : src) {
      if (s.state() != null) {
        out.put(s.path(), s);
      }
    }
    return out;
  }

  /**
   * Reads the target for the paths whose rule depends on it; the others get a placeholder that no
   * rule looks at. (t_sync sees an event for every copy all_sync writes to T.)
   */
  private List<NodeReader.Result> readTargetWhereNeeded(List<NodeReader.Result> src)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>(src.size());
    List<String> all = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      all.add(s.path());
      if (s.state() != null && rules.needsTarget(s.state())) {
        wanted.add(s.path());
      }
    }
    return NodeReader.readOnly(target, all, wanted, withAcl);
  }

  private boolean readable(NodeReader.Result r, String side) {
    if (r.error() == null) {
      return true;
    }
    // e.g. NOAUTH: skip this node, say so, keep syncing the rest; the next pass retries
    unreadable.unreadable(r.path(), side, r.error().name());
    return false;
  }
}
