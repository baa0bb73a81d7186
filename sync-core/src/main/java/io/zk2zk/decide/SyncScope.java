package io.zk2zk.decide;

import java.util.List;

/**
 * Which paths a daemon syncs: {@code --path} and its descendants, minus the excluded subtrees
 * {@code /zookeeper}, {@code /zk2zk_migration} and {@code /zk2zk_ha} (exactly those nodes and their
 * descendants: {@code /zookeeperX} is ordinary data). The root {@code /} itself is never written.
 */
public final class SyncScope {

  /** Parent of the t_sync records, on T. */
  public static final String MIGRATION_ROOT = "/zk2zk_migration";

  /** Reserved for the daemons' own coordination. */
  public static final String HA_ROOT = "/zk2zk_ha";

  /**
   * Created on T by all_sync when it first starts marking its copies ({@link OriginMark}): its
   * {@code czxid} divides the unmarked nodes of T into those from before (copies as far as the
   * rules can tell) and those after (created by T's clients).
   */
  public static final String ORIGIN_MARKS = HA_ROOT + "/origin_marks";

  /**
   * Parent of all_sync's copy receipts on T (rule 37), one per copy of a node with a sequential
   * name, named as the copy's record would be.
   */
  public static final String RECEIPTS = HA_ROOT + "/receipts";

  /**
   * Name prefix of the throwaway children all_sync creates and deletes on T to advance a parent's
   * sequence counter; never synced.
   */
  public static final String SEQUENCE_BUMP_PREFIX = "zk2zk_seq_bump_";

  private static final List<String> EXCLUDED = List.of("/zookeeper", MIGRATION_ROOT, HA_ROOT);

  /** The roots of the excluded subtrees. */
  public static final List<String> EXCLUDED_ROOTS = EXCLUDED;

  // Every path of a walk is checked several times: the prefixes are made once, not per check.
  private static final List<String> EXCLUDED_PREFIXES =
      EXCLUDED.stream().map(e -> e + "/").toList();

  /** What every excluded root starts with: most paths are told apart by two characters. */
  private static final String EXCLUDED_START = commonPrefix(EXCLUDED);

  private final String root;
  private final String rootPrefix;

  public SyncScope(String root) {
    this.root = root;
    this.rootPrefix = root + "/";
  }

  public String root() {
    return root;
  }

  /** True when the path is the root or below it, and not excluded. */
  public boolean contains(String path) {
    return isUnderRoot(path) && !isExcluded(path) && !"/".equals(path);
  }

  /** True when the path should be walked (the root {@code /} is walked but never synced). */
  public boolean walks(String path) {
    return isUnderRoot(path) && !isExcluded(path);
  }

  private boolean isUnderRoot(String path) {
    return "/".equals(root) || path.equals(root) || path.startsWith(rootPrefix);
  }

  /** True for the excluded subtrees, whatever the root. */
  public static boolean isExcluded(String path) {
    if (path.startsWith(EXCLUDED_START)) {
      for (int i = 0; i < EXCLUDED.size(); i++) {
        if (path.equals(EXCLUDED.get(i)) || path.startsWith(EXCLUDED_PREFIXES.get(i))) {
          return true;
        }
      }
    }
    return path.startsWith(SEQUENCE_BUMP_PREFIX, path.lastIndexOf('/') + 1);
  }

  private static String commonPrefix(List<String> strings) {
    String prefix = strings.get(0);
    for (String s : strings) {
      int n = 0;
      while (n < prefix.length() && n < s.length() && prefix.charAt(n) == s.charAt(n)) {
        n++;
      }
      prefix = prefix.substring(0, n);
    }
    return prefix;
  }

  /** The path on S of the marker of a carry of {@code path} with {@code token} (rule 34). */
  public static String markerPath(String path, String token) {
    return MIGRATION_ROOT + "/" + RecordName.markerName(path, token);
  }

  /** The path of the record that names {@code path}. */
  public static String recordPath(String path) {
    return MIGRATION_ROOT + "/" + RecordName.escape(path);
  }

  /** The path on T of the copy receipt of {@code path} (rule 37). */
  public static String receiptPath(String path) {
    return RECEIPTS + "/" + RecordName.escape(path);
  }

  /** Joins a parent path and a child name. */
  public static String child(String parent, String name) {
    return "/".equals(parent) ? "/" + name : parent + "/" + name;
  }

  /** The parent of a path; {@code /} for top-level nodes. */
  public static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  /** Depth of a path: 0 for {@code /}, 1 for {@code /a}. */
  public static int depth(String path) {
    if ("/".equals(path)) {
      return 0;
    }
    int d = 0;
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      d++;
    }
    return d;
  }
}
