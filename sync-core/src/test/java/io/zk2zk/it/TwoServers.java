package io.zk2zk.it;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the in-process integration tests: two real ZooKeeper servers (curator-test), S and T,
 * with a plain client on each. A subclass's own {@code @AfterEach} (stopping its daemons) runs
 * before the servers stop.
 */
abstract class TwoServers {

  protected TestingServer s;
  protected TestingServer t;
  protected ZooKeeper onS;
  protected ZooKeeper onT;

  @BeforeEach
  void startServers() throws Exception {
    s = new TestingServer(true);
    t = new TestingServer(true);
    onS = Trees.connect(s.getConnectString());
    onT = Trees.connect(t.getConnectString());
  }

  @AfterEach
  void stopServers() throws Exception {
    onS.close();
    onT.close();
    s.close();
    t.close();
  }
}
