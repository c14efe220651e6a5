package io.cvmavs.operator.cvm;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.RegisteredManuscript;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.ManuscriptFetcher;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs manuscript register|list|show|deprecate|revoke} (issue 14): the on-chain
 * manuscript registry, {@code CvmManuscriptRegistry} of the deployment named by {@code --config}.
 * Writing commands send from the configuration's ECDSA keystore (password from {@code
 * OPERATOR_ECDSA_KEY_PASSWORD}, else a prompt): the AVS owner or an allow-listed registrar.
 */
final class ManuscriptRegistryCommands {
  private ManuscriptRegistryCommands() {}

  static final String CONTRACT = "CvmManuscriptRegistry";

  /** The registry's custom errors, so a refusal names the error instead of its selector. */
  static final List<String> ERRORS =
      List.of(
          "NotRegistrar(address)",
          "NotManuscriptOwner(bytes32,address)",
          "AlreadyRegistered(bytes32)",
          "UnknownManuscript(bytes32)",
          "ZeroHash()",
          "ZeroAddress()",
          "UnsupportedLocator(string)",
          "InvalidStatus(bytes32,uint8)",
          "OwnableUnauthorizedAccount(address)");

  /** {@code e} with the registry error its message carries named (unchanged when none). */
  static RuntimeException named(io.cvmavs.chain.ChainException e) {
    String m = String.valueOf(e.getMessage());
    for (String error : ERRORS) {
      String selector = io.cvmavs.chain.abi.Abi.selector(error);
      String bare = selector.startsWith("0x") ? selector.substring(2) : selector;
      if (m.contains(bare)) {
        return new io.cvmavs.chain.ChainException(
            m + " — " + error.substring(0, error.indexOf('(')) + " (" + CONTRACT + ")", e);
      }
    }
    return e;
  }

  static String registryAddress(OperatorConfig c) {
    return c.address(CONTRACT);
  }

  static RpcClient reader(OperatorConfig c) {
    return ChainAccess.read(c.ethRpcUrl(), c.chainId());
  }

  static byte[] parseHash(CommandSpec spec, String hex) {
    try {
      return Bytes32.parse("HASH", hex.startsWith("0x") ? hex : "0x" + hex);
    } catch (RuntimeException e) {
      throw new ParameterException(
          spec.commandLine(), "HASH must be 32 bytes of hex (0x…): " + e.getMessage());
    }
  }

  /** {@code cvm-avs manuscript register FILE --locator URI --config F}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register a manuscript in the CvmManuscriptRegistry (AVS owner or registrar): its keccak-256",
        "hash (what tasks name), SHA-256 content hash and the locator nodes fetch it from.",
        "The file must be attestable (parse, dataset sink, deterministic); the locator is fetched",
        "first (ipfs:// and ar:// through operator.yaml's manuscript_gateways, an IPFS CID checked",
        "against the bytes where it can be) and must serve the same bytes.",
        "The ECDSA keystore password: OPERATOR_ECDSA_KEY_PASSWORD, else a prompt."
      })
  static final class Register extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Parameters(paramLabel = "FILE", description = "Manuscript YAML file.")
    Path file;

    @Option(
        names = "--locator",
        required = true,
        paramLabel = "URI",
        description = "Where nodes fetch the file: file://, http://, https://, ipfs:// or ar://.")
    String locator;

    @Override
    public Integer call() throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      AttestedManuscript m = AttestedManuscript.load("eth", file.toString(), bytes);
      if (m.refusal().isPresent()) {
        throw new ParameterException(
            spec.commandLine(), file + " cannot be attested: " + m.refusal().get());
      }
      String scheme = schemeOf(locator);
      PrintWriter out = spec.commandLine().getOut();
      OperatorConfig c = config.load();
      // Every locator is fetched as a node would fetch it (ipfs:// and ar:// through the
      // configured gateways, the CID checked against the bytes where it can be) and must serve
      // exactly this file: nothing is sent otherwise.
      List<Path> roots =
          scheme.equals("file") ? List.of(Path.of(URI.create(locator)).getParent()) : List.of();
      byte[] served;
      try {
        served =
            new ManuscriptFetcher(
                    roots,
                    new ManuscriptFetcher.Gateways(c.ipfsGateways(), c.arweaveGateways()),
                    Duration.ofSeconds(10))
                .fetch(locator);
      } catch (ManuscriptFetcher.FetchException | IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--locator: " + e.getMessage());
      }
      if (!Arrays.equals(served, bytes)) {
        throw new ParameterException(
            spec.commandLine(),
            "--locator "
                + locator
                + " serves other bytes than "
                + file
                + " (keccak-256 0x"
                + HexFormat.of().formatHex(Keccak.hash(served))
                + ")");
      }
      String registry = registryAddress(c);
      Transactor tx =
          ChainAccess.open(
              c.ethRpcUrl(),
              new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore()),
              c.chainId());
      try {
        byte[] content = ManuscriptResolver.sha256(bytes);
        org.web3j.protocol.core.methods.response.TransactionReceipt receipt;
        try {
          receipt = new ManuscriptRegistryWriter(tx, registry).register(m.hash(), content, locator);
        } catch (io.cvmavs.chain.ChainException e) {
          throw named(e);
        }
        out.printf(
            "registered manuscript 0x%s (sha256 0x%s) at %s in %s, transaction %s (block %s)%n",
            HexFormat.of().formatHex(m.hash()),
            HexFormat.of().formatHex(content),
            locator,
            registry,
            receipt.getTransactionHash(),
            receipt.getBlockNumber());
        out.flush();
        return 0;
      } finally {
        tx.web3j().shutdown();
      }
    }

    private String schemeOf(String uri) {
      int i = uri.indexOf("://");
      if (i <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--locator " + uri + " is not a URI with a scheme");
      }
      return uri.substring(0, i).toLowerCase(Locale.ROOT);
    }
  }

  /** {@code cvm-avs manuscript list --config F}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the registered manuscripts: hash, status, owner, locator.")
  static final class ListManuscripts extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Override
    public Integer call() {
      OperatorConfig c = config.load();
      RpcClient rpc = reader(c);
      try {
        List<RegisteredManuscript> all =
            new ManuscriptRegistryReader(rpc, registryAddress(c)).all();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-66s  %-10s  %-42s  %s%n", "HASH", "STATUS", "OWNER", "LOCATOR");
        for (RegisteredManuscript m : all) {
          out.printf(
              "%-66s  %-10s  %-42s  %s%n", m.hashHex(), m.status().label(), m.owner(), m.locator());
        }
        out.printf("%d manuscript(s) in %s%n", all.size(), registryAddress(c));
        out.flush();
        return 0;
      } finally {
        rpc.web3j().shutdown();
      }
    }
  }

  /** {@code cvm-avs manuscript show HASH --config F}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one registered manuscript.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:registered", "1:not registered", "2:usage error"})
  static final class Show extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Parameters(paramLabel = "HASH", description = "Manuscript hash (keccak-256 of the file), 0x…")
    String hash;

    @Override
    public Integer call() {
      byte[] h = parseHash(spec, hash);
      OperatorConfig c = config.load();
      RpcClient rpc = reader(c);
      try {
        var m = new ManuscriptRegistryReader(rpc, registryAddress(c)).manuscriptOf(h);
        PrintWriter out = spec.commandLine().getOut();
        if (m.isEmpty()) {
          spec.commandLine()
              .getErr()
              .printf(
                  "manuscript %s is not registered in %s%n", Bytes32.hex(h), registryAddress(c));
          return 1;
        }
        RegisteredManuscript r = m.get();
        out.printf("manuscript hash   %s%n", r.hashHex());
        out.printf("content sha256    %s%n", r.contentHashHex());
        out.printf("status            %s%n", r.status().label());
        out.printf("owner             %s%n", r.owner());
        out.printf("registered block  %d%n", r.registeredBlock());
        out.printf("locator           %s%n", r.locator());
        out.flush();
        return 0;
      } finally {
        rpc.web3j().shutdown();
      }
    }
  }

  /** The options of a registry write that names one manuscript: deprecate and revoke. */
  abstract static class WriteByHash extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Parameters(paramLabel = "HASH", description = "Manuscript hash, 0x…")
    String hash;
  }

  /** {@code cvm-avs manuscript deprecate HASH --config F}. */
  @Command(
      name = "deprecate",
      mixinStandardHelpOptions = true,
      description = {
        "Deprecate a manuscript you registered: no new tasks name it; tasks already created are",
        "still attested. The ECDSA keystore password: OPERATOR_ECDSA_KEY_PASSWORD, else a prompt."
      })
  static final class Deprecate extends WriteByHash {
    @Override
    public Integer call() {
      byte[] h = parseHash(spec, hash);
      return send(spec, config, w -> w.deprecate(h), "deprecated " + Bytes32.hex(h));
    }
  }

  /** {@code cvm-avs manuscript revoke HASH --reason TEXT --config F}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a manuscript (AVS owner): nodes refuse every task naming it.",
        "The ECDSA keystore password: OPERATOR_ECDSA_KEY_PASSWORD, else a prompt."
      })
  static final class Revoke extends WriteByHash {
    @Option(names = "--reason", required = true, description = "Why (emitted in the event).")
    String reason;

    @Override
    public Integer call() {
      byte[] h = parseHash(spec, hash);
      return send(spec, config, w -> w.revoke(h, reason), "revoked " + Bytes32.hex(h));
    }
  }

  private interface Write {
    org.web3j.protocol.core.methods.response.TransactionReceipt apply(ManuscriptRegistryWriter w);
  }

  private static int send(CommandSpec spec, OperatorConfigFile config, Write write, String done) {
    OperatorConfig c = config.load();
    Transactor tx =
        ChainAccess.open(
            c.ethRpcUrl(),
            new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore()),
            c.chainId());
    try {
      org.web3j.protocol.core.methods.response.TransactionReceipt receipt;
      try {
        receipt = write.apply(new ManuscriptRegistryWriter(tx, registryAddress(c)));
      } catch (io.cvmavs.chain.ChainException e) {
        throw named(e);
      }
      spec.commandLine()
          .getOut()
          .printf("%s, transaction %s%n", done, receipt.getTransactionHash());
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      tx.web3j().shutdown();
    }
  }
}
