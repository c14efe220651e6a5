package io.cvmavs.cvm.ingest;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.CToken;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Real ERC-20 activity on anvil: deploys the project's $C token with the forge deploy script, mints
 * to dev account 1 and makes transfers between dev accounts. Every transfer is one Transfer log;
 * the expected rows are read from the receipts, not computed.
 */
public final class TokenActivity {
  /** One Transfer event as the receipt reports it. */
  public record Transfer(
      String transactionHash,
      long logIndex,
      long blockNumber,
      String from,
      String to,
      BigInteger value) {}

  public record Result(String token, long firstBlock, long lastBlock, List<Transfer> transfers) {}

  private TokenActivity() {}

  public static Result run(AnvilNode anvil, int transfers) throws Exception {
    Deployments deployments = Deployments.read(ForgeDeploy.deploy(anvil));
    String token = deployments.address("CToken").toLowerCase(Locale.ROOT);
    long first = anvil.blockNumber() + 1;
    CToken admin =
        CToken.load(token, anvil.web3j(), anvil.account(0).credentials(), new DefaultGasProvider());
    List<Transfer> out = new ArrayList<>();
    collect(admin.mint(anvil.account(1).address(), BigInteger.TEN.pow(24)).send(), out);
    for (int i = 0; i < transfers; i++) {
      int from = 1 + (i % 3);
      int to = 1 + ((i + 1) % 3);
      CToken sender =
          CToken.load(
              token, anvil.web3j(), anvil.account(from).credentials(), new DefaultGasProvider());
      BigInteger amount =
          BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(1000 - i)).add(BigInteger.valueOf(i));
      if (from != 1) {
        // accounts 2 and 3 get funded by the transfers before them
        amount = amount.divide(BigInteger.valueOf(4));
      }
      collect(sender.transfer(anvil.account(to).address(), amount).send(), out);
    }
    return new Result(token, first, anvil.blockNumber(), out);
  }

  private static void collect(TransactionReceipt receipt, List<Transfer> out) {
    if (!receipt.isStatusOK()) {
      throw new IllegalStateException("transaction failed: " + receipt);
    }
    for (CToken.TransferEventResponse e : CToken.getTransferEvents(receipt)) {
      out.add(
          new Transfer(
              receipt.getTransactionHash().toLowerCase(Locale.ROOT),
              e.log.getLogIndex().longValueExact(),
              receipt.getBlockNumber().longValueExact(),
              e.from.toLowerCase(Locale.ROOT),
              e.to.toLowerCase(Locale.ROOT),
              e.value));
    }
  }
}
