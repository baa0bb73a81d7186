package io.zk2zk.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Excluded subtrees, the --path scope and the path helpers of docs/sync-rules.md. */
class SyncScopeTest {

  @ParameterizedTest(name = "{0} is excluded")
  @ValueSource(
      strings = {
        "/zookeeper",
        "/zookeeper/quota",
        "/zookeeper/config",
        "/zk2zk_migration",
        "/zk2zk_migration/x",
        "/zk2zk_migration/%2Fa%2Fb",
        "/zk2zk_ha",
        "/zk2zk_ha/leader/lock-0000000001"
      })
  void excludedSubtrees(String path) {
    assertThat(SyncScope.isExcluded(path)).isTrue();
    // excluded whatever the root: never read, written nor counted
    assertThat(new SyncScope("/").contains(path)).isFalse();
    assertThat(new SyncScope("/").walks(path)).isFalse();
  }

  @ParameterizedTest(name = "{0} is ordinary data")
  @ValueSource(
      strings = {
        "/zookeeperX",
        "/zookeeper_",
        "/zk2zk_migrationX",
        "/zk2zk_haX",
        "/zk2zk",
        "/zoo",
        "/svc/zookeeper",
        "/svc/zk2zk_migration/x"
      })
  void lookalikesAreNotExcluded(String path) {
    // Only exactly those nodes and their descendants are excluded: prefixes are ordinary data.
    assertThat(SyncScope.isExcluded(path)).isFalse();
    assertThat(new SyncScope("/").contains(path)).isTrue();
  }

  @Test
  void rootSvcContainsItselfAndDescendantsOnly() {
    SyncScope scope = new SyncScope("/svc");
    assertThat(scope.contains("/svc")).isTrue();
    assertThat(scope.contains("/svc/a")).isTrue();
    assertThat(scope.contains("/svc/a/b")).isTrue();
    assertThat(scope.contains("/svcX")).isFalse();
    assertThat(scope.contains("/svcX/a")).isFalse();
    assertThat(scope.contains("/sv")).isFalse();
    assertThat(scope.contains("/")).isFalse();
    assertThat(scope.contains("/other")).isFalse();
    assertThat(scope.walks("/svcX")).isFalse();
    assertThat(scope.root()).isEqualTo("/svc");
  }

  @Test
  void rootSlashNeverContainsSlashItself() {
    // "/" exists on every server and is never written; everything else below it is in scope.
    SyncScope scope = new SyncScope("/");
    assertThat(scope.contains("/")).isFalse();
    assertThat(scope.walks("/")).isTrue();
    assertThat(scope.contains("/a")).isTrue();
    assertThat(scope.contains("/a/b")).isTrue();
  }

  @Test
  void nestedRootStillExcludesNothingBelowItByName() {
    SyncScope scope = new SyncScope("/a/b");
    assertThat(scope.contains("/a/b")).isTrue();
    assertThat(scope.contains("/a/b/zookeeper")).isTrue();
    assertThat(scope.contains("/a")).isFalse();
    assertThat(scope.contains("/a/bc")).isFalse();
  }

  @ParameterizedTest(name = "parent({0}) = {1}")
  @CsvSource({"/, /", "/a, /", "/a/b, /a", "/a/b/c, /a/b", "/zookeeper/quota, /zookeeper"})
  void parent(String path, String parent) {
    assertThat(SyncScope.parent(path)).isEqualTo(parent);
  }

  @ParameterizedTest(name = "child({0}, {1}) = {2}")
  @CsvSource({"/, a, /a", "/a, b, /a/b", "/a/b, c d, /a/b/c d"})
  void child(String parent, String name, String child) {
    assertThat(SyncScope.child(parent, name)).isEqualTo(child);
    assertThat(SyncScope.parent(child)).isEqualTo(parent);
  }

  @ParameterizedTest(name = "depth({0}) = {1}")
  @CsvSource({"/, 0", "/a, 1", "/a/b, 2", "/a/b/c, 3"})
  void depth(String path, int depth) {
    assertThat(SyncScope.depth(path)).isEqualTo(depth);
  }
}
