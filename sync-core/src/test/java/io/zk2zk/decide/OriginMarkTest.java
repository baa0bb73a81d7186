package io.zk2zk.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin mark on all_sync's copies: added once, never copied, never compared. */
class OriginMarkTest {

  private static final AclEntry OPEN = new AclEntry(AclEntry.ALL, "world", "anyone");
  private static final AclEntry APP = new AclEntry(AclEntry.ALL, "digest", "app:hash");

  @Test
  void theMarkGrantsNothing() {
    assertThat(OriginMark.ENTRY.perms()).isZero();
    assertThat(OriginMark.ENTRY.scheme()).isEqualTo("digest");
    assertThat(OriginMark.ENTRY.id()).isEqualTo("zk2zk:copied-from-source");
  }

  @Test
  void aCopyWithoutACopiedAclIsOpenPlusTheMark() {
    assertThat(OriginMark.with(null)).containsExactly(OPEN, OriginMark.ENTRY);
    assertThat(OriginMark.with(List.of())).containsExactly(OPEN, OriginMark.ENTRY);
  }

  @Test
  void aCopiedAclKeepsItsEntriesAndGetsTheMarkOnce() {
    assertThat(OriginMark.with(List.of(APP))).containsExactly(APP, OriginMark.ENTRY);
    assertThat(OriginMark.with(List.of(APP, OriginMark.ENTRY)))
        .containsExactly(APP, OriginMark.ENTRY);
  }

  @Test
  void withoutTheMarkAnAclIsWhatItGrants() {
    assertThat(OriginMark.without(List.of(APP, OriginMark.ENTRY))).containsExactly(APP);
    assertThat(OriginMark.without(List.of(APP))).containsExactly(APP);
    assertThat(OriginMark.without(null)).isNull();
  }

  @Test
  void carriesTellsACopyFromAClientsNode() {
    assertThat(OriginMark.carries(List.of(OPEN, OriginMark.ENTRY))).isTrue();
    assertThat(OriginMark.carries(List.of(OPEN))).isFalse();
    assertThat(OriginMark.carries(null)).isFalse();
  }

  @Test
  void anAclThatDiffersOnlyByTheMarkIsEqualOnceTheMarkIsDropped() {
    NodeState s = NodeState.persistent(new byte[0]).withAcl(List.of(APP));
    NodeState t =
        NodeState.persistent(new byte[0])
            .withAcl(OriginMark.without(OriginMark.with(List.of(APP))));
    assertThat(s.aclDiffersFrom(t)).isFalse();
  }
}
