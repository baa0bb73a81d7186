package io.zk2zk.reconcile;

import io.zk2zk.apply.WriteOp;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.metrics.PassProgress;
import io.zk2zk.metrics.ReconcileProgress;
import io.zk2zk.metrics.SyncMetrics;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.common.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full reconcile pass: walk the trees level by level (reads pipelined, a level at a time, so
 * memory holds a level's paths, not the tree) and find the paths whose rule asks for a write. The
 * walk's reads only nominate: every write is decided again by {@link PathSync} from reads made
 * under the path's claim, because a worker may have synced the path since the walk read it.
 * Deletions wait for the end of the walk, happen only if the walk read everything, and only if they
 * pass the mass-delete guard.
 *
 * <p>all_sync walks S and T in lockstep (T's extra nodes are rule 11's deletions). t_sync walks T
 * (its source) for ephemerals, and visits the paths its records name.
 */
public final class FullReconcile {

  private static final Logger log = LoggerFactory.getLogger(FullReconcile.class);

  private final SyncContext ctx;
  private final boolean lockstep;
  private final PathSync pathSync;
  private final SequenceCounters sequenceCounters;
  private final Set<String> reportedBadRecords = new HashSet<>();
  private final ReconcileProgress progress;

  public FullReconcile(SyncContext ctx, boolean lockstep) {
    this(ctx, lockstep, null);
  }

  /**
   * @param metrics told about every pass (null for none)
   */
  public FullReconcile(SyncContext ctx, boolean lockstep, SyncMetrics metrics) {
    this.ctx = ctx;
    this.lockstep = lockstep;
    this.pathSync = new PathSync(ctx);
    this.sequenceCounters = new SequenceCounters(ctx);
    this.progress =
        new ReconcileProgress(ReconcileProgress.intervalFromSystemProperty(), metrics, log);
  }

  /**
   * Chunks whose writes may wait for or run on the pass's writers while the walk reads on: enough
   * to keep reading and writing overlapped, few enough that their reads stay a small part of the
   * heap.
   */
  private static final int WRITES_QUEUED = 3;

  /**
   * Chunks of one level written at once: while one is decided and its outcomes audited, the other's
   * batches keep T busy.
   */
  private static final int WRITERS = 2;

  /** What one pass has seen so far. */
  private static final class Pass {
    long source;
    long target;
    long changed;
    final List<String> deletions = new ArrayList<>();
    final Set<String> protectedPaths = new HashSet<>();
    final Set<String> unreadable = new HashSet<>();
    Set<String> records;
    PathSync.RecordListing recordListing;
    Set<String> unvisitedRecords;
    PassProgress progress;
    // Positions in the level (and the next) whose parent was absent on T: absent there as well
    // (ZooKeeper has no orphans), so all_sync does not read them on T.
    BitSet absentOnTarget = new BitSet();
    BitSet nextAbsentOnTarget = new BitSet();
    int nextStart;
  }

  /** A chunk claimed, its reads sent and their replies not collected yet. */
  private record Reading(
      List<String> chunk, Set<String> claimed, NodeReader.Pending src, NodeReader.Pending tgt) {}

  /** Runs one pass and writes its progress line; throws if a side failed before the walk ended. */
  public PassResult run() throws SideUnavailableException, InterruptedException {
    long started = System.nanoTime();
    Pass pass = new Pass();
    pass.progress = progress.begin(this::expectedSourceNodes);
    try {
      return run(pass, started);
    } finally {
      pass.progress.ended();
    }
  }

  private PassResult run(Pass pass, long started)
      throws SideUnavailableException, InterruptedException {
    pass.records = listRecords(pass);
    pass.unvisitedRecords = new HashSet<>(pass.records);
    int chunkSize = ctx.config().tuning().reconcileBatch();

    try (PassWriter writer = new PassWriter(ctx.dirty(), WRITES_QUEUED, WRITERS)) {
      try {
        walk(pass, chunkSize, writer);
      } catch (InterruptedException e) {
        writer.abandonNow();
        throw e;
      }
    }
    if (!lockstep) {
      // t_sync: records naming paths the walk of T did not meet (gone from T)
      List<String> rest = new ArrayList<>();
      for (String p : pass.unvisitedRecords) {
        if (ctx.scope().contains(p)) {
          rest.add(p);
        }
      }
      for (int from = 0; from < rest.size(); from += chunkSize) {
        stepRecorded(rest.subList(from, Math.min(rest.size(), from + chunkSize)), pass);
        reportProgress(pass);
      }
    }
    applyDeletions(pass);
    pass.progress.completed(pass.source, pass.target, pass.changed);
    ctx.audit().progress(pass.source, pass.target, pass.changed);
    log.info(
        "reconcile pass done in {} ms: source {} nodes, target {} nodes, {} changes",
        (System.nanoTime() - started) / 1_000_000,
        pass.source,
        pass.target,
        pass.changed);
    return new PassResult(true, pass.source, pass.target, pass.changed);
  }

  /**
   * Walks the trees level by level. Three stages overlap: the next chunk's reads travel while this
   * one is decided, and its writes go to the pass's writers, which send them while the walk reads
   * on (two chunks of a level at a time; a level's writes after those of the level above). Returns
   * once every write of the walk is done.
   */
  private void walk(Pass pass, int chunkSize, PassWriter writer)
      throws SideUnavailableException, InterruptedException {
    List<String> level = List.of(ctx.scope().root());
    for (int depth = 0; !level.isEmpty(); depth++) {
      List<String> next = new ArrayList<>();
      Reading ahead = startReading(level, 0, chunkSize, pass);
      try {
        for (int from = 0; from < level.size(); from += chunkSize) {
          Reading current = ahead;
          ahead = null;
          boolean handedOver = false;
          try {
            if (from + chunkSize < level.size()) {
              ahead = startReading(level, from + chunkSize, chunkSize, pass);
            }
            pass.nextStart = next.size();
            Walked walked = step(current, pass);
            next.addAll(walked.next());
            handedOver = true; // from here the writer releases the claim
            pass.changed += writer.submit(depth, current.claimed(), walked.writes());
            reportProgress(pass);
          } finally {
            if (!handedOver) {
              ctx.dirty().release(current.claimed());
            }
          }
        }
      } finally {
        if (ahead != null) {
          ctx.dirty().release(ahead.claimed());
        }
      }
      level = next;
      pass.absentOnTarget = pass.nextAbsentOnTarget;
      pass.nextAbsentOnTarget = new BitSet();
    }
    pass.changed += writer.drain();
  }

  /**
   * Claims the chunk of {@code level} that starts at {@code from}, then sends its reads. Claimed
   * before reading: the walk's reads are then reads under the claim, and a nominated write is
   * decided from them instead of from a second read of both sides.
   */
  private Reading startReading(List<String> level, int from, int chunkSize, Pass pass) {
    List<String> chunk = level.subList(from, Math.min(level.size(), from + chunkSize));
    Set<String> claimed = ctx.dirty().tryClaim(chunk);
    try {
      NodeReader.Pending src =
          NodeReader.issue(ctx.source(), chunk, true, ctx.sourceWatcher(), ctx.config().copyAcl());
      // all_sync reads T for every path not known to be absent there: both sides at once
      NodeReader.Pending tgt =
          lockstep
              ? NodeReader.issue(
                  ctx.target(),
                  notAbsentOnTarget(chunk, from, pass),
                  true,
                  null,
                  ctx.config().copyAcl())
              : null;
      return new Reading(chunk, claimed, src, tgt);
    } catch (RuntimeException e) {
      ctx.dirty().release(claimed);
      throw e;
    }
  }

  /** A chunk walked: the next level's paths it found, and its writes, not sent yet. */
  private record Walked(List<String> next, PassWriter.ChunkWrites writes) {}

  private Walked step(Reading reading, Pass pass)
      throws SideUnavailableException, InterruptedException {
    List<String> chunk = reading.chunk();
    Set<String> claimed = reading.claimed();
    List<NodeReader.Result> src = reading.src().get();
    if (ctx.perNodeWatches()) {
      pathSync.watchMissingRoot(src);
    }
    List<NodeReader.Result> tgt =
        lockstep
            ? withAbsent(chunk, reading.tgt().get())
            : readTargetForTSync(chunk, src, pass.records);
    pass.progress.read(existing(src), existing(tgt));
    List<String> next = new ArrayList<>();
    List<Integer> writes = new ArrayList<>(); // positions in the chunk
    for (int i = 0; i < chunk.size(); i++) {
      String p = chunk.get(i);
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.error() != null || t.error() != null) {
        ctx.audit().alarm(p, "cannot read: " + (s.error() != null ? s.error() : t.error()).name());
        pass.unreadable.add(p);
        continue;
      }
      pass.unvisitedRecords.remove(p);
      if (ctx.scope().contains(p)) {
        if (nominate(new PathView(p, s.state(), t.state(), pass.records.contains(p)), pass)) {
          writes.add(i);
        }
        if (lockstep && t.state().isEphemeral()) {
          protectAncestors(p, pass.protectedPaths);
        }
      }
      if (s.state().children() != null && ctx.seenChildren() != null && s.state().exists()) {
        // the walk visits every child itself: only remember what the source showed
        ctx.seenChildren().update(p, s.state().children());
      }
      Collection<String> children =
          childrenOfEither(s.state().children(), lockstep ? t.state().children() : null);
      boolean absentOnTarget = lockstep && !t.state().exists();
      for (String c : children) {
        String child = SyncScope.child(p, c);
        if (ctx.scope().walks(child)) {
          if (absentOnTarget) {
            pass.nextAbsentOnTarget.set(pass.nextStart + next.size());
          }
          next.add(child);
        }
      }
    }
    PathSync.RecordListing listing = pass.recordListing;
    return new Walked(
        next,
        () -> {
          int changed = syncNominated(writes, chunk, src, tgt, claimed, listing);
          if (lockstep) {
            alignSequenceCounters(chunk, src, tgt);
          }
          return changed;
        });
  }

  /**
   * The union of both sides' children; most nodes of a large tree are leaves, or have the same
   * children on both sides, and get no set of their own.
   */
  private static Collection<String> childrenOfEither(List<String> source, List<String> target) {
    if (target == null || target.isEmpty()) {
      return source != null ? source : List.of();
    }
    if (source == null || source.isEmpty() || source.equals(target)) {
      return target;
    }
    Set<String> union = new LinkedHashSet<>(source);
    union.addAll(target);
    return union;
  }

  private static long existing(List<NodeReader.Result> reads) {
    long n = 0;
    for (NodeReader.Result r : reads) {
      if (r.state() != null && r.state().exists()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The nodes a walk will read on the source, for the first pass's ETA: ZooKeeper 3.6+ counts a
   * subtree's descendants in one request; the excluded subtrees are not walked. Negative when
   * unknown (older servers: the first pass reports "ETA unknown").
   */
  private long expectedSourceNodes() throws InterruptedException {
    String root = ctx.scope().root();
    OptionalLong below = ctx.source().countDescendants(root);
    if (below.isEmpty()) {
      return -1;
    }
    long total = below.getAsLong() + 1;
    for (String excluded : SyncScope.EXCLUDED_ROOTS) {
      if (SyncScope.parent(excluded).equals(root)) {
        OptionalLong n = ctx.source().countDescendants(excluded);
        if (n.isPresent()) {
          total -= n.getAsLong() + 1;
        }
      }
    }
    return total;
  }

  /**
   * Decides and applies the nominated writes of a chunk from the walk's reads, made under the
   * claim; a path a worker held is synced by it and once more after it.
   *
   * @param positions the nominated paths' positions in the chunk
   * @return the writes decided, plus the nominated paths a worker held
   */
  private int syncNominated(
      List<Integer> positions,
      List<String> chunk,
      List<NodeReader.Result> src,
      List<NodeReader.Result> tgt,
      Set<String> claimed,
      PathSync.RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    if (positions.isEmpty()) {
      return 0;
    }
    List<NodeReader.Result> s = new ArrayList<>(positions.size());
    List<NodeReader.Result> t = new ArrayList<>(positions.size());
    int held = 0;
    for (int i : positions) {
      if (claimed.contains(chunk.get(i))) {
        s.add(src.get(i));
        t.add(tgt.get(i));
      } else {
        held++;
      }
    }
    return pathSync.decideAndApply(s, t, false, listing) + held;
  }

  /** The chunk's paths whose parent the walk found present on T. */
  private static List<String> notAbsentOnTarget(List<String> chunk, int from, Pass pass) {
    BitSet absent = pass.absentOnTarget.get(from, from + chunk.size());
    if (absent.isEmpty()) {
      return chunk;
    }
    List<String> out = new ArrayList<>(chunk.size() - absent.cardinality());
    for (int i = 0; i < chunk.size(); i++) {
      if (!absent.get(i)) {
        out.add(chunk.get(i));
      }
    }
    return out;
  }

  /**
   * One result per chunk path: the reads of those read, ABSENT for the others, as a read would have
   * answered when their parent was read. (Such a node created on T since then gets a create that
   * finds it, then a sync from fresh reads.)
   */
  private static List<NodeReader.Result> withAbsent(
      List<String> chunk, List<NodeReader.Result> read) {
    if (read.size() == chunk.size()) {
      return read;
    }
    List<NodeReader.Result> out = new ArrayList<>(chunk.size());
    int j = 0;
    for (String p : chunk) {
      if (j < read.size() && read.get(j).path().equals(p)) {
        out.add(read.get(j++));
      } else {
        out.add(new NodeReader.Result(p, NodeState.ABSENT, null));
      }
    }
    return out;
  }

  /** t_sync only needs S where T holds an ephemeral or a record names the path. */
  private List<NodeReader.Result> readTargetForTSync(
      List<String> chunk, List<NodeReader.Result> src, Set<String> records)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>();
    for (NodeReader.Result s : src) {
      if (s.state() != null && (ctx.rules().needsTarget(s.state()) || records.contains(s.path()))) {
        wanted.add(s.path());
      }
    }
    return NodeReader.readOnly(ctx.target(), chunk, wanted, ctx.config().copyAcl());
  }

  /**
   * Counts the path and nominates it for a deletion at the end of the walk; returns true when it
   * asks for a write or an alarm now.
   */
  private boolean nominate(PathView v, Pass pass) {
    if (ctx.rules().countsAsSource(v)) {
      pass.source++;
    }
    if (ctx.rules().countsAsTarget(v)) {
      pass.target++;
    }
    Decision d = ctx.rules().decide(v);
    if (d.action() instanceof Action.Delete) {
      pass.deletions.add(v.path());
      return false;
    }
    return d.writes() || d.action() instanceof Action.Alarm;
  }

  private static void protectAncestors(String path, Set<String> protectedPaths) {
    for (String a = SyncScope.parent(path); !"/".equals(a); a = SyncScope.parent(a)) {
      if (!protectedPaths.add(a)) {
        return;
      }
    }
  }

  /**
   * Claims the nominated paths no worker holds and syncs them from fresh reads; the others are
   * synced by their worker and once more after it.
   *
   * @return the writes decided from the fresh reads
   */
  private int syncClaimed(List<String> paths)
      throws InterruptedException, SideUnavailableException {
    if (paths.isEmpty()) {
      return 0;
    }
    Set<String> claimed = ctx.dirty().tryClaim(paths);
    try {
      // a path a worker holds still needed a write: it counts, so that a pass whose changes the
      // workers made does not report "0 changes" beside unequal counts
      return pathSync.sync(new ArrayList<>(claimed), Set.of(), false)
          + (paths.size() - claimed.size());
    } finally {
      ctx.dirty().release(claimed);
    }
  }

  private void stepRecorded(List<String> chunk, Pass pass)
      throws SideUnavailableException, InterruptedException {
    List<NodeReader.Result> src = NodeReader.read(ctx.source(), chunk, false, null);
    List<NodeReader.Result> tgt = NodeReader.read(ctx.target(), chunk, false, null);
    List<String> writes = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.error() != null || t.error() != null) {
        pass.unreadable.add(chunk.get(i));
        continue;
      }
      if (nominate(new PathView(chunk.get(i), s.state(), t.state(), true), pass)) {
        writes.add(chunk.get(i));
      }
    }
    pass.changed += syncClaimed(writes);
  }

  private void applyDeletions(Pass pass) throws InterruptedException, SideUnavailableException {
    if (pass.deletions.isEmpty()) {
      return;
    }
    List<String> candidates = new ArrayList<>();
    for (String p : pass.deletions) {
      if (underUnreadable(p, pass.unreadable)) {
        continue;
      }
      if (pass.protectedPaths.contains(p)) {
        ctx.audit().alarm(p, "kept: absent on source but a live ephemeral below it must stay");
        continue;
      }
      candidates.add(p);
    }
    int percent = ctx.config().massDeletePercent();
    long managed = pass.target;
    if (percent < 100
        && candidates.size() >= ctx.config().massDeleteMinimum()
        && candidates.size() * 100L > managed * percent) {
      String why =
          String.format(
              "mass-delete guard: this pass would delete %d of the %d nodes this daemon manages on"
                  + " its target (more than %d%%); nothing deleted. Is --srcAddr the right"
                  + " ensemble? If the deletions are intended, restart with --maxDeletePercent 100.",
              candidates.size(), managed, percent);
      log.error(why);
      ctx.audit().alarm(ctx.scope().root(), why);
      pass.changed += candidates.size();
      return;
    }
    // deepest first; each is decided again from fresh reads (a definite NoNode on the source)
    candidates.sort((a, b) -> Integer.compare(SyncScope.depth(b), SyncScope.depth(a)));
    int chunkSize = ctx.config().tuning().reconcileBatch();
    for (int from = 0; from < candidates.size(); from += chunkSize) {
      pass.changed +=
          syncClaimed(candidates.subList(from, Math.min(candidates.size(), from + chunkSize)));
      reportProgress(pass);
    }
  }

  /** A progress line if the interval has passed (deletions can take long too). */
  private static void reportProgress(Pass pass) {
    pass.progress.changes(pass.changed);
    pass.progress.maybeLog();
  }

  private static boolean underUnreadable(String path, Set<String> unreadable) {
    for (String p = path; !"/".equals(p); p = SyncScope.parent(p)) {
      if (unreadable.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** all_sync: T's sequence counter of every synced parent at or above S's. */
  private void alignSequenceCounters(
      List<String> chunk, List<NodeReader.Result> src, List<NodeReader.Result> tgt)
      throws InterruptedException {
    Map<String, Long> raise = new HashMap<>();
    for (int i = 0; i < chunk.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.state() == null
          || t.state() == null
          || !s.state().exists()
          || t.state().isEphemeral()
          || s.nextSequence() == 0
          || !ctx.scope().contains(s.path())) {
        continue;
      }
      long n = SequenceCounters.shortfall(s, t, missingOnTarget(s, t));
      if (n > 0) {
        raise.put(s.path(), n);
      }
    }
    sequenceCounters.raise(raise);
  }

  /** How many of the source's children the target lacks (all of them below a new copy). */
  private static int missingOnTarget(NodeReader.Result s, NodeReader.Result t) {
    List<String> onTarget = t.state().children();
    if (onTarget == null || onTarget.isEmpty()) {
      return s.state().children().size();
    }
    Set<String> missing = new HashSet<>(s.state().children());
    missing.removeAll(onTarget);
    return missing.size();
  }

  /**
   * All records on T, as the paths they name. A name that does not decode to a valid path names
   * nothing: t_sync removes it, all_sync ignores it; either way it is reported once. The listing
   * itself answers the walk's record checks for as long as no record is created or deleted.
   */
  private Set<String> listRecords(Pass pass) throws SideUnavailableException, InterruptedException {
    ZkSide side = ctx.recordSide();
    Reply r = ZkSide.await(side.getChildren(SyncScope.MIGRATION_ROOT, null), side.replyTimeout());
    if (r.isTransient()) {
      throw new SideUnavailableException("cannot list records: " + r.code());
    }
    if (r.code() == Code.NONODE) {
      return Set.of();
    }
    if (!r.ok()) {
      throw new SideUnavailableException(
          "cannot list " + SyncScope.MIGRATION_ROOT + " on T: " + r.code());
    }
    if (r.stat() != null) {
      pass.recordListing =
          new PathSync.RecordListing(Set.copyOf(r.children()), r.stat().getPzxid());
    }
    Set<String> out = new HashSet<>(r.children().size() * 2);
    List<WriteOp> malformed = new ArrayList<>();
    for (String name : r.children()) {
      String path = decodeRecord(name);
      if (path != null) {
        out.add(path);
        continue;
      }
      if (reportedBadRecords.add(name)) {
        log.warn(
            "record {}/{} does not name a valid path{}",
            SyncScope.MIGRATION_ROOT,
            name,
            lockstep ? "; ignored" : "; removing it");
      }
      if (!lockstep) {
        malformed.add(new WriteOp.Delete(SyncScope.MIGRATION_ROOT + "/" + name, -1));
      }
    }
    if (!malformed.isEmpty()) {
      ctx.recordWriter().apply(malformed);
    }
    return out;
  }

  private static String decodeRecord(String name) {
    try {
      String path = RecordName.unescape(name);
      PathUtils.validatePath(path);
      return path;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
