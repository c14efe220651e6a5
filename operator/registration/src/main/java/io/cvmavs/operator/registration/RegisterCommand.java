package io.cvmavs.operator.registration;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.Ed25519Keystore;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code cvm-avs operator register --config F [--deposit AMOUNT] …}. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description =
        "Register with EigenLayer and the CVM AVS: performs what is missing of registerAsOperator,"
            + " deposit, allocation, $C stake and operator-set registration (idempotent).")
public final class RegisterCommand extends CliCommand {
  @Mixin OperatorConfigFile config;

  @Option(
      names = "--deposit",
      paramLabel = "AMOUNT",
      description = "Strategy token to restake: wei, or with an 'ether' suffix (e.g. 100ether).")
  String deposit = "0";

  @Option(names = "--c-stake", paramLabel = "AMOUNT", description = "$C to stake (wei or 'ether').")
  String cStake = "0";

  @Option(
      names = "--consensus-key",
      paramLabel = "0x<32 bytes>|FILE",
      description =
          "Ed25519 public key of the operator's validator (needed to stake $C): hex, or an Ed25519"
              + " keystore from 'cvm-avs keys create --type ed25519'.")
  String consensusKey;

  @Option(
      names = "--magnitude",
      paramLabel = "WAD",
      description = "Share of the strategy to allocate to the operator set, 1e18 = all (default).")
  String magnitude = "1000000000000000000";

  @Option(names = "--metadata-uri", description = "EigenLayer operator metadata URI.")
  String metadataUri = "https://cvm-avs.invalid/operator.json";

  @Option(
      names = "--devnet-fund",
      description =
          "Devnet only (chain 31337 and a deployment with the stand-in core): mint missing strategy"
              + " tokens and $C from the deployer account.")
  boolean devnetFund;

  @Override
  public Integer call() {
    OperatorConfig c = config.load();
    // Arguments first: a typo must not cost a transaction.
    OperatorRegistration.Request request =
        new OperatorRegistration.Request(
            amount("--deposit", deposit),
            amount("--c-stake", cStake),
            Optional.ofNullable(consensusKey).map(this::consensusKey),
            amount("--magnitude", magnitude),
            c.socket(),
            metadataUri);
    KeystoreAccess keys = new KeystoreAccess(CliContext.of(spec));
    Transactor operator =
        ChainAccess.open(c.ethRpcUrl(), keys.openEcdsa(c.ecdsaKeystore()), c.chainId());
    BlsKeyPair bls = keys.openBls(c.blsKeystore());
    PrintWriter out = spec.commandLine().getOut();
    Optional<Deployments> deployment = c.deploymentFile().map(Deployments::read);
    Optional<Transactor> funder = Optional.empty();
    if (devnetFund) {
      checkDevnet(operator.chainId(), deployment, c);
      funder =
          Optional.of(ChainAccess.open(c.ethRpcUrl(), ChainAccess.devnetDeployer(), c.chainId()));
    }
    RegistrationContracts contracts = RegistrationContracts.from(c);
    RegistrationPreflight.check(
            RegistrationPreflight.Chain.of(operator.reader()),
            contracts,
            deployment.map(Deployments::chainId).or(c::chainId),
            deployment.map(d -> "deployment_file " + d.source()).orElse(c.source().toString()))
        .forEach(out::println);
    OperatorRegistration registration =
        new OperatorRegistration(
            contracts, operator, funder, bls, waiter(operator, c), out::println);
    registration.register(request);
    out.println("operatorId " + Bytes32.hex(bls.operatorId()));
    return 0;
  }

  /**
   * {@code --devnet-fund} mints tokens from the deployer account: only on a devnet, i.e. chain
   * 31337 with a deployment whose core is the repository's stand-ins ({@code coreStandIns: true}),
   * where the token is the stand-in's mintable one, never a real token.
   */
  private void checkDevnet(long chainId, Optional<Deployments> deployment, OperatorConfig c) {
    if (chainId != ChainAccess.DEVNET_CHAIN_ID) {
      throw new ParameterException(
          spec.commandLine(),
          "--devnet-fund is for the devnet (chain 31337), not chain " + chainId + "; nothing sent");
    }
    if (deployment.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--devnet-fund needs a deployment_file marking the devnet's stand-in core"
              + " (coreStandIns: true); "
              + c.source()
              + " has none; nothing sent");
    }
    String standIns = deployment.get().values().get("coreStandIns");
    if (!"true".equalsIgnoreCase(String.valueOf(standIns).trim())) {
      throw new ParameterException(
          spec.commandLine(),
          "--devnet-fund refused: "
              + deployment.get().source()
              + " is a deployment against EigenLayer's own core (coreStandIns: "
              + standIns
              + "), whose tokens are not the devnet's to mint; nothing sent");
    }
  }

  /** {@code 0x<32 bytes>}, or the path of an Ed25519 keystore (its public key; no password). */
  private byte[] consensusKey(String value) {
    Path file = Path.of(value);
    if (!value.startsWith("0x") && Files.isRegularFile(file)) {
      try {
        return Bytes32.parse("--consensus-key", Ed25519Keystore.readPublicKey(file));
      } catch (RuntimeException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--consensus-key " + value + ": not an Ed25519 keystore: " + e.getMessage());
      }
    }
    return Bytes32.parse("--consensus-key", value);
  }

  static BlockWaiter waiter(Transactor rpc, OperatorConfig c) {
    return block -> {
      while (true) {
        long now =
            rpc.web3j().ethBlockNumber().sendAsync().join().getBlockNumber().longValueExact();
        if (now >= block) {
          return;
        }
        if (rpc.chainId() == ChainAccess.DEVNET_CHAIN_ID) {
          ChainAccess.anvilMine(c.ethRpcUrl(), block - now);
        } else {
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistrationException("interrupted while waiting for block " + block);
          }
        }
      }
    };
  }

  BigInteger amount(String option, String value) {
    try {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      if (v.endsWith("ether")) {
        return new BigDecimal(v.substring(0, v.length() - 5).trim())
            .movePointRight(18)
            .toBigIntegerExact();
      }
      BigInteger wei = new BigInteger(v);
      if (wei.signum() < 0) {
        throw new NumberFormatException("negative");
      }
      return wei;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ParameterException(
          spec.commandLine(), option + ": not an amount in wei or ether: " + value);
    }
  }
}
