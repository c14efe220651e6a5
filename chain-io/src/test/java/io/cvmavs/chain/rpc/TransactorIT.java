package io.cvmavs.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.ChainException;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The one writer and the keyless reader against a real anvil: contracts are placed with {@code
 * anvil_setCode} (hand-assembled EVM code, no compiler needed): one that always reverts, one that
 * reverts once its storage slot 0 is set (so a transaction can pass gas estimation and then revert
 * when mined).
 */
@WithAnvil
class TransactorIT {
  /** {@code PUSH1 0 PUSH1 0 REVERT}. */
  private static final String ALWAYS_REVERTS = "0x60006000fd";

  /** {@code if (sload(0) != 0) revert(0, 0); stop}. */
  private static final String REVERTS_WHEN_SLOT0_SET = "0x600054600757005b60006000fd";

  private static final String REVERTER = "0x" + "0a".repeat(20);
  private static final String CONDITIONAL = "0x" + "0b".repeat(20);

  @Test
  void readingNeedsNoKeyAndChecksTheChainId(AnvilNode anvil) throws Exception {
    anvilCall(anvil, "anvil_setCode", REVERTER, ALWAYS_REVERTS);
    RpcClient rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.of(anvil.chainId()));
    assertThat(rpc.chainId()).isEqualTo(anvil.chainId());
    assertThat(rpc.blockNumber()).isGreaterThanOrEqualTo(0);
    // anvil tags a block 'finalized' (two epochs of slots behind its head, the genesis block
    // early).
    assertThat(rpc.finalizedBlockNumber()).isBetween(0L, rpc.blockNumber());
    assertThat(rpc.call(anvil.account(7).address(), "0x", "call an account")).isEqualTo("0x");
    assertThatThrownBy(() -> rpc.call(REVERTER, "0x", "probe()"))
        .isInstanceOfSatisfying(ChainException.Reverted.class, r -> assertThat(r.mined()).isFalse())
        .hasMessageStartingWith("probe() reverted");
    assertThatThrownBy(
            () -> ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.of(anvil.chainId() + 1)))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("serves chain " + anvil.chainId())
        .hasMessageContaining("the configuration says " + (anvil.chainId() + 1));
  }

  @Test
  void aWouldBeRevertIsRefusedBeforeAnythingIsSent(AnvilNode anvil) throws Exception {
    anvilCall(anvil, "anvil_setCode", REVERTER, ALWAYS_REVERTS);
    Transactor tx = Transactor.of(anvil.web3j(), anvil.account(8).credentials(), anvil.chainId());
    BigInteger nonce = nonce(anvil, tx.address(), DefaultBlockParameterName.PENDING);
    assertThatThrownBy(() -> tx.send(REVERTER, "0x", "poke()"))
        .isInstanceOfSatisfying(ChainException.Reverted.class, r -> assertThat(r.mined()).isFalse())
        .hasMessageStartingWith("poke() would revert");
    assertThat(nonce(anvil, tx.address(), DefaultBlockParameterName.PENDING)).isEqualTo(nonce);
    assertThat(tx.hasPending()).isFalse();
  }

  @Test
  void aTransferLandsAndTheNonceMovesByOne(AnvilNode anvil) throws Exception {
    Transactor tx = Transactor.of(anvil.web3j(), anvil.account(8).credentials(), anvil.chainId());
    String to = anvil.account(9).address();
    BigInteger nonce = nonce(anvil, tx.address(), DefaultBlockParameterName.LATEST);
    BigInteger balance =
        anvil.web3j().ethGetBalance(to, DefaultBlockParameterName.LATEST).send().getBalance();

    TransactionReceipt r = tx.send(to, "0x", BigInteger.valueOf(12345), "transfer");

    assertThat(r.isStatusOK()).isTrue();
    assertThat(r.getFrom()).isEqualToIgnoringCase(tx.address());
    assertThat(nonce(anvil, tx.address(), DefaultBlockParameterName.LATEST))
        .isEqualTo(nonce.add(BigInteger.ONE));
    assertThat(
            anvil.web3j().ethGetBalance(to, DefaultBlockParameterName.LATEST).send().getBalance())
        .isEqualTo(balance.add(BigInteger.valueOf(12345)));
    assertThat(tx.hasPending()).isFalse();
    // The reader a transactor hands out reads the same chain.
    assertThat(tx.reader().chainId()).isEqualTo(anvil.chainId());
    assertThat(tx.reader().blockNumber())
        .isGreaterThanOrEqualTo(r.getBlockNumber().longValueExact());
  }

  @Test
  void aTransactionRevertedWhenMinedIsAMinedRevertNamingItsHash(AnvilNode anvil) throws Exception {
    anvilCall(anvil, "anvil_setCode", CONDITIONAL, REVERTS_WHEN_SLOT0_SET);
    Transactor tx = Transactor.of(anvil.web3j(), anvil.account(8).credentials(), anvil.chainId());
    anvil.pauseMining();
    try {
      CompletableFuture<TransactionReceipt> sent =
          CompletableFuture.supplyAsync(() -> tx.send(CONDITIONAL, "0x", "trigger()"));
      await().atMost(Duration.ofSeconds(30)).until(tx::hasPending);
      // Estimated while slot 0 was clear; set it before the block is mined.
      anvilCall(anvil, "anvil_setStorageAt", CONDITIONAL, "0x0", "0x" + "0".repeat(63) + "1");
      anvil.mine(1);
      assertThatThrownBy(sent::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              ChainException.Reverted.class, r -> assertThat(r.mined()).isTrue())
          .hasMessageContaining("trigger() reverted in transaction 0x");
      assertThat(tx.hasPending()).isFalse();
    } finally {
      anvil.setIntervalMining(Duration.ofSeconds(1));
    }
  }

  private static void anvilCall(AnvilNode anvil, String method, String... params) throws Exception {
    var r =
        new Request<>(
                method,
                List.of((Object[]) params),
                new HttpService(anvil.rpcUrl()),
                ChainAccess.VoidResponse.class)
            .send();
    assertThat(r.hasError())
        .as(method + ": " + (r.hasError() ? r.getError().getMessage() : ""))
        .isFalse();
  }

  private static BigInteger nonce(AnvilNode anvil, String address, DefaultBlockParameterName at)
      throws Exception {
    return anvil.web3j().ethGetTransactionCount(address, at).send().getTransactionCount();
  }
}
