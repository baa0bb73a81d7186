package io.zk2zk.demo;

/** A demo step that did not turn out as the migration promises; its message is shown as is. */
class DemoFailure extends RuntimeException {

  DemoFailure(String message) {
    super(message);
  }

  DemoFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
