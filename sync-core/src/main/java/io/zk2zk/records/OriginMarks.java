package io.zk2zk.records;

import io.zk2zk.decide.OriginMark;
import io.zk2zk.decide.Provenance;
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
 * was created on T by a client. One {@code getACL} per node asked (its reply holds both the ACL and
 * the node's {@code czxid}); the rules ask only for nodes T has and S does not, which are few.
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

  /** Where each of {@code paths} (persistent nodes on T) came from, read now. */
  public Map<String, Provenance> of(List<String> paths)
      throws SideUnavailableException, InterruptedException {
    Map<String, Provenance> out = new HashMap<>(paths.size() * 2);
    if (paths.isEmpty()) {
      return out;
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
    return out;
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
