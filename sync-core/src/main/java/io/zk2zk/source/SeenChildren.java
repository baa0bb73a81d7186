package io.zk2zk.source;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node watch mode: the children each source node had when it was last read. A watch is armed
 * only by reading a node, so a child that appears must be read even if the other side already has
 * it (t_sync meets every node all_sync copies to T that way). Comparing with what the source itself
 * showed last time, not with the other side, finds exactly the children to read.
 *
 * <p>Kept small, since it spans the whole source tree: a node without children has no entry (most
 * nodes of a large tree are leaves), and a parent's names are one UTF-8 byte array, sorted and
 * separated by {@code /}, which no znode name contains.
 */
public final class SeenChildren {

  private static final byte SEPARATOR = '/';

  private final ConcurrentHashMap<String, byte[]> byParent = new ConcurrentHashMap<>();

  /**
   * Records a fresh read of {@code parent}'s children and returns the names that appeared or
   * disappeared since the previous read (all of them at the first read).
   */
  public Set<String> update(String parent, List<String> children) {
    if (children.isEmpty()) {
      // most nodes are leaves: nothing to sort, and nothing to store
      byte[] before = byParent.remove(parent);
      return before == null ? Set.of() : Set.of(decode(before));
    }
    String[] now = children.toArray(new String[0]);
    Arrays.sort(now);
    byte[] before = byParent.put(parent, encode(now));
    String[] was = decode(before);
    Set<String> changed = new HashSet<>();
    int i = 0;
    int j = 0;
    // a merge of two sorted lists: what is in one only
    while (i < now.length || j < was.length) {
      int cmp = i == now.length ? 1 : j == was.length ? -1 : now[i].compareTo(was[j]);
      if (cmp < 0) {
        changed.add(now[i++]);
      } else if (cmp > 0) {
        changed.add(was[j++]);
      } else {
        i++;
        j++;
      }
    }
    return changed;
  }

  /** Forgets a node that is gone, so that a re-created one counts as new with all its children. */
  public void forget(String path) {
    byParent.remove(path);
  }

  /** Number of parents with children tracked (for diagnostics). */
  public int size() {
    return byParent.size();
  }

  private static byte[] encode(String[] sorted) {
    return String.join("/", sorted).getBytes(UTF_8);
  }

  private static String[] decode(byte[] joined) {
    if (joined == null) {
      return new String[0];
    }
    List<String> names = new ArrayList<>();
    int from = 0;
    for (int k = 0; k <= joined.length; k++) {
      if (k == joined.length || joined[k] == SEPARATOR) {
        names.add(new String(joined, from, k - from, UTF_8));
        from = k + 1;
      }
    }
    return names.toArray(new String[0]);
  }
}
