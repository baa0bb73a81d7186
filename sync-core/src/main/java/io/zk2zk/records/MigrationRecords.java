package io.zk2zk.records;

import io.zk2zk.apply.Applier;
import io.zk2zk.apply.Outcome;
import io.zk2zk.apply.WriteOp;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of {@code /zk2zk_migration} on T: lists and decodes the records, tells which paths
 * hold one, and writes them (creating the parent again when someone deleted it). The order of
 * record writes around their copies is the write plan's; the record format is {@link RecordName}.
 */
public final class MigrationRecords {

  private static final Logger log = LoggerFactory.getLogger(MigrationRecords.class);

  private final ZkSide side;
  private final Applier writer;

  /**
   * @param side the side that holds the records (always the global T)
   * @param writer writes to that side (null for a reader that never writes, such as verify)
   */
  public MigrationRecords(ZkSide side, Applier writer) {
    this.side = side;
    this.writer = writer;
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

  /** The write that creates the record of {@code path}. */
  public static WriteOp create(String path) {
    return new WriteOp.Create(SyncScope.recordPath(path), new byte[0]);
  }

  /** The write that deletes the record of {@code path}. */
  public static WriteOp delete(String path) {
    return new WriteOp.Delete(SyncScope.recordPath(path), -1);
  }

  /**
   * Sends record writes; when a create finds {@code /zk2zk_migration} itself gone (deleted by
   * hand), it is created again and the writes are sent once more, instead of failing every record
   * until a restart.
   */
  public List<Outcome> write(List<WriteOp> ops) throws InterruptedException {
    List<Outcome> outs = writer.apply(ops);
    boolean rootMissing = false;
    for (Outcome o : outs) {
      rootMissing |=
          o.op() instanceof WriteOp.Create
              && o.verdict(Request.CREATE_RECORD) == Verdict.CREATE_RECORD_ROOT;
    }
    if (!rootMissing) {
      return outs;
    }
    Code rc = side.ensureExists(SyncScope.MIGRATION_ROOT, side.replyTimeout());
    log.warn("{} was missing on T; created it again ({})", SyncScope.MIGRATION_ROOT, rc);
    return writer.apply(ops);
  }

  /** Removes records whose names decode to no valid path (t_sync). */
  public void removeMalformed(List<String> names) throws InterruptedException {
    if (names.isEmpty()) {
      return;
    }
    List<WriteOp> ops = new ArrayList<>(names.size());
    for (String name : names) {
      ops.add(new WriteOp.Delete(SyncScope.MIGRATION_ROOT + "/" + name, -1));
    }
    writer.apply(ops);
  }
}
