package io.zk2zk.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zk2zk.audit.AuditLog;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.StartupException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP: metric names and labels as scraped, health codes, a busy port. */
class MetricsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheMetricsAndHealth() throws Exception {
    SyncMetrics metrics = new SyncMetrics(DaemonKind.T_SYNC);
    AtomicLong now = new AtomicLong();
    HealthCheck health = new HealthCheck(now::get);
    HealthCheck.Side source = health.add("source", "t1:2181", Duration.ofSeconds(4));
    health.add("target", "s1:2181", Duration.ofSeconds(4)).connected(true);
    source.connected(true);
    metrics.track(health);
    DirtyPaths dirty = new DirtyPaths();
    metrics.track(dirty);
    dirty.mark("/a");
    dirty.mark("/b");
    AuditLog audit = new AuditLog(metrics);
    audit.write(AuditOperation.EventNodeCreated, true, "", "/x");
    audit.write(AuditOperation.EventNodeCreated, true, "", "/y");
    audit.write(AuditOperation.EventNodeDeleted, false, "CONNECTIONLOSS", "/z");
    audit.alarm("/w", "cannot read: NOAUTH");

    try (MetricsServer server = MetricsServer.start(0, metrics, health)) {
      String before = get(server.port(), "/metrics").body();
      // nothing compared yet: no node counts, so no 0 that reads as "in sync"
      assertThat(before).doesNotContain("zk2zk_changed_nodes{").doesNotContain("zk2zk_nodes{");

      PassProgress pass =
          new ReconcileProgress(Duration.ofSeconds(10), metrics, null).begin(() -> -1);
      pass.read(7, 5);
      assertThat(get(server.port(), "/metrics").body())
          .contains("zk2zk_reconcile_running{daemon=\"t_sync\"} 1")
          .contains("zk2zk_reconcile_read_nodes{daemon=\"t_sync\",side=\"source\"} 7");
      pass.completed(6, 5, 1);
      pass.ended();

      HttpResponse<String> scrape = get(server.port(), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("zk2zk_nodes{daemon=\"t_sync\",side=\"source\"} 6.0")
          .contains("zk2zk_nodes{daemon=\"t_sync\",side=\"target\"} 5.0")
          .contains("zk2zk_changed_nodes{daemon=\"t_sync\"} 1.0")
          .contains("zk2zk_reconcile_passes_total{daemon=\"t_sync\"} 1.0")
          .contains("zk2zk_reconcile_running{daemon=\"t_sync\"} 0")
          .contains("zk2zk_dirty_paths{daemon=\"t_sync\"} 2.0")
          .contains(
              "zk2zk_writes_total{daemon=\"t_sync\",operation=\"EventNodeCreated\","
                  + "result=\"success\"} 2.0")
          .contains(
              "zk2zk_writes_total{daemon=\"t_sync\",operation=\"EventNodeDeleted\","
                  + "result=\"fail\"} 1.0")
          .contains(
              "zk2zk_writes_total{daemon=\"t_sync\",operation=\"EventNodeDataChanged\","
                  + "result=\"success\"} 0.0")
          .contains("zk2zk_alarms_total{daemon=\"t_sync\"} 1.0")
          .contains("zk2zk_connected{daemon=\"t_sync\",side=\"source\"} 1")
          .contains("zk2zk_connected{daemon=\"t_sync\",side=\"target\"} 1")
          .contains("zk2zk_leader{daemon=\"t_sync\"} 1.0")
          .contains("zk2zk_last_reconcile_end_timestamp_seconds{daemon=\"t_sync\"}")
          .contains("zk2zk_last_reconcile_duration_seconds{daemon=\"t_sync\"}")
          .contains("zk2zk_replication_lag_seconds_bucket{daemon=\"t_sync\",le=\"0.005\"}")
          .contains("jvm_memory_used_bytes");

      metrics.leader(false);
      assertThat(get(server.port(), "/metrics").body())
          .contains("zk2zk_leader{daemon=\"t_sync\"} 0.0");

      HttpResponse<String> healthy = get(server.port(), "/health");
      assertThat(healthy.statusCode()).isEqualTo(200);
      assertThat(healthy.body()).isEqualTo("ok\n");

      source.connected(false);
      now.addAndGet(Duration.ofSeconds(5).toNanos());
      HttpResponse<String> sick = get(server.port(), "/health");
      assertThat(sick.statusCode()).isEqualTo(503);
      assertThat(sick.body())
          .isEqualTo(
              "source t1:2181 disconnected for 5 s, longer than its session timeout (4 s)\n");
      assertThat(get(server.port(), "/metrics").body())
          .contains("zk2zk_connected{daemon=\"t_sync\",side=\"source\"} 0");

      assertThat(get(server.port(), "/nothing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void replicationLagIsMeasuredFromTheMarkToTheAuditedWrite() throws Exception {
    SyncMetrics metrics = new SyncMetrics(DaemonKind.ALL_SYNC);
    DirtyPaths dirty = new DirtyPaths();
    metrics.track(dirty);
    AuditLog audit = new AuditLog(metrics);
    dirty.mark("/a");
    dirty.take(10, Duration.ZERO);
    audit.write(AuditOperation.EventNodeCreated, true, "", "/a");
    // a write the reconcile pass made, not a marked change: no lag sample
    dirty.tryClaim(java.util.List.of("/b"));
    audit.write(AuditOperation.EventNodeCreated, true, "", "/b");
    try (MetricsServer server = MetricsServer.start(0, metrics, new HealthCheck())) {
      assertThat(get(server.port(), "/metrics").body())
          .contains("zk2zk_replication_lag_seconds_count{daemon=\"all_sync\"} 1")
          .contains("zk2zk_replication_lag_seconds_bucket{daemon=\"all_sync\",le=\"+Inf\"} 1");
    }
  }

  @Test
  void aBusyPortIsOneLineNamingThePort() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      int port = busy.getLocalPort();
      assertThatThrownBy(
              () ->
                  MetricsServer.start(
                      port, new SyncMetrics(DaemonKind.ALL_SYNC), new HealthCheck()))
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "cannot serve metrics on --metricsPort " + port + ": the port is already in use");
    }
  }
}
