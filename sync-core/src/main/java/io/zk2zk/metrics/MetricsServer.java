package io.zk2zk.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.DefaultHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.lifecycle.NamedThreads;
import io.zk2zk.zk.StartupException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --metricsPort} endpoint: the Prometheus client's HTTP server on all interfaces (it is
 * there to be scraped), serving {@code /metrics} from the daemon's registry and {@code /health}
 * from its {@link HealthCheck}. Owns the server and its threads.
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  /** Path of the health endpoint. */
  public static final String HEALTH_PATH = "/health";

  private final HTTPServer server;
  private final Lifecycle lifecycle = new Lifecycle();

  private MetricsServer(HTTPServer server) {
    this.server = server;
    // made only once the server serves (see start): the lifecycle guards the one close
    lifecycle.start();
  }

  /**
   * Starts serving on {@code port} (0 picks a free one, for tests), with the JVM's metrics added to
   * the registry.
   *
   * @throws StartupException naming the port when it cannot be bound
   */
  public static MetricsServer start(int port, SyncMetrics metrics, HealthCheck health)
      throws StartupException {
    JvmMetrics.builder().register(metrics.registry());
    // scrapes are rare and quick: two threads are plenty, and they carry the daemon's names
    ExecutorService threads =
        new ThreadPoolExecutor(
            2,
            2,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            NamedThreads.numbered("zk2zk-metrics-http", 0));
    try {
      HTTPServer server =
          HTTPServer.builder()
              .port(port)
              .registry(metrics.registry())
              .executorService(threads)
              .registerHealthHandler(false)
              .defaultHandler(new RootHandler(health))
              .buildAndStart();
      log.info(
          "metrics on http://0.0.0.0:{}/metrics, health on http://0.0.0.0:{}{}",
          server.getPort(),
          server.getPort(),
          HEALTH_PATH);
      return new MetricsServer(server);
    } catch (IOException e) {
      threads.shutdownNow();
      String why = e instanceof BindException ? "the port is already in use" : e.toString();
      throw new StartupException("cannot serve metrics on --metricsPort " + port + ": " + why);
    }
  }

  /** The port served (the one asked for, or the one picked for 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops serving and ends its threads. Idempotent. */
  @Override
  public void close() {
    if (lifecycle.close()) {
      server.close();
    }
  }

  /**
   * Everything that is not {@code /metrics}: {@code /health}, the client's landing page on {@code
   * /}, 404 elsewhere.
   */
  private static final class RootHandler implements HttpHandler {
    private final HealthCheck health;
    private final HttpHandler landing = new DefaultHandler("/metrics");

    RootHandler(HealthCheck health) {
      this.health = health;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        if (HEALTH_PATH.equals(path)) {
          HealthCheck.Status s = health.status();
          respond(exchange, s.healthy() ? 200 : 503, s.reason() + "\n");
        } else if ("/".equals(path)) {
          landing.handle(exchange);
        } else {
          respond(exchange, 404, "not found; try /metrics or " + HEALTH_PATH + "\n");
        }
      }
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(code, -1);
        return;
      }
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
