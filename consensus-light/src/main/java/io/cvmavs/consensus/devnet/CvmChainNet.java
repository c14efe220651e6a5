package io.cvmavs.consensus.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.CvmChainApp;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.engine.EthereumHead;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.validators.ValidatorSource;
import io.cvmavs.consensus.driver.DriverException;
import io.cvmavs.consensus.driver.LocalConsensusDriver;
import io.cvmavs.consensus.driver.LocalNet;
import io.cvmavs.consensus.driver.RoundRecord;
import io.cvmavs.consensus.driver.StoredBlock;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CVM chain on the local consensus driver (a test harness, not a consensus engine): one {@link
 * CvmChainApp} per validator (its own RocksDB under {@code dataDirectory/<name>}, its BLS key, its
 * CVM engine), served over the ABCI socket in this process, driven by {@link LocalNet} with the
 * validators' own Ed25519 keys and the chain's genesis {@code app_state}. The devnet ({@code
 * cvm-avs devnet}) and {@code CvmChainNetIT} run it; {@link #kill}/{@link #restart} stop and reopen
 * a validator's app on its data (the driver's handshake replays what it missed).
 */
public final class CvmChainNet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One validator: its Ed25519 consensus key (the one registered for its operator), its BLS key
   * (the one registered in the AVS registry) and the CVM it re-executes with.
   */
  public record Validator(
      String name,
      ValidatorKey consensusKey,
      BlsKeyPair bls,
      CvmEngine engine,
      Optional<ValidatorSource> validatorSource) {
    /** A validator without a validator source: the chain keeps its genesis set. */
    public Validator(String name, ValidatorKey consensusKey, BlsKeyPair bls, CvmEngine engine) {
      this(name, consensusKey, bls, engine, Optional.empty());
    }
  }

  /**
   * @param genesis the chain's app state; its BLS set must hold every validator (same keys)
   * @param ethereum every validator's view of Ethereum finality (vote extensions)
   * @param blockInterval pause between heights ({@code null}: the caller steps)
   */
  public record Settings(
      String chainId,
      GenesisState genesis,
      List<Validator> validators,
      EthereumHead ethereum,
      Path dataDirectory,
      Duration blockInterval,
      Duration callTimeout,
      Optional<io.cvmavs.consensus.app.bridge.DepositSource> deposits,
      Optional<io.cvmavs.consensus.app.registry.ManuscriptSource> manuscripts) {
    public Settings {
      validators = List.copyOf(validators);
    }

    /** Without the bridge: no validator credits deposits. */
    public Settings(
        String chainId,
        GenesisState genesis,
        List<Validator> validators,
        EthereumHead ethereum,
        Path dataDirectory,
        Duration blockInterval,
        Duration callTimeout) {
      this(
          chainId,
          genesis,
          validators,
          ethereum,
          dataDirectory,
          blockInterval,
          callTimeout,
          Optional.empty(),
          Optional.empty());
    }

    /** Every validator reads {@code CBridge} deposits through {@code source} (issue 19). */
    public Settings withDeposits(io.cvmavs.consensus.app.bridge.DepositSource source) {
      return new Settings(
          chainId,
          genesis,
          validators,
          ethereum,
          dataDirectory,
          blockInterval,
          callTimeout,
          Optional.of(source),
          manuscripts);
    }

    /** Every validator imports {@code CvmManuscriptRegistry} changes through {@code source}. */
    public Settings withManuscripts(io.cvmavs.consensus.app.registry.ManuscriptSource source) {
      return new Settings(
          chainId,
          genesis,
          validators,
          ethereum,
          dataDirectory,
          blockInterval,
          callTimeout,
          deposits,
          Optional.of(source));
    }
  }

  /** What the chain came to, read from the driver's blocks and an app's {@code /state/root}. */
  public record Status(
      long height,
      long cvmBlocks,
      int validators,
      int validatorsUp,
      String appHash,
      int certificates,
      long rejectedRounds,
      List<SetChange> setChanges) {}

  /**
   * A {@code ValidatorSetUpdate} that changed the set: FinalizeBlock of {@code height} returned
   * {@code updates} CometBFT validator updates (power 0 removes), in effect from {@code height + 2}
   * ({@code effective}: the driver's block there carries the new validators hash).
   */
  public record SetChange(long height, int updates, boolean effective) {}

  /** A {@code light sync} from height 1 to {@code height}: exit code and the last line. */
  public record LightSync(int exitCode, long height, String hash, int lines, String output) {}

  private final Settings settings;
  private final CvmChainApp[] apps;
  private LocalNet net;

  private CvmChainNet(Settings settings) {
    this.settings = settings;
    this.apps = new CvmChainApp[settings.validators().size()];
  }

  /**
   * Opens every validator's app, starts the driver (genesis handshake: InitChain with the app
   * state) and its RPC server on a free 127.0.0.1 port.
   *
   * @throws AppException a validator is not in the genesis BLS set with the same keys
   */
  public static CvmChainNet start(Settings settings) throws IOException, DriverException {
    List<Long> powers = new ArrayList<>();
    List<ValidatorKey> keys = new ArrayList<>();
    for (Validator v : settings.validators()) {
      ConsensusKey key = ConsensusKey.of(v.consensusKey().publicKey());
      BlsValidator g =
          settings.genesis().validators().entries().stream()
              .filter(e -> e.consensusKey().equals(key))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AppException(
                          v.name()
                              + ": consensus key "
                              + key.hex()
                              + " is not in the genesis validator set"));
      if (!g.g1().equals(v.bls().publicKeyG1())) {
        throw new AppException(
            v.name() + ": its BLS key is not the one the genesis set holds for it");
      }
      powers.add(g.power());
      keys.add(v.consensusKey());
    }
    CvmChainNet chain = new CvmChainNet(settings);
    LocalNet.Settings s =
        LocalNet.Settings.of(settings.chainId(), powers, chain::openApp)
            .withKeys(keys)
            .withAppState(ByteString.copyFrom(settings.genesis().toJsonBytes()))
            .withCallTimeout(settings.callTimeout());
    if (settings.blockInterval() != null) {
      s = s.withBlockInterval(settings.blockInterval());
    }
    try {
      chain.net = LocalNet.start(s);
    } catch (IOException | DriverException | RuntimeException e) {
      chain.close();
      throw e;
    }
    return chain;
  }

  /** Opens validator {@code i}'s app on its data directory, closing an earlier instance first. */
  private synchronized CvmChainApp openApp(int i) {
    if (apps[i] != null) {
      apps[i].close();
      apps[i] = null;
    }
    Validator v = settings.validators().get(i);
    CvmChainApp.Settings app =
        new CvmChainApp.Settings(
            Optional.of(v.bls()),
            settings.ethereum(),
            Optional.of(v.engine()),
            v.validatorSource(),
            100_000);
    if (settings.deposits().isPresent()) {
      app = app.withDeposits(settings.deposits().get());
    }
    if (settings.manuscripts().isPresent()) {
      app = app.withManuscripts(settings.manuscripts().get());
    }
    apps[i] = CvmChainApp.open(settings.dataDirectory().resolve(v.name()), app);
    return apps[i];
  }

  public LocalConsensusDriver driver() {
    return net.driver();
  }

  /** The driver's CometBFT-shaped RPC ({@code http://127.0.0.1:<port>}). */
  public URI rpc() {
    return net.rpc().uri();
  }

  public int size() {
    return apps.length;
  }

  public String name(int i) {
    return settings.validators().get(i).name();
  }

  /** Validator {@code i}'s current app (a new instance after {@link #restart}). */
  public synchronized CvmChainApp app(int i) {
    return apps[i];
  }

  /** Stops validator {@code i}'s ABCI server: to the driver it is down, as if its process died. */
  public void kill(int i) {
    net.kill(i);
  }

  /** Reopens validator {@code i}'s app on its data and serves it again on its old port. */
  public void restart(int i) throws IOException {
    net.restart(i);
  }

  /** One height, when the caller steps (no block interval). */
  public Optional<StoredBlock> step() throws DriverException {
    return net.driver().step();
  }

  /**
   * The chain's figures now, from the driver's decided blocks and their FinalizeBlock results (no
   * app is asked: an app busy re-executing a CVM block answers queries only after it).
   */
  public Status status() {
    LocalConsensusDriver d = net.driver();
    long height = d.latestHeight();
    int certificates = 0;
    long cvmBlocks = 0;
    String appHash = "";
    List<SetChange> changes = new ArrayList<>();
    for (long h = 1; h <= height; h++) {
      Optional<StoredBlock> b = d.block(h);
      if (b.isEmpty()) {
        continue;
      }
      int updates = b.get().finalizeResponse().getValidatorUpdatesCount();
      if (updates > 0) {
        Optional<StoredBlock> before = d.block(h + 1);
        Optional<StoredBlock> after = d.block(h + 2);
        boolean effective =
            before.isPresent()
                && after.isPresent()
                && !before
                    .get()
                    .header()
                    .getValidatorsHash()
                    .equals(after.get().header().getValidatorsHash());
        changes.add(new SetChange(h, updates, effective));
      }
      List<ByteString> txs = b.get().txs();
      for (int i = 0; i < txs.size(); i++) {
        Optional<TxEnvelope> env = decode(txs.get(i));
        boolean ok =
            i < b.get().finalizeResponse().getTxResultsCount()
                && b.get().finalizeResponse().getTxResults(i).getCode() == 0;
        if (ok && env.map(TxEnvelope::hasCertificate).orElse(false)) {
          certificates++;
        }
        if (ok && env.map(TxEnvelope::hasCvmBlock).orElse(false)) {
          cvmBlocks++;
        }
      }
      appHash =
          "0x"
              + java.util.HexFormat.of()
                  .formatHex(b.get().finalizeResponse().getAppHash().toByteArray());
    }
    int up = 0;
    for (int i = 0; i < apps.length; i++) {
      if (d.isUp(i)) {
        up++;
      }
    }
    long rejected =
        d.rounds().stream().filter(r -> r.outcome() == RoundRecord.Outcome.REJECTED).count();
    return new Status(
        height, cvmBlocks, apps.length, up, appHash, certificates, rejected, List.copyOf(changes));
  }

  /** An {@code abci_query} through the driver's RPC (as a client would ask); JSON answer. */
  public JsonNode query(String path) throws IOException {
    try (CometRpcClient rpc = new CometRpcClient(rpc(), Duration.ofSeconds(10))) {
      RpcTypes.Query q = rpc.abciQuery(path, new byte[0], 0, false);
      if (q.code() != 0) {
        throw new IOException("abci_query " + path + ": code " + q.code() + ": " + q.log());
      }
      return JSON.readTree(q.value());
    } catch (RpcException e) {
      throw new IOException("abci_query " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code cvm-avs light sync} against the driver's RPC: trusts block 1 by its header hash and
   * verifies every header to {@code toHeight} by bisection ({@link LightSyncTool}).
   */
  public LightSync lightSync(long toHeight) throws InterruptedException {
    String hash1 = LightJson.hex(HeaderHash.of(net.driver().block(1).orElseThrow().header()));
    StringWriter out = new StringWriter();
    int code;
    try (CometRpcClient rpc = new CometRpcClient(rpc(), Duration.ofSeconds(10))) {
      code =
          new LightSyncTool(rpc, Instant::now, new PrintWriter(out))
              .run(
                  new LightSyncTool.Settings(
                      1,
                      hash1,
                      LightVerifier.Options.of(Duration.ofDays(14)),
                      toHeight,
                      Duration.ofMillis(50)),
                  () -> false);
    }
    String[] lines = out.toString().strip().split("\n");
    long height = -1;
    String hash = "";
    try {
      JsonNode last = JSON.readTree(lines[lines.length - 1]);
      height = last.path("height").asLong(-1);
      hash = last.path("hash").asText("");
    } catch (IOException e) {
      // not a JSON line: the output says why
    }
    return new LightSync(code, height, hash, lines.length, out.toString());
  }

  private static Optional<TxEnvelope> decode(ByteString tx) {
    try {
      return Optional.of(TxCodec.decode(tx.toByteArray()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public synchronized void close() {
    if (net != null) {
      net.close();
    }
    for (int i = 0; i < apps.length; i++) {
      if (apps[i] != null) {
        apps[i].close();
        apps[i] = null;
      }
    }
  }
}
