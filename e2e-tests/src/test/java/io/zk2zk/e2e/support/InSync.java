package io.zk2zk.e2e.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.apache.zookeeper.KeeperException;

/**
 * "In sync" exactly as operations.md defines it, checked by reading both ensembles with a plain
 * client: all_sync's side (S's nodes without a record are persistent copies on T, and T's
 * persistent nodes have a counterpart on S) and t_sync's side (T's ephemerals are recorded
 * persistent copies on S, and every record names an ephemeral on T).
 */
public final class InSync {

  private static final String RECORDS = "/zk2zk_migration";
  private static final int SHOWN = 10;

  private InSync() {}

  /** The paths that t_sync's records on T name (record names are Go QueryEscape'd paths). */
  public static Set<String> recordedPaths(Zk t) throws KeeperException, InterruptedException {
    Set<String> out = new TreeSet<>();
    if (t.exists(RECORDS) == null) {
      return out;
    }
    for (String name : t.getChildren(RECORDS)) {
      out.add(URLDecoder.decode(name, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Where all_sync's side is not in sync; empty when it is. */
  public static List<String> allSyncViolations(
      SortedMap<String, NodeInfo> s, SortedMap<String, NodeInfo> t, Set<String> records) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : s.entrySet()) {
      String p = e.getKey();
      if (records.contains(p)) {
        continue;
      }
      NodeInfo copy = t.get(p);
      if (copy == null) {
        out.add("all_sync: " + p + " on S, missing on T");
      } else if (copy.ephemeral()) {
        out.add("all_sync: " + p + " on S without a record, ephemeral on T");
      } else if (!copy.sameData(e.getValue())) {
        out.add(
            "all_sync: "
                + p
                + " data S="
                + NodeInfo.describe(e.getValue().data())
                + " T="
                + NodeInfo.describe(copy.data()));
      }
    }
    for (Map.Entry<String, NodeInfo> e : t.entrySet()) {
      String p = e.getKey();
      if (!e.getValue().ephemeral() && !s.containsKey(p) && !keepsLiveEphemeral(t, p)) {
        out.add("all_sync: " + p + " persistent on T, absent on S");
      }
    }
    return out;
  }

  /** Where t_sync's side is not in sync; empty when it is. */
  public static List<String> tSyncViolations(
      SortedMap<String, NodeInfo> s, SortedMap<String, NodeInfo> t, Set<String> records) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : t.entrySet()) {
      if (!e.getValue().ephemeral()) {
        continue;
      }
      String p = e.getKey();
      NodeInfo copy = s.get(p);
      if (copy == null) {
        out.add("t_sync: " + p + " ephemeral on T, missing on S");
      } else if (copy.ephemeral()) {
        out.add("t_sync: " + p + " ephemeral on both sides");
      } else if (!copy.sameData(e.getValue())) {
        out.add(
            "t_sync: "
                + p
                + " data T="
                + NodeInfo.describe(e.getValue().data())
                + " S="
                + NodeInfo.describe(copy.data()));
      }
      if (!records.contains(p)) {
        out.add("t_sync: " + p + " ephemeral on T has no record");
      }
    }
    for (String r : records) {
      NodeInfo onT = t.get(r);
      if (onT == null || !onT.ephemeral()) {
        out.add(
            "t_sync: record for "
                + r
                + " names "
                + (onT == null ? "nothing" : "a P node")
                + " on T");
      }
    }
    return out;
  }

  /** Asserts both daemons' sides of the migration are in sync, under {@code /}. */
  public static void assertMigrationInSync(Zk s, Zk t) throws Exception {
    SortedMap<String, NodeInfo> sTree = s.readTree("/");
    SortedMap<String, NodeInfo> tTree = t.readTree("/");
    Set<String> records = recordedPaths(t);
    List<String> violations = new ArrayList<>(allSyncViolations(sTree, tTree, records));
    violations.addAll(tSyncViolations(sTree, tTree, records));
    if (!violations.isEmpty()) {
      StringBuilder msg =
          new StringBuilder("not in sync (")
              .append(violations.size())
              .append(" differences; S ")
              .append(sTree.size())
              .append(" nodes, T ")
              .append(tTree.size())
              .append(" nodes, ")
              .append(records.size())
              .append(" records):");
      violations.stream().limit(SHOWN).forEach(v -> msg.append("\n  ").append(v));
      if (violations.size() > SHOWN) {
        msg.append("\n  ...");
      }
      throw new AssertionError(msg.toString());
    }
  }

  /** A P node on T kept because a live ephemeral lives below it (an alarmed exception). */
  private static boolean keepsLiveEphemeral(SortedMap<String, NodeInfo> t, String p) {
    for (Map.Entry<String, NodeInfo> e : t.tailMap(p + "/").entrySet()) {
      if (!e.getKey().startsWith(p + "/")) {
        break;
      }
      if (e.getValue().ephemeral()) {
        return true;
      }
    }
    return false;
  }
}
