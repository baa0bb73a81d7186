package io.zk2zk.dubbo;

/** The service a provider exports: a new interface, first exported on T. */
public interface Greeter {

  /** Answers with the provider's label, so a caller knows which provider answered. */
  String greet(String name);
}
