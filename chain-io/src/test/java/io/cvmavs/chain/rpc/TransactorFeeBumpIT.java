package io.cvmavs.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The transactor's nonce management and fee bump against a real anvil: with mining paused, a
 * transaction sits in the pool; the transactor re-sends it with the same nonce and a higher gas
 * price; when a block is finally mined exactly one version lands and the account's nonce moves by
 * one.
 */
@WithAnvil
class TransactorFeeBumpIT {

  @Test
  void aStuckTransactionIsReplacedWithAHigherFeeAndLandsOnce(AnvilNode anvil) throws Exception {
    Transactor tx =
        new Transactor(
            anvil.web3j(),
            anvil.account(5).credentials(),
            anvil.chainId(),
            Duration.ofSeconds(60),
            Duration.ofMillis(50),
            new Transactor.FeePolicy(Duration.ofMillis(300), 3, 25, null));
    String to = anvil.account(6).address();
    BigInteger nonceBefore = nonce(anvil, tx.address());
    BigInteger tipBefore = anvil.web3j().ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    anvil.pauseMining();
    try {
      CompletableFuture<TransactionReceipt> sent =
          CompletableFuture.supplyAsync(() -> tx.send(to, "0x", BigInteger.ONE, "transfer 1 wei"));
      await().atMost(Duration.ofSeconds(30)).until(() -> tx.feeBumps() >= 2);
      anvil.mine(1);
      TransactionReceipt receipt = sent.get();
      assertThat(receipt.isStatusOK()).isTrue();
      var mined =
          anvil
              .web3j()
              .ethGetTransactionByHash(receipt.getTransactionHash())
              .send()
              .getTransaction()
              .orElseThrow();
      assertThat(mined.getNonce()).isEqualTo(nonceBefore);
      assertThat(nonce(anvil, tx.address())).isEqualTo(nonceBefore.add(BigInteger.ONE));
      // The mined version is a replacement (EIP-1559): its tip is the node's suggested tip raised
      // by 25 % at least twice.
      assertThat(mined.getType()).isEqualTo("0x2");
      assertThat(mined.getMaxPriorityFeePerGas())
          .isGreaterThan(tipBefore.multiply(BigInteger.valueOf(15)).divide(BigInteger.TEN));

      // The next send uses the next nonce (kept locally), and lands too.
      CompletableFuture<TransactionReceipt> second =
          CompletableFuture.supplyAsync(() -> tx.send(to, "0x", BigInteger.TWO, "transfer 2 wei"));
      await().atMost(Duration.ofSeconds(30)).until(() -> pendingCount(anvil, tx.address()) > 0);
      anvil.mine(1);
      assertThat(second.get().isStatusOK()).isTrue();
      assertThat(nonce(anvil, tx.address())).isEqualTo(nonceBefore.add(BigInteger.TWO));
    } finally {
      anvil.setIntervalMining(Duration.ofSeconds(1));
    }
  }

  private static BigInteger nonce(AnvilNode anvil, String address) throws Exception {
    return anvil
        .web3j()
        .ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }

  private static long pendingCount(AnvilNode anvil, String address) throws Exception {
    return anvil
        .web3j()
        .ethGetTransactionCount(address, DefaultBlockParameterName.PENDING)
        .send()
        .getTransactionCount()
        .subtract(nonce(anvil, address))
        .longValueExact();
  }
}
