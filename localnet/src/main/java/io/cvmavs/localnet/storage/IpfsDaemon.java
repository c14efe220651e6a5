package io.cvmavs.localnet.storage;

import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tests' IPFS node: {@code tools/ipfs/helia-rpc.mjs}, a Kubo-RPC-compatible daemon on Helia's
 * UnixFS with an in-memory blockstore and no networking, on 127.0.0.1 (no Kubo binary can be
 * installed here).
 */
public final class IpfsDaemon implements AutoCloseable {
  private final LocalProcess process;
  private final int port;

  private IpfsDaemon(LocalProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static IpfsDaemon start(Path logDirectory) {
    RepoLayout repo = RepoLayout.locate();
    int port = FreePort.onLoopback();
    HttpClient http = HttpClient.newHttpClient();
    ProcessSpec spec =
        new ProcessSpec(
            "helia-rpc",
            List.of(
                "node",
                repo.root().resolve("tools/ipfs/helia-rpc.mjs").toString(),
                String.valueOf(port)),
            Map.of(),
            Optional.empty(),
            logDirectory.resolve("helia-rpc-" + port + ".log"),
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/api/v0/id"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200,
            Duration.ofSeconds(60),
            repo.npmInstallHint());
    return new IpfsDaemon(LocalProcess.start(spec), port);
  }

  /** The RPC API address (what Kubo serves on port 5001). */
  public String apiUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.close();
  }
}
