package io.cvmavs.operator.devnet;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The one seeded operator fixture on a local anvil, used by the devnet and by every integration
 * test: the forge deploy with the aggregator role on its own account, an operator's keystores
 * (light scrypt) and {@code operator.yaml}, {@code cvm-avs operator register --devnet-fund} run
 * in-process, and the aggregator started on its own account. Keys and amounts are the caller's
 * (devnet: random BLS keys; tests: keys derived from a seed), so every run is reproducible where it
 * needs to be.
 *
 * <p>Only for dev chains: the accounts are anvil's public dev accounts and the passwords are fixed.
 */
public final class SeededOperators {
  /** Keystore passwords, handed to the CLI through the environment as an operator would. */
  public record Passwords(String bls, String ecdsa) {
    /** The devnet's (one password for both keystores). */
    public static final Passwords DEVNET =
        new Passwords("devnet-only-password", "devnet-only-password");

    /** The environment {@code operator register} reads them from. */
    public Map<String, String> env() {
      return Map.of("OPERATOR_BLS_KEY_PASSWORD", bls, "OPERATOR_ECDSA_KEY_PASSWORD", ecdsa);
    }
  }

  /**
   * One operator's files: its folder name (and {@code node_name}), anvil account, BLS key, the
   * aggregator it reports to (port 1, nothing, unless set) and the rest of {@code operator.yaml}.
   * Node API and metrics are off unless {@link #endpoints} sets their ports; {@code chain_id} is
   * written unless {@link #withoutChainId()}. A builder: each setter returns this operator.
   */
  public static final class Operator {
    private final String name;
    private final int account;
    private final BlsKeyPair bls;
    private int aggregatorPort = 1;
    private Optional<String> wsUrl = Optional.empty();
    private int socketPort;
    private OptionalInt nodeApiPort = OptionalInt.empty();
    private OptionalInt metricsPort = OptionalInt.empty();
    private boolean chainId = true;
    private Optional<Path> manuscriptLocatorDir = Optional.empty();

    private Operator(String name, int account, BlsKeyPair bls) {
      this.name = name;
      this.account = account;
      this.bls = bls;
      this.socketPort = 9000 + account;
    }

    /** Operator {@code name} on anvil account {@code account}; socket port 9000 + account. */
    public static Operator of(String name, int account, BlsKeyPair bls) {
      return new Operator(name, account, bls);
    }

    public String name() {
      return name;
    }

    public int account() {
      return account;
    }

    public BlsKeyPair bls() {
      return bls;
    }

    public Operator aggregatorPort(int port) {
      this.aggregatorPort = port;
      return this;
    }

    /** Another WebSocket URL than anvil's (a proxy in front of it). */
    public Operator wsUrl(String url) {
      this.wsUrl = Optional.of(url);
      return this;
    }

    public Operator socketPort(int port) {
      this.socketPort = port;
      return this;
    }

    /** Serves the node API and metrics on these loopback ports. */
    public Operator endpoints(int nodeApi, int metrics) {
      this.nodeApiPort = OptionalInt.of(nodeApi);
      this.metricsPort = OptionalInt.of(metrics);
      return this;
    }

    /** {@code manuscript_locator_dirs: [dir]}: registered file:// manuscripts may be read there. */
    public Operator manuscriptLocatorDir(Path dir) {
      this.manuscriptLocatorDir = Optional.of(dir.toAbsolutePath());
      return this;
    }

    /** Leaves {@code chain_id} out (the loader then takes the chain's word for it). */
    public Operator withoutChainId() {
      this.chainId = false;
      return this;
    }
  }

  /** The result of one in-process CLI run. */
  public record CliResult(int exitCode, String out, String err) {}

  private final AnvilNode anvil;
  private final Path deploymentFile;
  private final Path dir;
  private final Passwords passwords;
  private final Function<CliContext, CommandLine> commandLines;

  /**
   * @param dir every operator gets its own folder {@code dir/<name>}
   * @param commandLines makes a {@code cvm-avs} command line with a given context (the root's
   *     {@code CliRoot#newCommandLine}); {@code operator register} runs through it
   */
  public SeededOperators(
      AnvilNode anvil,
      Path deploymentFile,
      Path dir,
      Passwords passwords,
      Function<CliContext, CommandLine> commandLines) {
    this.anvil = anvil;
    this.deploymentFile = deploymentFile;
    this.dir = dir;
    this.passwords = passwords;
    this.commandLines = commandLines;
  }

  /**
   * The forge deploy script against {@code anvil} from account 0, with the aggregator role on its
   * own account {@code aggregatorAccount} (so its transactions never race the task generator's).
   */
  public static Path deploy(
      RepoLayout repo, AnvilNode anvil, int aggregatorAccount, Path deploymentFile, Path log) {
    return deploy(repo, anvil, aggregatorAccount, deploymentFile, log, Map.of());
  }

  /** As above, with further variables for the script (e.g. {@code AVS_ANCHOR_SUBMITTER}). */
  public static Path deploy(
      RepoLayout repo,
      AnvilNode anvil,
      int aggregatorAccount,
      Path deploymentFile,
      Path log,
      Map<String, String> extraEnv) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("AVS_AGGREGATOR", anvil.account(aggregatorAccount).address());
    return ForgeDeploy.deploy(
        repo, anvil.rpcUrl(), anvil.account(0).privateKeyHex(), deploymentFile, log, env);
  }

  public Path deploymentFile() {
    return deploymentFile;
  }

  public Passwords passwords() {
    return passwords;
  }

  /** Keystores and {@code operator.yaml} in {@code dir/<name>}; returns the yaml's path. */
  public Path write(Operator op) {
    try {
      Path opDir = Files.createDirectories(dir.resolve(op.name()));
      EcdsaKeystore.write(
          opDir.resolve("ecdsa.json"),
          anvil.account(op.account()).credentials().getEcKeyPair(),
          passwords.ecdsa().toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
      BlsKeystore.write(
          opDir.resolve("bls.json"),
          op.bls(),
          passwords.bls().toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
      List<String> yaml = new ArrayList<>();
      yaml.add("# written by cvm-avs (seeded dev operator: light scrypt, public dev accounts)");
      yaml.add("node_name: " + op.name());
      yaml.add("eth_rpc_url: " + anvil.rpcUrl());
      yaml.add("eth_ws_url: " + op.wsUrl.orElse(anvil.wsUrl()));
      if (op.chainId) {
        yaml.add("chain_id: " + anvil.chainId());
      }
      yaml.add("deployment_file: " + deploymentFile.toAbsolutePath());
      yaml.add("ecdsa_private_key_store_path: ecdsa.json");
      yaml.add("bls_private_key_store_path: bls.json");
      yaml.add("aggregator_url: http://127.0.0.1:" + op.aggregatorPort + "/");
      yaml.add("operator_socket: 127.0.0.1:" + op.socketPort);
      if (op.nodeApiPort.isPresent()) {
        yaml.add("enable_node_api: true");
        yaml.add("node_api_address: 127.0.0.1:" + op.nodeApiPort.getAsInt());
        yaml.add("enable_metrics: true");
        yaml.add("metrics_address: 127.0.0.1:" + op.metricsPort.getAsInt());
      } else {
        yaml.add("enable_node_api: false");
        yaml.add("enable_metrics: false");
      }
      yaml.add("data_dir: data");
      op.manuscriptLocatorDir.ifPresent(d -> yaml.add("manuscript_locator_dirs: [\"" + d + "\"]"));
      yaml.add("");
      Path config = opDir.resolve("operator.yaml");
      Files.writeString(config, String.join("\n", yaml));
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write operator " + op.name() + " under " + dir, e);
    }
  }

  /**
   * {@code operator register --config <config> --deposit 100ether --c-stake 50ether --consensus-key
   * <consensusKey> --devnet-fund}, in-process; returns its standard output.
   *
   * @throws IllegalStateException naming the config, the exit code and the whole output when it did
   *     not exit 0
   */
  public String register(Path config, byte[] consensusKey) {
    CliResult r = cli(registerArgs(config, consensusKey));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "registering the operator of "
              + config
              + " failed (exit "
              + r.exitCode()
              + "):\n"
              + r.out()
              + r.err());
    }
    return r.out();
  }

  /** The arguments of the fixture's {@code operator register} (amounts of the walk-through). */
  public static String[] registerArgs(Path config, byte[] consensusKey) {
    return new String[] {
      "operator",
      "register",
      "--config",
      config.toString(),
      "--deposit",
      "100ether",
      "--c-stake",
      "50ether",
      "--consensus-key",
      Bytes32.hex(consensusKey),
      "--devnet-fund"
    };
  }

  /** Writes operator {@code op} and registers it; returns its {@code operator.yaml}. */
  public Path writeAndRegister(Operator op, byte[] consensusKey) {
    Path config = write(op);
    register(config, consensusKey);
    return config;
  }

  /** Runs the {@code cvm-avs} CLI in-process with the fixture's passwords in its environment. */
  public CliResult cli(String... args) {
    return cli(commandLines, passwords, args);
  }

  /** Runs a {@code cvm-avs} command line in-process with {@code passwords} in its environment. */
  public static CliResult cli(
      Function<CliContext, CommandLine> commandLines, Passwords passwords, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = commandLines.apply(new CliContext(passwords.env()::get));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliResult(exit, out.toString(), err.toString());
  }

  /**
   * The aggregator in-process on anvil account {@code account}, listening on 127.0.0.1:{@code port}
   * (0: a free port); its {@code operator.yaml} is {@code op} (written unless it exists).
   */
  public AggregatorCommand.Running startAggregator(Operator op, int port, Duration pollInterval) {
    Path config = dir.resolve(op.name()).resolve("operator.yaml");
    if (!Files.exists(config)) {
      config = write(op);
    }
    return AggregatorCommand.start(
        OperatorConfigLoader.load(config),
        anvil.account(op.account()).credentials().getEcKeyPair(),
        "127.0.0.1",
        port,
        pollInterval);
  }
}
