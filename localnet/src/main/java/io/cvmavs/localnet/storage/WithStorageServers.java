package io.cvmavs.localnet.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects real storage servers as parameters, one of each kind per test class, started on first use
 * and stopped after the class: {@link S3Server} (s3rver, bucket {@code cvm-groups}) and {@link
 * ArLocal} (arlocal), {@link IpfsDaemon} (the Helia Kubo-RPC test daemon). Logs in {@code
 * target/localnet/}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StorageServersExtension.class)
public @interface WithStorageServers {}
