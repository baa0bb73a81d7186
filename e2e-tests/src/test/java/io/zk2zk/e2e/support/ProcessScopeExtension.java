package io.zk2zk.e2e.support;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link ProcessScope} into test and {@code @BeforeEach} methods (one per test) and
 * closes it after the test, so that every process stops even when the test fails; on failure it
 * first prints the tails of the processes' logs.
 */
public final class ProcessScopeExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ProcessScopeExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == ProcessScope.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      throw new IllegalStateException("ProcessScope is per test: use it in test or @BeforeEach");
    }
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(ProcessScope.class, key -> newScope(context), ProcessScope.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ProcessScope scope = context.getStore(NAMESPACE).remove(ProcessScope.class, ProcessScope.class);
    if (scope == null) {
      return;
    }
    try {
      if (context.getExecutionException().isPresent()) {
        // The failsafe report of the test class shows what the processes said last.
        System.err.println(
            "==== " + context.getDisplayName() + " failed; process logs:\n" + scope.diagnostics());
      }
    } finally {
      scope.close();
    }
  }

  private static ProcessScope newScope(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    Method method = context.getRequiredTestMethod();
    // Parameterized and repeated tests share a method: their display names ("[1] 3.4.14") tell the
    // invocations apart.
    String name = method.getName();
    String display = context.getDisplayName();
    if (!display.startsWith(name + "(")) {
      name += "_" + display.replaceAll("[^A-Za-z0-9.-]+", "_").replaceAll("^_+|_+$", "");
    }
    return new ProcessScope(E2EConfig.workDir().resolve(testClass.getSimpleName()).resolve(name));
  }
}
