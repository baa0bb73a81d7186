package io.zk2zk.read;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.Provenance;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.records.CopyReceipts;
import io.zk2zk.records.OriginMarks;
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
 * The part of {@link BatchReader} that asks T where its nodes came from (origin marks, records,
 * carry markers: rules 33–36) and what all_sync's copy receipts say (rule 37), for the views whose
 * rule depends on it.
 */
final class OriginReader {

  private final DaemonKind kind;
  private final SyncRules rules;
  private final ZkSide target;
  private final OriginMarks marks;
  private final CopyReceipts receipts;
  private final UnreadableNodes unreadable;
  private final boolean withAcl;

  /**
   * @param t the global T, where marks, records and receipts are
   * @param target this daemon's target (t_sync: S, read for the nodes clients created on T)
   */
  OriginReader(
      DaemonKind kind, ZkSide t, ZkSide target, UnreadableNodes unreadable, boolean withAcl) {
    this.kind = kind;
    this.rules = kind.rules();
    this.target = target;
    this.marks = new OriginMarks(t);
    this.receipts = new CopyReceipts(t);
    this.unreadable = unreadable;
    this.withAcl = withAcl;
  }

  /**
   * Adds where T's node came from to the views whose rule asks for it (rules 33–36), and what
   * all_sync's copy receipts say (rule 37). t_sync, whose source is T, then reads S for the nodes a
   * client created on T: S is not read for the copies all_sync makes, which are nearly all the
   * persistent nodes on T. A view whose S node cannot be read is reported and left out.
   */
  void addTo(List<PathView> views) throws SideUnavailableException, InterruptedException {
    withReceipts(views);
    List<String> asked = new ArrayList<>();
    for (PathView v : views) {
      if (rules.needsProvenance(v.source(), v.target())) {
        asked.add(v.path());
      }
    }
    if (asked.isEmpty()) {
      return;
    }
    OriginMarks.Found read = marks.find(asked);
    Map<String, Provenance> found = read.provenance();
    views.replaceAll(v -> found.containsKey(v.path()) ? v.withProvenance(found.get(v.path())) : v);
    if (!kind.recordsOnTarget()) {
      readTargetOfClientNodes(views);
      landedCarries(views, read.carryTokens());
    }
  }

  /** Adds what all_sync's copy receipts on T say to the views whose rule asks (rule 37). */
  private void withReceipts(List<PathView> views)
      throws SideUnavailableException, InterruptedException {
    Map<String, Long> asked = null;
    for (PathView v : views) {
      if (rules.needsReceipt(v.path(), v.source(), v.target())) {
        if (asked == null) {
          asked = new HashMap<>();
        }
        // the receipt names S's node: all_sync's source, t_sync's target
        asked.put(v.path(), kind.recordsOnTarget() ? v.source().czxid() : v.target().czxid());
      }
    }
    if (asked == null) {
      return;
    }
    Map<String, CopyReceipt> found = receipts.read(asked);
    views.replaceAll(v -> found.containsKey(v.path()) ? v.withReceipt(found.get(v.path())) : v);
  }

  /**
   * t_sync: a client's node absent on S whose record says a carry is under way: if the carry's
   * marker is on S, the copy was created there with it (then deleted by a client on S, since it is
   * absent): the carry landed ({@link Provenance#LANDED_ON_SOURCE}) and is not made again.
   */
  private void landedCarries(List<PathView> views, Map<String, String> tokens)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>();
    List<String> markers = new ArrayList<>();
    for (PathView v : views) {
      String token = tokens.get(v.path());
      if (token != null && !v.target().exists()) {
        paths.add(v.path());
        markers.add(SyncScope.markerPath(v.path(), token));
      }
    }
    if (paths.isEmpty()) {
      return;
    }
    NodeReader.Presence[] present = NodeReader.exist(target, markers);
    Set<String> landed = new HashSet<>();
    Set<String> unknown = new HashSet<>();
    for (int i = 0; i < present.length; i++) {
      if (present[i] == NodeReader.Presence.PRESENT) {
        landed.add(paths.get(i));
      } else if (present[i] == NodeReader.Presence.UNKNOWN) {
        // neither carried again nor said carried (which would delete it from T): left for now
        unknown.add(paths.get(i));
        unreadable.unreadable(markers.get(i), "target", "marker of a carry");
      }
    }
    views.removeIf(v -> unknown.contains(v.path()));
    views.replaceAll(
        v -> landed.contains(v.path()) ? v.withProvenance(Provenance.LANDED_ON_SOURCE) : v);
  }

  /** t_sync: S's side of the persistent nodes a client created on T, read now. */
  private void readTargetOfClientNodes(List<PathView> views)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>();
    for (PathView v : views) {
      if (v.source().isPersistent() && v.provenance().createdOnTarget()) {
        wanted.add(v.path());
      }
    }
    if (wanted.isEmpty()) {
      return;
    }
    Map<String, NodeReader.Result> read = new HashMap<>(wanted.size() * 2);
    for (NodeReader.Result r : NodeReader.read(target, wanted, false, null, withAcl)) {
      read.put(r.path(), r);
    }
    List<PathView> out = new ArrayList<>(views.size());
    for (PathView v : views) {
      NodeReader.Result r = read.get(v.path());
      if (r == null) {
        out.add(v);
      } else if (readable(r, "target")) {
        out.add(v.withTarget(r.state()));
      }
    }
    views.clear();
    views.addAll(out);
  }

  private boolean readable(NodeReader.Result r, String side) {
    if (r.error() == null) {
      return true;
    }
    unreadable.unreadable(r.path(), side, r.error().name());
    return false;
  }
}
