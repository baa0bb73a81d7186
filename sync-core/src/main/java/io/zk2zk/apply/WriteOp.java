package io.zk2zk.apply;

import io.zk2zk.outcome.Request;
import java.util.List;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.data.ACL;

/** One write to one side, as the apply stage sends it (alone or inside a {@code multi}). */
public sealed interface WriteOp {

  String path();

  /** Bytes this op adds to a request, to keep batches under the server's size limit. */
  int weight();

  /** The same write as a {@code multi} member. */
  Op toOp();

  /** The same write as {@code multi} members: more than one for a write that goes with another. */
  default List<Op> toOps() {
    return List.of(toOp());
  }

  /** The request as the outcome policy knows it (records are judged by their writers). */
  default Request request() {
    if (this instanceof Create) {
      return Request.CREATE;
    }
    if (this instanceof SetData) {
      return Request.SET_DATA;
    }
    if (this instanceof SetAcl) {
      return Request.SET_ACL;
    }
    return Request.DELETE;
  }

  /**
   * Create a persistent node with the given ACL; with a {@code companion}, in one {@code multi}
   * with that node (a carry's marker on S, rule 34; a copy's receipt on T, rule 37), so that either
   * both exist or neither.
   */
  record Create(String path, byte[] data, List<ACL> acl, Companion companion) implements WriteOp {

    /**
     * A node written with another: created with an open ACL, or with {@code version} &ge; 0 set if
     * it still has that version.
     */
    public record Companion(String path, byte[] data, int version) {
      /** A companion created with the node. */
      public Companion(String path, byte[] data) {
        this(path, data, -1);
      }

      Op toOp() {
        return version >= 0
            ? Op.setData(path, data, version)
            : Op.create(
                path,
                data,
                org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                org.apache.zookeeper.CreateMode.PERSISTENT);
      }
    }

    public Create(String path, byte[] data, List<ACL> acl) {
      this(path, data, acl, null);
    }

    /** With an open ACL, as the original tool did. */
    public Create(String path, byte[] data) {
      this(path, data, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    @Override
    public int weight() {
      return path.length() * 3
          + (data == null ? 0 : data.length)
          + 64
          + acl.size() * 64
          + (companion == null ? 0 : companion.path().length() * 3 + companion.data().length + 96);
    }

    @Override
    public Op toOp() {
      if (companion != null) {
        throw new UnsupportedOperationException("a create with a companion is two multi members");
      }
      return Op.create(path, data, acl, org.apache.zookeeper.CreateMode.PERSISTENT);
    }

    @Override
    public List<Op> toOps() {
      Op node = Op.create(path, data, acl, org.apache.zookeeper.CreateMode.PERSISTENT);
      return companion == null ? List.of(node) : List.of(node, companion.toOp());
    }
  }

  /** Set the ACL ({@code --copyAcl}). There is no such {@code multi} member: sent alone. */
  record SetAcl(String path, List<ACL> acl) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + acl.size() * 64 + 32;
    }

    @Override
    public Op toOp() {
      throw new UnsupportedOperationException("setACL cannot be part of a multi");
    }
  }

  /** Set the data, unconditionally: the rule already compared it. */
  record SetData(String path, byte[] data) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + (data == null ? 0 : data.length) + 32;
    }

    @Override
    public Op toOp() {
      return Op.setData(path, data, -1);
    }
  }

  /** Delete if the node still has the version that was read. */
  record Delete(String path, int version) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + 32;
    }

    @Override
    public Op toOp() {
      return Op.delete(path, version);
    }
  }
}
