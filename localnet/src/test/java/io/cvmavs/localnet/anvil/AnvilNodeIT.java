package io.cvmavs.localnet.anvil;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;

/** A real anvil through {@link WithAnvil}: dev accounts, snapshots and mining. */
@WithAnvil
class AnvilNodeIT {
  @Test
  void answersOnLoopbackWithChain31337AndTheDerivedDevAccounts(AnvilNode anvil) throws Exception {
    assertThat(anvil.rpcUrl()).startsWith("http://127.0.0.1:");
    assertThat(anvil.web3j().ethChainId().send().getChainId())
        .isEqualTo(BigInteger.valueOf(31_337));
    List<String> onChain = anvil.web3j().ethAccounts().send().getAccounts();
    assertThat(onChain).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(anvil.account(i).address()).isEqualToIgnoringCase(onChain.get(i));
    }
  }

  @Test
  void snapshotAndRevertIsolateState(AnvilNode anvil) throws Exception {
    String from = anvil.account(1).address();
    String to = anvil.account(2).address();
    BigInteger before = balance(anvil, to);
    String snapshot = anvil.snapshot();

    String hash =
        anvil
            .web3j()
            .ethSendTransaction(
                Transaction.createEtherTransaction(
                    from, null, null, BigInteger.valueOf(21_000), to, BigInteger.TEN.pow(18)))
            .send()
            .getTransactionHash();
    assertThat(anvil.awaitReceipt(hash, Duration.ofSeconds(10)).isStatusOK()).isTrue();
    assertThat(balance(anvil, to)).isEqualTo(before.add(BigInteger.TEN.pow(18)));

    anvil.revert(snapshot);
    assertThat(balance(anvil, to)).isEqualTo(before);
  }

  @Test
  void minesBlocksOnDemand(AnvilNode anvil) {
    long start = anvil.blockNumber();
    anvil.mine(5);
    assertThat(anvil.blockNumber()).isEqualTo(start + 5);
  }

  private static BigInteger balance(AnvilNode anvil, String address) throws Exception {
    return anvil
        .web3j()
        .ethGetBalance(address, DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }
}
