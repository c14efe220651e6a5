package io.cvmavs.localnet.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** JUnit 5 extension behind {@link WithStorageServers} (the shape of {@code AnvilExtension}). */
public final class StorageServersExtension implements ParameterResolver {
  public static final String BUCKET = "cvm-groups";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StorageServersExtension.class);
  private static final Path LOGS = Path.of("target", "localnet");

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == S3Server.class || type == ArLocal.class || type == IpfsDaemon.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    ExtensionContext.Store store = classContext.getStore(NAMESPACE);
    if (parameter.getParameter().getType() == S3Server.class) {
      return store
          .getOrComputeIfAbsent("s3", k -> new Stored(S3Server.start(LOGS, BUCKET)), Stored.class)
          .server();
    }
    if (parameter.getParameter().getType() == IpfsDaemon.class) {
      return store
          .getOrComputeIfAbsent("ipfs", k -> new Stored(IpfsDaemon.start(LOGS)), Stored.class)
          .server();
    }
    return store
        .getOrComputeIfAbsent("arlocal", k -> new Stored(ArLocal.start(LOGS)), Stored.class)
        .server();
  }

  private record Stored(AutoCloseable server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Exception {
      server.close();
    }
  }
}
