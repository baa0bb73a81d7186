package io.zk2zk.apply;

import io.zk2zk.decide.AclEntry;
import io.zk2zk.zk.Acls;
import java.util.List;
import org.apache.zookeeper.data.ACL;

/** The ACL a copy is created (or its ACL set) with, from the entries the rules chose. */
@FunctionalInterface
public interface CopyAcl {

  /** As given (open when none): t_sync's copies on S. */
  CopyAcl PLAIN = Acls::toAcl;

  /** As given, plus the origin mark: all_sync's copies on T. */
  CopyAcl MARKED = Acls::marked;

  List<ACL> of(List<AclEntry> entries);
}
