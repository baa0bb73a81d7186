package io.zk2zk.records;

import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.common.PathUtils;

/**
 * The one reader of {@code /zk2zk_migration} on T: lists and decodes the records, tells which paths
 * hold one and whether a listing is still current. Records are written by {@code
 * apply/RecordWriter}, in the order the write plan gives them around their copies; the record
 * format is {@link RecordName}.
 */
public final class MigrationRecords {

  private final ZkSide side;

  /**
   * @param side the side that holds the records (always the global T)
   */
  public MigrationRecords(ZkSide side) {
    this.side = side;
  }

  /** The side that holds the records. */
  public ZkSide side() {
    return side;
  }

  /**
   * Every record, as listed now.
   *
   * @param current the listing with its pzxid, or null when {@code /zk2zk_migration} is missing
   * @param paths the paths the records name
   * @param malformed the names that decode to no valid path (they name nothing)
   */
  public record Listing(RecordListing current, Set<String> paths, List<String> malformed) {}

  /** Lists every record now; a missing {@code /zk2zk_migration} holds none. */
  public Listing list() throws SideUnavailableException, InterruptedException {
    RecordListing current = listNames();
    if (current == null) {
      return new Listing(null, Set.of(), List.of());
    }
    Set<String> paths = new HashSet<>(current.names().size() * 2);
    List<String> malformed = new ArrayList<>();
    for (String name : current.names()) {
      String path = decode(name);
      if (path != null) {
        paths.add(path);
      } else {
        malformed.add(name);
      }
    }
    return new Listing(current, paths, malformed);
  }

  /** The names and pzxid of {@code /zk2zk_migration} now, or null when it is missing. */
  public RecordListing listNames() throws SideUnavailableException, InterruptedException {
    Reply r = ZkSide.await(side.getChildren(SyncScope.MIGRATION_ROOT, null), side.replyTimeout());
    if (r.code() == Code.NONODE) {
      return null;
    }
    if (!r.ok() || r.stat() == null) {
      throw new SideUnavailableException(
          "cannot list "
              + SyncScope.MIGRATION_ROOT
              + " on T ("
              + side.connectString()
              + "): "
              + r.code());
    }
    return new RecordListing(Set.copyOf(r.children()), r.stat().getPzxid());
  }

  /** The path a record name stands for, or null when it names no valid path. */
  public static String decode(String name) {
    try {
      String path = RecordName.unescape(name);
      PathUtils.validatePath(path);
      return path;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The paths of {@code paths} that a record names: answered by {@code listing} when given (known
   * to be current), else read now. A record that cannot be read counts as present: that is the
   * choice that neither copies a t_sync copy back to T nor deletes anything.
   */
  public Set<String> recorded(List<String> paths, RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    Set<String> recorded = new HashSet<>();
    if (paths.isEmpty() || (listing != null && listing.names().isEmpty())) {
      return recorded; // nothing to check, or no record at all (a first migration's whole tree)
    }
    if (listing != null) {
      for (String p : paths) {
        if (listing.names(p)) {
          recorded.add(p);
        }
      }
      return recorded;
    }
    List<String> recordPaths = new ArrayList<>(paths.size());
    for (String p : paths) {
      recordPaths.add(SyncScope.recordPath(p));
    }
    NodeReader.Presence[] presence = NodeReader.exist(side, recordPaths);
    for (int i = 0; i < presence.length; i++) {
      if (presence[i] != NodeReader.Presence.ABSENT) {
        recorded.add(paths.get(i));
      }
    }
    return recorded;
  }

  /**
   * Whether no record was created or deleted since {@code listing}, read now. The {@code sync}
   * first makes the server this session reads from catch up with the leader, so that a record
   * written before the caller's source reads is seen even from a lagging follower.
   */
  public boolean stillCurrent(RecordListing listing)
      throws SideUnavailableException, InterruptedException {
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
}
