package io.cvmavs.localnet.storage;

import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real S3-compatible server for tests: s3rver (npm) on 127.0.0.1 with its own data folder and one
 * bucket created at start. Credentials are s3rver's fixed pair {@code S3RVER}/{@code S3RVER};
 * clients use path-style access.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "S3RVER";
  public static final String SECRET_KEY = "S3RVER";

  private final LocalProcess process;
  private final int port;
  private final String bucket;

  private S3Server(LocalProcess process, int port, String bucket) {
    this.process = process;
    this.port = port;
    this.bucket = bucket;
  }

  public static S3Server start(Path logDirectory, String bucket) {
    RepoLayout repo = RepoLayout.locate();
    int port = FreePort.onLoopback();
    Path data;
    try {
      Files.createDirectories(logDirectory);
      data = Files.createTempDirectory(logDirectory.toAbsolutePath(), "s3rver-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessSpec spec =
        new ProcessSpec(
            "s3rver",
            List.of(
                repo.npmBinary("s3rver").toString(),
                "-d",
                data.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "--no-vhost-buckets",
                "--configure-bucket",
                bucket),
            Map.of(),
            Optional.empty(),
            logDirectory.resolve("s3rver-" + port + ".log"),
            () -> HttpProbe.answers("http://127.0.0.1:" + port + "/" + bucket),
            Duration.ofSeconds(60),
            repo.npmInstallHint());
    return new S3Server(LocalProcess.start(spec), port, bucket);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String bucket() {
    return bucket;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
