package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for a TLS test, made with the JDK's {@code keytool} (no CA): a self-signed server
 * key pair and a self-signed client key pair (EC P-256, each with {@code SAN IP:127.0.0.1}, so that
 * hostname verification of {@code 127.0.0.1:port} passes), each in its own PKCS12 keystore, and one
 * PKCS12 truststore holding both certificates (so the server trusts the client and the client
 * trusts the server). Every store has its own random password, so a test can look for it in logs.
 */
public final class TlsMaterial {

  private static final long KEYTOOL_TIMEOUT_S = 60;

  private final Path serverKeyStore;
  private final Path clientKeyStore;
  private final Path trustStore;
  private final String serverKeyStorePassword;
  private final String clientKeyStorePassword;
  private final String trustStorePassword;

  private TlsMaterial(Path dir) {
    this.serverKeyStore = dir.resolve("server-keystore.p12");
    this.clientKeyStore = dir.resolve("client-keystore.p12");
    this.trustStore = dir.resolve("truststore.p12");
    this.serverKeyStorePassword = "server-ks-" + randomHex();
    this.clientKeyStorePassword = "client-ks-" + randomHex();
    this.trustStorePassword = "trust-" + randomHex();
  }

  /** Generates the three stores in {@code dir} (created if missing). */
  public static TlsMaterial generate(Path dir) {
    Path abs = dir.toAbsolutePath();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TlsMaterial m = new TlsMaterial(abs);
    Path serverCert = abs.resolve("server.crt");
    Path clientCert = abs.resolve("client.crt");
    m.keyPair("server", m.serverKeyStore, m.serverKeyStorePassword, serverCert);
    m.keyPair("client", m.clientKeyStore, m.clientKeyStorePassword, clientCert);
    m.trust("server", serverCert);
    m.trust("client", clientCert);
    return m;
  }

  private void keyPair(String alias, Path store, String password, Path certOut) {
    keytool(
        List.of(
            "-genkeypair",
            "-alias",
            alias,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-validity",
            "2",
            "-dname",
            "CN=zk2zk-e2e-" + alias,
            "-ext",
            "SAN=IP:127.0.0.1,DNS:localhost",
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
            "-keypass",
            password));
    keytool(
        List.of(
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
            "-file",
            certOut.toString()));
  }

  private void trust(String alias, Path cert) {
    keytool(
        List.of(
            "-importcert",
            "-noprompt",
            "-alias",
            alias,
            "-file",
            cert.toString(),
            "-keystore",
            trustStore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            trustStorePassword));
  }

  private static void keytool(List<String> args) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args.get(0) + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "keytool " + args.get(0) + " failed (exit " + p.exitValue() + "): " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + keytool, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  private static String randomHex() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * The {@code zoo.cfg} lines of a server that uses the server key pair and trusts the truststore
   * (the server turns these keys into {@code zookeeper.ssl.*} system properties).
   */
  public List<String> serverConfigLines() {
    return List.of(
        "ssl.keyStore.location=" + serverKeyStore,
        "ssl.keyStore.password=" + serverKeyStorePassword,
        "ssl.keyStore.type=PKCS12",
        "ssl.trustStore.location=" + trustStore,
        "ssl.trustStore.password=" + trustStorePassword,
        "ssl.trustStore.type=PKCS12");
  }

  /**
   * The lines of a ZooKeeper client configuration file ({@code ZKClientConfig} properties) for a
   * TLS client that presents the client key pair; hostname verification stays on.
   */
  public List<String> clientConfigLines() {
    return List.of(
        "zookeeper.client.secure=true",
        "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
        "zookeeper.ssl.keyStore.location=" + clientKeyStore,
        "zookeeper.ssl.keyStore.password=" + clientKeyStorePassword,
        "zookeeper.ssl.keyStore.type=PKCS12",
        "zookeeper.ssl.trustStore.location=" + trustStore,
        "zookeeper.ssl.trustStore.password=" + trustStorePassword,
        "zookeeper.ssl.trustStore.type=PKCS12");
  }

  /** Writes {@link #clientConfigLines()} to {@code file}; returns it. */
  public Path writeClientConfig(Path file) {
    try {
      Files.write(file, clientConfigLines(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toAbsolutePath();
  }

  /** Every password of the stores: none may show up in a log. */
  public List<String> secrets() {
    return List.of(serverKeyStorePassword, clientKeyStorePassword, trustStorePassword);
  }

  /**
   * Sockets that present the client key pair and trust the truststore (no hostname check), for
   * four-letter words on a TLS port.
   */
  public SSLSocketFactory clientSocketFactory() {
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(clientKeyStore, clientKeyStorePassword), clientKeyStorePassword.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(trustStore, trustStorePassword));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context from " + clientKeyStore, e);
    }
  }

  private static KeyStore load(Path file, String password) throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password.toCharArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return ks;
  }
}
