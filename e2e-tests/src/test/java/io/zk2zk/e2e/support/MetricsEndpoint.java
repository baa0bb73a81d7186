package io.zk2zk.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A daemon's {@code --metricsPort} as a monitoring system reads it, over HTTP. */
public final class MetricsEndpoint {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MetricsEndpoint() {}

  /** GET of {@code path} on the daemon's port. */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** One scrape: sample name with labels (as exposed) to value. */
  public static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = get(port, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** A sample's name as exposed, e.g. {@code zk2zk_nodes{daemon="all_sync",side="source"}}. */
  public static String sample(String daemon, String name, String... labels) {
    StringBuilder b = new StringBuilder(name).append("{daemon=\"").append(daemon).append('"');
    for (int i = 0; i < labels.length; i += 2) {
      b.append(',').append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
    }
    return b.append('}').toString();
  }
}
