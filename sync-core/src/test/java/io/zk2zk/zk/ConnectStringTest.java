package io.zk2zk.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --srcAddr/--dstAddr: repeated values and comma lists form one ZooKeeper connect string. */
class ConnectStringTest {

  @Test
  void singleValue() {
    ConnectString c = ConnectString.parse(List.of("a:1"));
    assertThat(c.toString()).isEqualTo("a:1");
    assertThat(c.hosts()).containsExactly("a:1");
    assertThat(c.chroot()).isEmpty();
  }

  @Test
  void repeatedValuesAndCommaListsJoin() {
    ConnectString c = ConnectString.parse(List.of("a:1", "b:2,c:3"));
    assertThat(c.toString()).isEqualTo("a:1,b:2,c:3");
    assertThat(c.hosts()).containsExactly("a:1", "b:2", "c:3");
  }

  @Test
  void blanksAroundHostsAndEmptyListItemsAreIgnored() {
    assertThat(ConnectString.parse(List.of(" a:1 , b:2 ", "c:3,")).toString())
        .isEqualTo("a:1,b:2,c:3");
  }

  @Test
  void chrootIsKept() {
    ConnectString c = ConnectString.parse(List.of("a:1,b:2/app/root"));
    assertThat(c.chroot()).isEqualTo("/app/root");
    assertThat(c.hosts()).containsExactly("a:1", "b:2");
    assertThat(c.toString()).isEqualTo("a:1,b:2/app/root");
  }

  @Test
  void chrootOnOneOfRepeatedValuesAppliesToTheWholeString() {
    // ZooKeeper takes a single chroot at the end of the whole connect string.
    assertThat(ConnectString.parse(List.of("a:1/app", "b:2")).toString()).isEqualTo("a:1,b:2/app");
  }

  @Test
  void sameServerSpelledDifferentlyIsDetectedWhateverTheChroot() {
    ConnectString a = ConnectString.parse(List.of("127.0.0.1:2181"));
    assertThat(a.sharesServerWith(ConnectString.parse(List.of("localhost:2181/new")))).isTrue();
    assertThat(a.sharesServerWith(ConnectString.parse(List.of("x:1,127.0.0.1:2181")))).isTrue();
    assertThat(a.sharesServerWith(ConnectString.parse(List.of("127.0.0.1:2182")))).isFalse();
  }

  @Test
  void conflictingChrootsAreRejected() {
    assertThatThrownBy(() -> ConnectString.parse(List.of("a:1/x", "b:2/y")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/x")
        .hasMessageContaining("/y");
  }

  @Test
  void hostWithoutPortAndIpv6AreAccepted() {
    assertThat(ConnectString.parse(List.of("zk1")).toString()).isEqualTo("zk1");
    assertThat(ConnectString.parse(List.of("[::1]:2181")).toString()).isEqualTo("[::1]:2181");
    assertThat(ConnectString.parse(List.of("a:65535")).hosts()).containsExactly("a:65535");
  }

  @ParameterizedTest(name = "\"{0}\" is rejected")
  @ValueSource(strings = {"", "   ", ",", " , ", "a:", "a:x", "a:1x", "a:0", "a:-1", "a:65536"})
  void blankOrMalformedIsRejected(String value) {
    assertThatThrownBy(() -> ConnectString.parse(List.of(value)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneMalformedAmongManyIsRejected() {
    assertThatThrownBy(() -> ConnectString.parse(List.of("a:1", "b:2,c:")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c:");
  }

  @Test
  void noValueIsRejected() {
    assertThatThrownBy(() -> ConnectString.parse(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
