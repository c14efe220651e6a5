package io.cvmavs.consensus.driver;

import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.abci.Application;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A local devnet of the {@link LocalConsensusDriver} (a test harness, not a consensus engine): one
 * {@link AbciServer} per validator on 127.0.0.1 serving the {@link Application} the factory makes
 * for it, the driver connected to them over the socket protocol, and the {@link DriverRpcServer}
 * over the chain. {@link #kill(int)} closes a validator's ABCI server (its app becomes
 * unreachable); {@link #restart(int)} serves a fresh app from the factory on the same port and the
 * driver's handshake replays what it missed.
 */
public final class LocalNet implements AutoCloseable {
  /**
   * What to start.
   *
   * @param powers genesis voting power per node (0: a node that is not a validator at genesis)
   * @param apps makes node {@code i}'s application (called again on {@link #restart(int)})
   * @param blockInterval pause between heights when running in the background ({@code null}: the
   *     caller steps the driver itself)
   * @param rpcPort the RPC server's port on 127.0.0.1 (0: any free port)
   * @param keys each node's Ed25519 consensus key (empty: random keys)
   * @param appState the genesis {@code app_state} bytes InitChain carries
   */
  public record Settings(
      String chainId,
      List<Long> powers,
      IntFunction<Application> apps,
      Duration blockInterval,
      int rpcPort,
      Duration callTimeout,
      List<ValidatorKey> keys,
      com.google.protobuf.ByteString appState) {
    public Settings {
      powers = List.copyOf(powers);
      keys = List.copyOf(keys);
      if (!keys.isEmpty() && keys.size() != powers.size()) {
        throw new IllegalArgumentException(
            keys.size() + " consensus keys for " + powers.size() + " nodes");
      }
    }

    public static Settings of(String chainId, List<Long> powers, IntFunction<Application> apps) {
      return new Settings(
          chainId,
          powers,
          apps,
          null,
          0,
          Duration.ofSeconds(5),
          List.of(),
          com.google.protobuf.ByteString.EMPTY);
    }

    public Settings withBlockInterval(Duration interval) {
      return new Settings(chainId, powers, apps, interval, rpcPort, callTimeout, keys, appState);
    }

    public Settings withRpcPort(int port) {
      return new Settings(chainId, powers, apps, blockInterval, port, callTimeout, keys, appState);
    }

    public Settings withCallTimeout(Duration timeout) {
      return new Settings(chainId, powers, apps, blockInterval, rpcPort, timeout, keys, appState);
    }

    /** The nodes' consensus keys (e.g. the operators' registered Ed25519 keys), in node order. */
    public Settings withKeys(List<ValidatorKey> consensusKeys) {
      return new Settings(
          chainId, powers, apps, blockInterval, rpcPort, callTimeout, consensusKeys, appState);
    }

    /** The genesis {@code app_state} (e.g. the CVM chain's {@code GenesisState} JSON). */
    public Settings withAppState(com.google.protobuf.ByteString state) {
      return new Settings(chainId, powers, apps, blockInterval, rpcPort, callTimeout, keys, state);
    }
  }

  private final Settings settings;
  private final AbciServer[] servers;
  private final InetSocketAddress[] addresses;
  private final List<ValidatorKey> keys = new ArrayList<>();
  private LocalConsensusDriver driver;
  private DriverRpcServer rpc;

  private LocalNet(Settings settings) {
    this.settings = settings;
    this.servers = new AbciServer[settings.powers().size()];
    this.addresses = new InetSocketAddress[servers.length];
  }

  /** Starts the apps' servers, the driver (genesis handshake) and the RPC server. */
  public static LocalNet start(Settings settings) throws IOException, DriverException {
    LocalNet net = new LocalNet(settings);
    try {
      SecureRandom random = new SecureRandom();
      List<LocalConsensusDriver.NodeSpec> specs = new ArrayList<>();
      for (int i = 0; i < net.servers.length; i++) {
        net.servers[i] =
            AbciServer.start(settings.apps().apply(i), AbciServer.Settings.loopback(0));
        net.addresses[i] = net.servers[i].address();
        ValidatorKey key =
            settings.keys().isEmpty() ? ValidatorKey.random(random) : settings.keys().get(i);
        net.keys.add(key);
        specs.add(
            new LocalConsensusDriver.NodeSpec(
                "validator-" + i, key, settings.powers().get(i), net.addresses[i]));
      }
      net.driver =
          LocalConsensusDriver.start(
              LocalConsensusDriver.Settings.of(settings.chainId(), specs)
                  .withCallTimeout(settings.callTimeout())
                  .withAppStateBytes(settings.appState()));
      net.rpc = DriverRpcServer.start(net.driver, settings.rpcPort());
      if (settings.blockInterval() != null) {
        net.driver.runEvery(settings.blockInterval());
      }
      return net;
    } catch (IOException | DriverException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  public LocalConsensusDriver driver() {
    return driver;
  }

  public DriverRpcServer rpc() {
    return rpc;
  }

  public int size() {
    return servers.length;
  }

  public ValidatorKey key(int node) {
    return keys.get(node);
  }

  /** Closes node {@code i}'s ABCI server: its app stops answering, as if its process died. */
  public void kill(int node) {
    AbciServer s = servers[node];
    servers[node] = null;
    if (s != null) {
      s.close();
    }
  }

  /**
   * Serves a new application from the factory for node {@code i} on its old port; the driver
   * reconnects at its next height.
   */
  public void restart(int node) throws IOException {
    if (servers[node] != null) {
      throw new IllegalStateException("node " + node + " is running");
    }
    servers[node] =
        AbciServer.start(
            settings.apps().apply(node), AbciServer.Settings.loopback(addresses[node].getPort()));
  }

  @Override
  public void close() {
    if (rpc != null) {
      rpc.close();
    }
    if (driver != null) {
      driver.close();
    }
    for (int i = 0; i < servers.length; i++) {
      kill(i);
    }
  }
}
