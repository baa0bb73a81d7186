package io.zk2zk.dubbo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.dubbo.common.utils.NetUtils;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MetadataReportConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.awaitility.Awaitility;

/**
 * One Dubbo 3 process, as a user's application runs it, with ZooKeeper as registry and metadata
 * report: {@code provider <zk> <app> <port>} exports {@link Greeter} and prints {@code READY};
 * {@code consumer <zk> <app>} calls it through application-level service discovery only (the
 * mapping and metadata nodes must be there) and prints {@code CALLED <answer>}, exit code 0.
 */
public final class DubboApp {

  private DubboApp() {}

  public static void main(String[] args) throws Exception {
    String role = args[0];
    String zk = "zookeeper://" + args[1];
    if (!"provider".equals(role)) {
      // application-level discovery only: no fallback to the interface-level registrations
      System.setProperty("dubbo.application.service-discovery.migration", "FORCE_APPLICATION");
    }
    ApplicationConfig app = new ApplicationConfig(args[2]);
    app.setQosEnable(false);
    DubboBootstrap dubbo =
        DubboBootstrap.getInstance()
            .application(app)
            .registry(new RegistryConfig(zk))
            .metadataReport(new MetadataReportConfig(zk));
    if ("provider".equals(role)) {
      ServiceConfig<Greeter> service = new ServiceConfig<>();
      service.setInterface(Greeter.class);
      service.setRef(name -> "hello " + name + " from " + args[2]);
      ProtocolConfig protocol = new ProtocolConfig("dubbo", Integer.parseInt(args[3]));
      // Dubbo registers no loopback address: the host's own, and only there is it bound
      protocol.setHost(NetUtils.getLocalHost());
      dubbo.protocol(protocol).service(service).start();
      System.out.println("READY");
      System.out.flush();
      new CountDownLatch(1).await(); // until the test stops the process
      return;
    }
    ReferenceConfig<Greeter> reference = new ReferenceConfig<>();
    reference.setInterface(Greeter.class);
    reference.setCheck(false);
    reference.setTimeout(3000);
    dubbo.reference(reference).start();
    Greeter greeter = reference.get();
    // a consumer retries its call until the provider is discovered
    String answer =
        Awaitility.await("a call answered")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> greeter.greet("consumer"), a -> a != null);
    System.out.println("CALLED " + answer);
    System.out.flush();
    dubbo.stop();
    System.exit(0);
  }
}
