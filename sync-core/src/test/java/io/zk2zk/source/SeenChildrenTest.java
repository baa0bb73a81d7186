package io.zk2zk.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeenChildrenTest {

  private final SeenChildren seen = new SeenChildren();

  @Test
  void theFirstReadReportsEveryChild() {
    assertThat(seen.update("/a", List.of("x", "y"))).containsExactlyInAnyOrder("x", "y");
  }

  @Test
  void aLaterReadReportsWhatAppearedAndWhatDisappeared() {
    seen.update("/a", List.of("b", "c", "d"));

    assertThat(seen.update("/a", List.of("d", "a", "c"))).containsExactlyInAnyOrder("a", "b");
    assertThat(seen.update("/a", List.of("a", "c", "d"))).isEmpty();
  }

  @Test
  void aLeafHoldsNoEntryYetItsFirstChildIsNew() {
    assertThat(seen.update("/leaf", List.of())).isEmpty();
    assertThat(seen.size()).isZero();

    assertThat(seen.update("/leaf", List.of("child"))).containsExactly("child");
  }

  @Test
  void aParentThatLostAllItsChildrenReportsThemAndHoldsNoEntry() {
    seen.update("/a", List.of("x", "y"));

    assertThat(seen.update("/a", List.of())).containsExactlyInAnyOrder("x", "y");
    assertThat(seen.size()).isZero();
  }

  @Test
  void aForgottenNodeCountsItsChildrenAsNewAgain() {
    seen.update("/a", List.of("x"));
    seen.forget("/a");

    assertThat(seen.update("/a", List.of("x"))).containsExactly("x");
  }

  @Test
  void namesOutsideAsciiAndSequentialSuffixesSurviveTheCompactForm() {
    List<String> names = List.of("服务-0000000001", "é", "n0000000010", "n0000000002", "a b");
    seen.update("/q", names);

    assertThat(seen.update("/q", names)).isEmpty();
    assertThat(seen.update("/q", List.of("é"))).hasSize(4).doesNotContain("é");
  }
}
