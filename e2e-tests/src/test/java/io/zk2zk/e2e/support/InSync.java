package io.zk2zk.e2e.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.apache.zookeeper.KeeperException;

/**
 * "In sync" exactly as docs/spec-operations.md defines it, checked by reading both ensembles with a
 * plain client (the whole tree, {@code --path /}):
 *
 * <ul>
 *   <li>all_sync: every node on S that holds no record exists on T as P with equal data, and every
 *       P node on T that all_sync copied has a counterpart on S (save the nodes kept for a live
 *       ephemeral below them);
 *   <li>t_sync: every E node on T, and every P node T's clients created there (no origin mark,
 *       created after {@code /zk2zk_ha/origin_marks}), exists on S as P with equal data and has a
 *       record (a client's node: one that says {@code carried}), and every record names such a
 *       node.
 * </ul>
 */
public final class InSync {

  private static final int SHOWN = 8;

  /** Both ensembles as read at one moment, and the records. */
  public record Snapshot(
      SortedMap<String, NodeInfo> s,
      SortedMap<String, NodeInfo> t,
      Set<String> records,
      Set<String> clientNodesOnT,
      Set<String> carried) {

    /** The paths of the ephemeral nodes on T. */
    public Set<String> ephemeralsOnT() {
      Set<String> out = new TreeSet<>();
      t.forEach(
          (p, n) -> {
            if (n.ephemeral()) {
              out.add(p);
            }
          });
      return out;
    }

    /** Whether the path has a record on T. */
    public boolean hasRecord(String path) {
      return records.contains(GoQueryEscape.escape(path));
    }

    /** The nodes on S that all_sync is responsible for: those without a record. */
    public long allSyncSourceCount() {
      return s.keySet().stream().filter(p -> !hasRecord(p)).count();
    }

    /** The nodes on T that t_sync is responsible for: the ephemerals and the clients' own nodes. */
    public long tSyncSourceCount() {
      return ephemeralsOnT().size() + clientNodesOnT().size();
    }

    /** The nodes on S that hold a record (t_sync's copies). */
    public long recordedOnS() {
      return s.keySet().stream().filter(this::hasRecord).count();
    }
  }

  private InSync() {}

  /** Reads both sides' trees (excluded subtrees left out) and the children of /zk2zk_migration. */
  public static Snapshot read(Zk s, Zk t) throws KeeperException, InterruptedException {
    SortedMap<String, NodeInfo> sTree = s.readTree("/");
    SortedMap<String, NodeInfo> tTree = t.readTree("/");
    Set<String> records = new TreeSet<>();
    if (t.exists("/zk2zk_migration") != null) {
      try {
        records.addAll(t.getChildren("/zk2zk_migration"));
      } catch (KeeperException.NoNodeException e) {
        // deleted meanwhile: no records
      }
    }
    Set<String> clientNodes = clientNodesOnT(t, sTree, tTree);
    Set<String> carried = new TreeSet<>();
    for (String p : clientNodes) {
      String record = "/zk2zk_migration/" + GoQueryEscape.escape(p);
      try {
        if (java.util.Arrays.equals(t.getData(record), "carried".getBytes(UTF_8))) {
          carried.add(p);
        }
      } catch (KeeperException.NoNodeException e) {
        // no record: not carried
      }
    }
    return new Snapshot(sTree, tTree, records, clientNodes, carried);
  }

  /**
   * The persistent nodes on T that T's clients created (rules 33–36): no origin mark, created after
   * all_sync started marking.
   */
  private static Set<String> clientNodesOnT(
      Zk t, SortedMap<String, NodeInfo> sTree, SortedMap<String, NodeInfo> tTree)
      throws KeeperException, InterruptedException {
    Set<String> out = new TreeSet<>();
    org.apache.zookeeper.data.Stat marks = t.exists("/zk2zk_ha/origin_marks");
    if (marks == null) {
      return out;
    }
    List<String> persistent =
        tTree.entrySet().stream()
            .filter(e -> !e.getValue().ephemeral())
            .map(Map.Entry::getKey)
            .toList();
    t.readAcls(persistent)
        .forEach(
            (path, read) -> {
              if (!read.acl().contains(Zk.ORIGIN_MARK) && read.czxid() > marks.getCzxid()) {
                out.add(path);
              }
            });
    return out;
  }

  /** What keeps all_sync's side from being in sync; empty when it is. */
  public static List<String> allSyncViolations(Snapshot snap) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : snap.s().entrySet()) {
      String p = e.getKey();
      if (snap.hasRecord(p)) {
        continue;
      }
      NodeInfo copy = snap.t().get(p);
      if (copy == null) {
        out.add("all_sync: " + p + " on S (" + e.getValue() + ") missing on T");
      } else if (copy.ephemeral()) {
        out.add("all_sync: " + p + " on S is E on T, expected a P copy");
      } else if (!copy.sameData(e.getValue())) {
        out.add(
            "all_sync: "
                + p
                + " data differ: S "
                + NodeInfo.describe(e.getValue().data())
                + ", T "
                + NodeInfo.describe(copy.data()));
      }
    }
    // kept with an alarm: the ancestors of live ephemerals; a client's node is t_sync's
    Set<String> keptForEphemerals = ancestorsOf(snap.ephemeralsOnT());
    for (Map.Entry<String, NodeInfo> e : snap.t().entrySet()) {
      String p = e.getKey();
      if (!e.getValue().ephemeral()
          && !snap.s().containsKey(p)
          && !keptForEphemerals.contains(p)
          && !snap.clientNodesOnT().contains(p)) {
        out.add("all_sync: " + p + " is P on T but absent on S");
      }
    }
    return out;
  }

  /** What keeps t_sync's side from being in sync; empty when it is. */
  public static List<String> tSyncViolations(Snapshot snap) {
    List<String> out = new ArrayList<>();
    Set<String> expectedRecords = new HashSet<>();
    for (String p : snap.ephemeralsOnT()) {
      expectedRecords.add(GoQueryEscape.escape(p));
      NodeInfo copy = snap.s().get(p);
      if (copy == null) {
        out.add("t_sync: " + p + " is E on T but missing on S");
      } else if (copy.ephemeral()) {
        out.add("t_sync: " + p + " is E on T and E on S (expected a P copy on S)");
      } else if (!copy.sameData(snap.t().get(p))) {
        out.add(
            "t_sync: "
                + p
                + " data differ: T "
                + NodeInfo.describe(snap.t().get(p).data())
                + ", S "
                + NodeInfo.describe(copy.data()));
      }
      if (!snap.hasRecord(p)) {
        out.add("t_sync: " + p + " is E on T but has no record " + GoQueryEscape.escape(p));
      }
    }
    for (String p : snap.clientNodesOnT()) {
      expectedRecords.add(GoQueryEscape.escape(p));
      NodeInfo copy = snap.s().get(p);
      if (copy == null || copy.ephemeral()) {
        out.add(
            "t_sync: "
                + p
                + " is a client's P node on T, "
                + (copy == null ? "missing" : "E")
                + " on S");
      } else if (!copy.sameData(snap.t().get(p))) {
        out.add(
            "t_sync: "
                + p
                + " (a client's node on T) data differ: T "
                + NodeInfo.describe(snap.t().get(p).data())
                + ", S "
                + NodeInfo.describe(copy.data()));
      }
      if (!snap.carried().contains(p)) {
        out.add("t_sync: " + p + " is a client's P node on T with no record saying carried");
      }
    }
    for (String r : snap.records()) {
      if (!expectedRecords.contains(r)) {
        out.add("t_sync: record " + r + " names no E node nor client's node on T");
      }
    }
    return out;
  }

  /** Both daemons' violations, shortened for a message; empty when both are in sync. */
  public static List<String> violations(Snapshot snap) {
    List<String> all = new ArrayList<>(allSyncViolations(snap));
    all.addAll(tSyncViolations(snap));
    return all;
  }

  /** The paths that t_sync's records on T name (record names are Go QueryEscape'd paths). */
  public static Set<String> recordedPaths(Zk t) throws KeeperException, InterruptedException {
    Set<String> out = new TreeSet<>();
    if (t.exists("/zk2zk_migration") == null) {
      return out;
    }
    for (String name : t.getChildren("/zk2zk_migration")) {
      out.add(java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Waits until {@link #assertMigrationInSync} holds, failing at once if one of {@code daemons}
   * exits.
   */
  public static void awaitMigrationInSync(
      Zk s, Zk t, java.time.Duration within, DaemonProcess... daemons) {
    org.awaitility.Awaitility.await("both sides of the migration in sync")
        .atMost(within)
        .pollInterval(java.time.Duration.ofMillis(200))
        .failFast(
            "a daemon exited", () -> java.util.Arrays.stream(daemons).anyMatch(d -> !d.isAlive()))
        .untilAsserted(() -> assertMigrationInSync(s, t));
  }

  /** Fails, naming the first differences, unless both daemons' sides are in sync. */
  public static void assertMigrationInSync(Zk s, Zk t) throws Exception {
    List<String> v = violations(read(s, t));
    if (!v.isEmpty()) {
      throw new AssertionError(describe(v));
    }
  }

  /** The first violations and how many there are, for a failure message. */
  public static String describe(List<String> violations) {
    StringBuilder sb = new StringBuilder(violations.size() + " violation(s) of \"in sync\":");
    violations.stream().limit(SHOWN).forEach(v -> sb.append("\n    ").append(v));
    if (violations.size() > SHOWN) {
      sb.append("\n    ...");
    }
    return sb.toString();
  }

  private static Set<String> ancestorsOf(Set<String> paths) {
    Set<String> out = new HashSet<>();
    for (String p : paths) {
      for (int i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
        out.add(p.substring(0, i));
      }
    }
    return out;
  }
}
