package io.zk2zk.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.SideSecurity;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.it.Trees;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the workers list {@code /zk2zk_migration} again, against a real server: after a batch it
 * could not answer, not when the listing is large next to the batch, and less and less often while
 * records change faster than batches use the listings.
 */
class RecordListingsIT {

  /** Batches large enough that the listing's size never holds it back. */
  private static final int MANY_CHECKS = 100_000;

  private TestingServer server;
  private ZooKeeper plain;
  private ZkSide side;
  private RecordListings listings;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    plain = Trees.connect(server.getConnectString());
    plain.create(
        SyncScope.MIGRATION_ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    side =
        new ZkSide(
            "T",
            ConnectString.parse(List.of(server.getConnectString())),
            Duration.ofSeconds(10),
            50,
            SideSecurity.NONE);
    side.start(Duration.ofSeconds(20));
    listings = new RecordListings(new MigrationRecords(side));
  }

  @AfterEach
  void stop() throws Exception {
    side.close();
    plain.close();
    server.close();
  }

  private void records(int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      plain.create(
          SyncScope.MIGRATION_ROOT + "/r" + i,
          new byte[0],
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT);
    }
  }

  @Test
  void aMissListsTheRecordsWithTheParentsPzxid() throws Exception {
    records(0, 2);
    assertThat(listings.latest()).isNull();

    listings.missed(null, 1);

    Stat stat = plain.exists(SyncScope.MIGRATION_ROOT, false);
    assertThat(listings.latest().names()).isEqualTo(Set.of("r0", "r1"));
    assertThat(listings.latest().pzxid()).isEqualTo(stat.getPzxid());
  }

  @Test
  void aUsedListingThatWentStaleIsListedAgainAtOnce() throws Exception {
    listings.missed(null, 1);
    RecordListing first = listings.latest();
    listings.used(first);
    records(0, 1);

    listings.missed(first, 1);

    assertThat(listings.latest()).isNotSameAs(first);
    assertThat(listings.latest().names()).containsExactly("r0");
  }

  @Test
  void aLargeListingWaitsForABatchWorthIt() throws Exception {
    records(0, 100);
    listings.missed(null, 1); // the size is not known yet: listed
    RecordListing hundred = listings.latest();
    listings.used(hundred);
    records(100, 101);

    listings.missed(hundred, 1); // 101 names would replace 1 check
    assertThat(listings.latest()).isNull();
    listings.missed(null, 3); // 96 < 100
    assertThat(listings.latest()).isNull();

    listings.missed(null, 4); // 128 >= 100
    assertThat(listings.latest().names()).hasSize(101);
  }

  @Test
  void listingsThatGoStaleUnusedBackOffAndAUseEndsTheBackOff() throws Exception {
    int listed = 0;
    RecordListing seen = null;
    for (int batch = 0; batch < 200; batch++) {
      // every batch finds a record created since the listing it took
      RecordListing taken = listings.latest();
      records(batch, batch + 1);
      listings.missed(taken, MANY_CHECKS);
      if (listings.latest() != null && listings.latest() != seen) {
        listed++;
        seen = listings.latest();
      }
    }
    // backing off 1, 2, 4, ... up to 64 missed batches: far fewer listings than batches
    assertThat(listed).isBetween(3, 10);

    RecordListing taken = listings.latest();
    if (taken == null) {
      for (int i = 0; i <= RecordListings.MAX_BACKOFF && listings.latest() == null; i++) {
        listings.missed(null, MANY_CHECKS);
      }
      taken = listings.latest();
    }
    listings.used(taken);
    records(1000, 1001);
    listings.missed(taken, MANY_CHECKS);
    assertThat(listings.latest()).as("listed at once after a use").isNotNull().isNotSameAs(taken);
  }
}
