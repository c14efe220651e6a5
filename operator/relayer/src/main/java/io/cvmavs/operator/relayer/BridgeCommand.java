package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code cvm-avs bridge deposit|withdraw|claim|status}: move `$C` between Ethereum ({@code
 * CBridge}) and the CVM chain with the configuration's ECDSA key, whose address is also its CVM
 * account (docs/BRIDGE.md). {@code status} only reads and opens no key. Each prints one JSON line.
 */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    description =
        "Deposit $C to the CVM chain, withdraw it, claim it on Ethereum, check the bridge.",
    subcommands = {
      BridgeCommand.Deposit.class,
      BridgeCommand.Withdraw.class,
      BridgeCommand.Claim.class,
      BridgeCommand.Status.class
    })
public final class BridgeCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Options every subcommand shares. */
  abstract static class Base extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Option(
        names = "--from-block",
        paramLabel = "N",
        description = "First Ethereum block of the bridge's logs (its deployment; default 0).")
    long fromBlock;

    Transactor transactor(OperatorConfig c) {
      return ChainAccess.open(c.ethRpcUrl(), key(c), c.chainId());
    }

    ECKeyPair key(OperatorConfig c) {
      return new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
    }

    void print(ObjectNode o) {
      var out = spec.commandLine().getOut();
      out.println(o);
      out.flush();
    }

    static BigInteger amount(CommandSpec spec, String text) {
      try {
        BigInteger v = new BigInteger(text);
        if (v.signum() <= 0 || v.bitLength() > 256) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--amount: expected an integer number of wei > 0, got '" + text + "'");
      }
    }

    static byte[] address(CommandSpec spec, String option, String text, int... lengths) {
      try {
        byte[] b = Numbers.bytes(text);
        for (int l : lengths) {
          if (b.length == l) {
            return b;
          }
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
      throw new ParameterException(
          spec.commandLine(), option + ": expected a 0x address, got '" + text + "'");
    }
  }

  /** Options of the subcommands that talk to a CVM chain node. */
  abstract static class WithCvm extends Base {
    @Option(
        names = "--cvm-rpc",
        required = true,
        paramLabel = "URL",
        description = "CVM chain node RPC")
    URI cvm;

    BridgeClient client(OperatorConfig c, Transactor tx) {
      return new BridgeClient(
          tx, c.address("CBridge"), c.address("CvmCheckpoints"), cvmRpc(), fromBlock);
    }

    /** A client that holds no key: it can only read (status). */
    BridgeClient readOnlyClient(OperatorConfig c) {
      return BridgeClient.readOnly(
          ChainAccess.read(c.ethRpcUrl(), c.chainId()),
          c.address("CBridge"),
          c.address("CvmCheckpoints"),
          cvmRpc(),
          fromBlock);
    }

    private CometRpcClient cvmRpc() {
      return new CometRpcClient(cvm, Duration.ofSeconds(15));
    }
  }

  @Command(
      name = "deposit",
      mixinStandardHelpOptions = true,
      description = "Lock $C in CBridge for a CVM account (approve + deposit).")
  public static final class Deposit extends Base {
    @Option(names = "--amount", required = true, paramLabel = "WEI", description = "Amount in wei")
    String amount;

    @Option(
        names = "--to",
        paramLabel = "ACCOUNT",
        description = "CVM account: 20-byte address or 32-byte word (default: the key's address)")
    Optional<String> to;

    @Override
    public Integer call() {
      BigInteger v = amount(spec, amount);
      OperatorConfig c = config.load();
      Transactor tx = transactor(c);
      byte[] account =
          to.isPresent() ? address(spec, "--to", to.get(), 20, 32) : Numbers.bytes(tx.address());
      // A deposit needs no CVM chain node.
      BridgeClient.Deposited d =
          new BridgeClient(tx, c.address("CBridge"), c.address("CvmCheckpoints"), null, fromBlock)
              .deposit(account, v);
      ObjectNode o = JSON.createObjectNode();
      o.put("nonce", d.nonce());
      o.put(
          "cvm_account",
          "0x"
              + Numbers.hex(io.cvmavs.consensus.app.bridge.Withdrawals.account(account))
                  .substring(2));
      o.put("amount", v.toString());
      o.put("tx", d.receipt().getTransactionHash());
      o.put("gas", d.receipt().getGasUsed().longValueExact());
      print(o);
      return 0;
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description =
          "Burn $C on the CVM chain (a Withdraw signed with the key) for an Ethereum address;"
              + " claim it once a checkpoint covering it is on Ethereum.")
  public static final class Withdraw extends WithCvm {
    @Option(names = "--amount", required = true, paramLabel = "WEI", description = "Amount in wei")
    String amount;

    @Option(
        names = "--to",
        paramLabel = "ADDRESS",
        description = "Ethereum recipient (default: the key's address)")
    Optional<String> to;

    @Override
    public Integer call() {
      BigInteger v = amount(spec, amount);
      OperatorConfig c = config.load();
      ECKeyPair key = key(c);
      byte[] recipient =
          to.isPresent()
              ? address(spec, "--to", to.get(), 20)
              : Numbers.bytes(Keys.getAddress(key.getPublicKey()));
      Transactor tx = ChainAccess.open(c.ethRpcUrl(), key, c.chainId());
      BridgeClient.Withdrawn w = client(c, tx).withdraw(key, recipient, v);
      ObjectNode o = JSON.createObjectNode();
      o.put("nonce", w.nonce());
      o.put("cvm_height", w.height());
      o.put("recipient", Numbers.hex(recipient));
      o.put("amount", v.toString());
      print(o);
      return 0;
    }
  }

  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      description =
          "Claim a withdrawal on Ethereum with its proof against CvmCheckpoints' latest checkpoint.")
  public static final class Claim extends WithCvm {
    @Option(names = "--nonce", required = true, paramLabel = "N", description = "Withdrawal nonce")
    long nonce;

    @Override
    public Integer call() {
      OperatorConfig c = config.load();
      BridgeClient.Claimed r = client(c, transactor(c)).claim(nonce);
      ObjectNode o = JSON.createObjectNode();
      o.put("nonce", nonce);
      o.put("checkpoint_height", r.checkpointHeight());
      o.put("checkpoint_index", r.checkpointIndex());
      o.put("tx", r.receipt().getTransactionHash());
      o.put("gas", r.receipt().getGasUsed().longValueExact());
      print(o);
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Both chains' bridge numbers and the conservation check (locked = CVM supply + in"
              + " flight); exit 1 when it does not hold.")
  public static final class Status extends WithCvm {
    @Override
    public Integer call() {
      OperatorConfig c = config.load();
      BridgeClient.Balance b = readOnlyClient(c).balance(); // reads only: no key is opened
      ObjectNode o = balanceJson(b);
      print(o);
      return b.conserved() ? 0 : 1;
    }
  }

  /** The balance as the CLI and the devnet summary print it. */
  public static ObjectNode balanceJson(BridgeClient.Balance b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("locked", b.locked().toString());
    o.put("cvm_supply", b.cvmSupply().toString());
    o.put("uncredited_deposits", b.uncredited().toString());
    o.put("unclaimed_withdrawals", b.unclaimed().toString());
    o.put("deposits", b.deposits());
    o.put("credited", b.credited());
    o.put("withdrawals", b.withdrawals());
    o.put("claimed", b.claimed());
    o.put("conserved", b.conserved());
    return o;
  }
}
