package io.zk2zk.e2e.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Compares a source subtree with its copy, as "in sync" is defined for all_sync. */
public final class Trees {

  private static final int SHOWN = 10;

  private Trees() {}

  /**
   * Asserts that {@code target} holds exactly the paths of {@code source}, each with the same data
   * byte for byte, and only persistent nodes (ephemeral nodes are copied as persistent ones).
   *
   * @throws AssertionError naming the first differences of each kind
   */
  public static void assertCopied(
      SortedMap<String, NodeInfo> source, SortedMap<String, NodeInfo> target) {
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> differentData = new ArrayList<>();
    List<String> ephemeral = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : source.entrySet()) {
      NodeInfo copy = target.get(e.getKey());
      if (copy == null) {
        missing.add(e.getKey());
      } else if (!copy.sameData(e.getValue())) {
        differentData.add(
            e.getKey()
                + " source="
                + NodeInfo.describe(e.getValue().data())
                + " target="
                + NodeInfo.describe(copy.data()));
      }
    }
    for (Map.Entry<String, NodeInfo> e : target.entrySet()) {
      if (!source.containsKey(e.getKey())) {
        extra.add(e.getKey());
      }
      if (e.getValue().ephemeral()) {
        ephemeral.add(e.getKey());
      }
    }
    if (missing.isEmpty() && extra.isEmpty() && differentData.isEmpty() && ephemeral.isEmpty()) {
      return;
    }
    StringBuilder msg =
        new StringBuilder("target is not an exact copy (source ")
            .append(source.size())
            .append(" nodes, target ")
            .append(target.size())
            .append(" nodes)");
    append(msg, "missing on target", missing);
    append(msg, "only on target", extra);
    append(msg, "different data", differentData);
    append(msg, "ephemeral on target (copies must be persistent)", ephemeral);
    throw new AssertionError(msg.toString());
  }

  private static void append(StringBuilder msg, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    msg.append("\n  ").append(title).append(" (").append(items.size()).append("):");
    items.stream().limit(SHOWN).forEach(item -> msg.append("\n    ").append(item));
    if (items.size() > SHOWN) {
      msg.append("\n    ...");
    }
  }
}
