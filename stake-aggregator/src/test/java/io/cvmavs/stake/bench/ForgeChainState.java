package io.cvmavs.stake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.localnet.process.ToolRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The benchmark's chain state built in forge's in-memory EVM ({@code
 * contracts/bench/ValidatorSetState.t.sol}, run as a forge test of the {@code bench} profile: the
 * real contracts, every registration through their entry points with {@code vm.prank}) and dumped
 * as a genesis {@code alloc}; anvil then starts from it with {@code --init}. Minutes instead of the
 * hours that 170,000 JSON-RPC transactions would take for 10,000 operators.
 *
 * <p>Files under {@code target/bench/validator-set-<N>x<S>/}: {@code keys.json} (written here:
 * ed25519 consensus keys, seed SHA-256("bench-consensus-i")), {@code deployment.json}, {@code
 * alloc.json}, {@code expected.json} (forge's own count and total power), {@code genesis.json}. A
 * state whose {@code keys.json} matches is reused unless {@code bench.rebuild} is set.
 */
final class ForgeChainState {
  static final String GENERATOR = "contracts/bench/ValidatorSetState.t.sol";
  private static final Pattern LISTENING = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)");

  private final RepoLayout repo;
  private final Path dir;
  private final int operators;
  private final JsonNode expected;

  private ForgeChainState(RepoLayout repo, Path dir, int operators, JsonNode expected) {
    this.repo = repo;
    this.dir = dir;
    this.operators = operators;
    this.expected = expected;
  }

  /** Builds (or reuses) the state of {@code n} operators × {@code strategies} strategies. */
  static ForgeChainState build(int n, int strategies, boolean rebuild) throws IOException {
    RepoLayout repo = RepoLayout.locate();
    Path rel = Path.of("target", "bench", "validator-set-" + n + "x" + strategies);
    Path dir = repo.root().resolve(rel);
    Files.createDirectories(dir);
    String keys = keysJson(n);
    Path keysFile = dir.resolve("keys.json");
    Path alloc = dir.resolve("alloc.json");
    Path expectedFile = dir.resolve("expected.json");
    boolean reuse =
        !rebuild
            && Files.isRegularFile(alloc)
            && Files.isRegularFile(expectedFile)
            && Files.isRegularFile(dir.resolve("deployment.json"))
            && Files.isRegularFile(keysFile)
            && Files.readString(keysFile).equals(keys);
    if (reuse) {
      System.out.println("forge state: reusing " + dir + " (-Dbench.rebuild=true to rebuild)");
    } else {
      Files.deleteIfExists(alloc);
      Files.deleteIfExists(expectedFile);
      Files.writeString(keysFile, keys);
      long t0 = System.nanoTime();
      ToolRun.run(
          List.of(
              repo.npmBinary("forge").toString(),
              "test",
              "--match-path",
              GENERATOR,
              // in-memory only; the whole population is one test call, above any block gas limit
              "--gas-limit",
              "9000000000000000000",
              "--disable-block-gas-limit"),
          repo.root(),
          Map.of(
              "FOUNDRY_PROFILE", "bench",
              "BENCH_DIR", rel.toString(),
              "BENCH_OPERATORS", Integer.toString(n),
              "BENCH_STRATEGIES", Integer.toString(strategies)),
          dir.resolve("forge.log"),
          Duration.ofMinutes(60));
      if (!Files.isRegularFile(alloc) || !Files.isRegularFile(expectedFile)) {
        throw new IllegalStateException("forge wrote no state; see " + dir.resolve("forge.log"));
      }
      System.out.printf(
          "forge state: %d operators × %d strategies in %.1f s (%d MB of alloc)%n",
          n, strategies, (System.nanoTime() - t0) / 1e9, Files.size(alloc) >> 20);
    }
    JsonNode exp = new ObjectMapper().readTree(expectedFile.toFile());
    if (exp.get("operators").asInt() != n || exp.get("strategies").asInt() != strategies) {
      throw new IllegalStateException("expected.json does not describe " + n + "×" + strategies);
    }
    writeGenesis(dir, alloc);
    return new ForgeChainState(repo, dir, n, exp);
  }

  Path deploymentFile() {
    return dir.resolve("deployment.json");
  }

  int operators() {
    return operators;
  }

  /** Total power forge computed from the amounts it deposited and staked (unit 1e18, no cap). */
  long expectedTotalPower() {
    return expected.get("totalPower").asLong();
  }

  /** The last block forge rolled to: every allocation and registration is in effect there. */
  long lastForgeBlock() {
    return expected.get("blockNumber").asLong();
  }

  /** Starts anvil on the dumped state (a free port, read from its log). */
  Anvil startAnvil() {
    List<String> command =
        List.of(
            repo.npmBinary("anvil").toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--chain-id",
            "31337",
            "--init",
            dir.resolve("genesis.json").toString());
    Path log = dir.resolve("anvil.log");
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int[] port = {0};
    LocalProcess p =
        LocalProcess.start(
            new ProcessSpec(
                "anvil",
                command,
                Map.of(),
                Optional.of(repo.root()),
                log,
                () -> {
                  if (!Files.exists(log)) {
                    return false;
                  }
                  Matcher m = LISTENING.matcher(Files.readString(log));
                  if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                    return true;
                  }
                  return false;
                },
                Duration.ofMinutes(5),
                repo.npmInstallHint()));
    return new Anvil(p, "http://127.0.0.1:" + port[0]);
  }

  /** anvil on the forge state. */
  record Anvil(LocalProcess process, String rpcUrl) implements AutoCloseable {
    /** Mines until the chain is past forge's last block; returns the latest block number. */
    long mineTo(long block) throws IOException, InterruptedException {
      HttpClient http = HttpClient.newHttpClient();
      String latest = post(http, "eth_blockNumber", "[]");
      long current = Long.decode(latest);
      if (current < block) {
        post(http, "anvil_mine", "[\"0x" + Long.toHexString(block - current) + "\"]");
      }
      return Long.decode(post(http, "eth_blockNumber", "[]"));
    }

    private String post(HttpClient http, String method, String params)
        throws IOException, InterruptedException {
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(rpcUrl))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode node = new ObjectMapper().readTree(r.body());
      if (node.has("error")) {
        throw new IllegalStateException(method + " failed: " + node.get("error"));
      }
      return node.get("result").isTextual() ? node.get("result").asText() : "0x0";
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /** The consensus key of operator i: ed25519 public key of seed SHA-256("bench-consensus-i"). */
  static byte[] consensusKey(int i) {
    try {
      byte[] seed =
          MessageDigest.getInstance("SHA-256")
              .digest(("bench-consensus-" + i).getBytes(StandardCharsets.US_ASCII));
      byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
      Ed25519.generatePublicKey(seed, 0, pk, 0);
      return pk;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String keysJson(int n) {
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add("\"0x" + HexFormat.of().formatHex(consensusKey(i)) + "\"");
    }
    return "{\"keys\": [" + String.join(", ", keys) + "]}";
  }

  /** genesis.json = anvil's chain config around forge's alloc, streamed (the alloc is large). */
  private static void writeGenesis(Path dir, Path alloc) throws IOException {
    Path genesis = dir.resolve("genesis.json");
    if (Files.isRegularFile(genesis)
        && Files.getLastModifiedTime(genesis).compareTo(Files.getLastModifiedTime(alloc)) > 0) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(genesis)) {
      out.write(
          ("{\"config\":{\"chainId\":31337},\"nonce\":\"0x0\",\"timestamp\":\"0x0\","
                  + "\"extraData\":\"0x\",\"gasLimit\":\"0x1c9c380\",\"difficulty\":\"0x0\","
                  + "\"number\":\"0x0\",\"alloc\":")
              .getBytes(StandardCharsets.US_ASCII));
      Files.copy(alloc, out);
      out.write('}');
    }
  }
}
