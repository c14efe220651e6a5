package io.cvmavs.localnet.anvil;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link WithAnvil}: one anvil per test class, started on first use, kept
 * in the class's extension store and stopped when the class's context closes (also after failures).
 * Logs go to {@code target/localnet/anvil-<port>.log} of the module under test.
 */
public final class AnvilExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AnvilExtension.class);

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == AnvilNode.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    ExtensionContext classContext = classContext(extensionContext);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            "anvil",
            key -> new StoredNode(start(classContext.getRequiredTestClass())),
            StoredNode.class)
        .node();
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static AnvilNode start(Class<?> testClass) {
    WithAnvil config = testClass.getAnnotation(WithAnvil.class);
    AnvilOptions options = AnvilOptions.defaults().withLogDirectory(Path.of("target", "localnet"));
    if (config != null) {
      options = options.withAccounts(config.accounts());
      if (config.blockTimeMillis() > 0) {
        options = options.withBlockTime(Duration.ofMillis(config.blockTimeMillis()));
      }
    }
    return AnvilNode.start(options);
  }

  /** Closes the node when JUnit closes the store. */
  private record StoredNode(AnvilNode node) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      node.close();
    }
  }
}
