package io.zk2zk.records;

import io.zk2zk.decide.OriginMark;
import io.zk2zk.decide.Provenance;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.Acls;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException.Code;

/**
 * Tells where persistent nodes on T came from ({@link Provenance}): a node that carries the {@link
 * OriginMark}, or was created before {@link SyncScope#ORIGIN_MARKS}, is a copy from S; any other
 * was created on T by a client, and its record tells whether t_sync carried it to S yet. One {@code
 * getACL} per node asked (its reply holds both the ACL and the node's {@code czxid}), and one read
 * of the record of each node a client created.
 */
public final class OriginMarks {

  private final ZkSide t;
  // the czxid of ORIGIN_MARKS once seen; it never changes while the node exists
  private volatile long since = -1;

  /**
   * @param t the global T
   */
  public OriginMarks(ZkSide t) {
    this.t = t;
  }

  /**
   * What the marks and records say.
   *
   * @param provenance where each node asked came from
   * @param carryTokens for a client's node whose carry is under way, the carry's token
   */
  public record Found(Map<String, Provenance> provenance, Map<String, String> carryTokens) {}

  /** Where each of {@code paths} (persistent nodes on T) came from, read now. */
  public Map<String, Provenance> of(List<String> paths)
      throws SideUnavailableException, InterruptedException {
    return find(paths).provenance();
  }

  /** As {@link #of}, with the tokens of the carries under way. */
  public Found find(List<String> paths) throws SideUnavailableException, InterruptedException {
    Map<String, Provenance> out = new HashMap<>(paths.size() * 2);
    if (paths.isEmpty()) {
      return new Found(out, Map.of());
    }
    long marksSince = marksSince();
    List<CompletableFuture<Reply>> replies = new ArrayList<>(paths.size());
    for (String p : paths) {
      replies.add(t.getAcl(p));
    }
    for (int i = 0; i < paths.size(); i++) {
      Reply r = ZkSide.await(replies.get(i), t.replyTimeout());
      if (r.isTransient()) {
        throw new SideUnavailableException(
            "cannot read the ACL of " + paths.get(i) + " on T: " + r.code());
      }
      out.put(paths.get(i), provenance(r, marksSince));
    }
    return carried(out);
  }

  /**
   * The nodes a client created whose record says they were carried to S (rule 34), and the tokens
   * of those whose carry is under way.
   */
  private Found carried(Map<String, Provenance> found)
      throws SideUnavailableException, InterruptedException {
    Map<String, String> tokens = new HashMap<>();
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, Provenance> e : found.entrySet()) {
      if (e.getValue() == Provenance.CREATED_ON_TARGET) {
        created.add(e.getKey());
      }
    }
    List<CompletableFuture<Reply>> records = new ArrayList<>(created.size());
    for (String p : created) {
      records.add(t.getData(SyncScope.recordPath(p), null));
    }
    for (int i = 0; i < created.size(); i++) {
      Reply r = ZkSide.await(records.get(i), t.replyTimeout());
      if (r.isTransient()) {
        throw new SideUnavailableException(
            "cannot read the record of " + created.get(i) + " on T: " + r.code());
      }
      // a record that cannot be read says nothing carried: the node stays on T either way
      if (r.ok() && RecordName.saysCarried(r.data())) {
        found.put(created.get(i), Provenance.CARRIED_TO_SOURCE);
      } else if (r.ok() && RecordName.carryToken(r.data()) != null) {
        tokens.put(created.get(i), RecordName.carryToken(r.data()));
      }
    }
    return new Found(found, tokens);
  }

  private static Provenance provenance(Reply r, long marksSince) {
    if (r.code() == Code.NONODE) {
      return Provenance.COPY_FROM_SOURCE; // gone meanwhile: deleting it again is harmless
    }
    if (!r.ok() || r.acl() == null || r.stat() == null) {
      return Provenance.UNKNOWN;
    }
    if (r.stat().getCzxid() < marksSince || OriginMark.carries(Acls.withMark(r.acl()))) {
      return Provenance.COPY_FROM_SOURCE;
    }
    return Provenance.CREATED_ON_TARGET;
  }

  /**
   * The czxid of {@link SyncScope#ORIGIN_MARKS}, or {@code Long.MAX_VALUE} while it does not exist
   * (all_sync has not marked anything yet: every node counts as a copy, as before marks).
   */
  private long marksSince() throws SideUnavailableException, InterruptedException {
    long known = since;
    if (known >= 0) {
      return known;
    }
    Reply r = ZkSide.await(t.exists(SyncScope.ORIGIN_MARKS), t.replyTimeout());
    if (r.isTransient()) {
      throw new SideUnavailableException(
          "cannot read " + SyncScope.ORIGIN_MARKS + " on T: " + r.code());
    }
    if (!r.ok() || r.stat() == null) {
      return Long.MAX_VALUE;
    }
    since = r.stat().getCzxid();
    return since;
  }
}
