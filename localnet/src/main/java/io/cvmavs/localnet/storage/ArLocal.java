package io.cvmavs.localnet.storage;

import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real local Arweave gateway for tests: arlocal (npm), its database in a fresh folder, forced
 * onto 127.0.0.1 (arlocal itself listens on every interface; {@code
 * tools/localnet/loopback-only.cjs} is preloaded). arlocal does not verify signatures: tests check
 * transactions with arweave-js.
 */
public final class ArLocal implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final LocalProcess process;
  private final int port;

  private ArLocal(LocalProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static ArLocal start(Path logDirectory) {
    RepoLayout repo = RepoLayout.locate();
    int port = FreePort.onLoopback();
    Path work;
    try {
      Files.createDirectories(logDirectory);
      work = Files.createTempDirectory(logDirectory.toAbsolutePath(), "arlocal-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessSpec spec =
        new ProcessSpec(
            "arlocal",
            List.of(
                "node",
                "-r",
                repo.root().resolve("tools/localnet/loopback-only.cjs").toString(),
                repo.root().resolve("node_modules/arlocal/bin/index.js").toString(),
                String.valueOf(port),
                "--dbpath",
                "db"),
            Map.of(),
            Optional.of(work),
            logDirectory.resolve("arlocal-" + port + ".log"),
            () -> HttpProbe.answers("http://127.0.0.1:" + port + "/info"),
            Duration.ofSeconds(60),
            repo.npmInstallHint());
    return new ArLocal(LocalProcess.start(spec), port);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Gives {@code address} {@code winston} (arlocal's {@code /mint}). */
  public void mint(String address, long winston) {
    get("/mint/" + address + "/" + winston);
  }

  /** Mines {@code blocks} blocks (arlocal's {@code /mine}). */
  public void mine(int blocks) {
    get("/mine/" + blocks);
  }

  private void get(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "arlocal " + path + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
