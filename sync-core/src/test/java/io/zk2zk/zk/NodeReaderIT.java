package io.zk2zk.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.SideSecurity;
import io.zk2zk.decide.NodeState;
import io.zk2zk.it.Trees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walk's reads against a real 3.9 server ({@code multi} read batches): children are asked only
 * of nodes whose stat counts some, and every path still answers as a getData and getChildren pair
 * would have, the sequence counter included.
 */
class NodeReaderIT {

  private TestingServer server;
  private ZooKeeper plain;
  private ZkSide side;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    plain = Trees.connect(server.getConnectString());
  }

  private void connect(int maxInFlight) throws Exception {
    side =
        new ZkSide(
            "S",
            ConnectString.parse(List.of(server.getConnectString())),
            Duration.ofSeconds(10),
            maxInFlight,
            SideSecurity.NONE);
    side.start(Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() throws Exception {
    if (side != null) {
      side.close();
    }
    plain.close();
    server.close();
  }

  private void create(String path, List<ACL> acl) throws Exception {
    plain.create(path, path.getBytes(), acl, CreateMode.PERSISTENT);
  }

  /**
   * With one request in flight, a batch's second step never finds a free permit in its first step's
   * reply callback and is sent by the reading thread; with many, mostly from the callback.
   */
  @ParameterizedTest(name = "{0} in flight")
  @ValueSource(ints = {1, 50})
  void leavesParentsMissingUnreadableAndRefusedPathsAnswerAsSeparateReadsWould(int maxInFlight)
      throws Exception {
    connect(maxInFlight);
    assertThat(side.supportsMultiRead()).isTrue();
    create("/p", ZooDefs.Ids.OPEN_ACL_UNSAFE);
    List<String> paths = new ArrayList<>();
    // more paths than one multi read batch holds (200), parents and leaves mixed
    for (int i = 0; i < 450; i++) {
      String p = String.format("/p/n%03d", i);
      paths.add(p);
      create(p, ZooDefs.Ids.OPEN_ACL_UNSAFE);
      if (i % 3 == 0) {
        create(p + "/x", ZooDefs.Ids.OPEN_ACL_UNSAFE);
        create(p + "/y", ZooDefs.Ids.OPEN_ACL_UNSAFE);
      }
    }
    paths.add(250, "/p/missing");
    Id someoneElse = new Id("digest", DigestAuthenticationProvider.generateDigest("other:secret"));
    create("/p/secret", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, someoneElse))));
    paths.add(300, "/p/secret");
    // a path the client itself refuses: that batch is read path by path, the others as usual
    paths.add(350, "/p/bad/");

    List<NodeReader.Result> read = NodeReader.read(side, paths, true, null);

    assertThat(read).extracting(NodeReader.Result::path).isEqualTo(paths);
    for (NodeReader.Result r : read) {
      String p = r.path();
      if (p.equals("/p/missing")) {
        assertThat(r.state()).isEqualTo(NodeState.ABSENT);
      } else if (p.equals("/p/secret")) {
        assertThat(r.error()).isEqualTo(Code.NOAUTH);
      } else if (p.equals("/p/bad/")) {
        assertThat(r.error()).isEqualTo(Code.BADARGUMENTS);
      } else {
        int i = Integer.parseInt(p.substring("/p/n".length()));
        assertThat(r.error()).as(p).isNull();
        assertThat(r.state().data()).as(p).isEqualTo(p.getBytes());
        assertThat(r.state().children())
            .as(p)
            .containsExactlyInAnyOrderElementsOf(i % 3 == 0 ? List.of("x", "y") : List.of());
        // two children created once each: the counter a sequential child would get next
        assertThat(r.nextSequence()).as(p).isEqualTo(i % 3 == 0 ? 2 : 0);
      }
    }
  }
}
