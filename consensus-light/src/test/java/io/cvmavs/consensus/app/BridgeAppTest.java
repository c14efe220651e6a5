package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.bridge.BridgeDeposit;
import io.cvmavs.consensus.app.bridge.DepositSource;
import io.cvmavs.consensus.app.bridge.Withdrawals;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal.ProposalStatus;
import io.cvmavs.consensus.proto.app.Deposits;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.Withdraw;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The bridge on the CVM chain (issue 19, item 2): deposits credited once final on Ethereum, in
 * nonce order, checked against each validator's own reading; signed withdrawals burned into the
 * withdrawals accumulator, provable against a certified checkpoint's root.
 */
class BridgeAppTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);

  @TempDir Path dir;

  /** Ethereum as the validators read it: the CBridge events, each in its block. */
  static final class FakeBridge implements DepositSource {
    final List<BridgeDeposit> events = new CopyOnWriteArrayList<>();

    @Override
    public List<BridgeDeposit> deposits(long fromNonce, long finalBlock, int max) {
      List<BridgeDeposit> out = new ArrayList<>();
      for (BridgeDeposit d : events) {
        if (d.nonce() >= fromNonce && d.ethBlock() <= finalBlock && out.size() < max) {
          out.add(d);
        }
      }
      return out;
    }

    BridgeDeposit add(byte[] recipient, BigInteger amount, long block) {
      byte[] tx = new byte[32];
      tx[0] = (byte) events.size();
      events.add(new BridgeDeposit(events.size(), address(0x51), recipient, amount, block, tx));
      return events.get(events.size() - 1);
    }
  }

  static byte[] address(int b) {
    byte[] a = new byte[20];
    a[19] = (byte) b;
    return a;
  }

  static final ECKeyPair ALICE = ECKeyPair.create(BigInteger.valueOf(0xa11ce));
  static final ECKeyPair BOB = ECKeyPair.create(BigInteger.valueOf(0xb0b));

  static byte[] addressOf(ECKeyPair k) {
    return HEX.parseHex(Keys.getAddress(k.getPublicKey()));
  }

  static ByteString withdraw(ECKeyPair signer, byte[] account, long seq, byte[] to, BigInteger v) {
    byte[] sig = Withdrawals.sign(Withdrawals.digest(TestChain.CHAIN_ID, seq, to, v), signer);
    return ByteString.copyFrom(
        TxCodec.envelope(
            TxEnvelope.newBuilder()
                .setWithdraw(
                    Withdraw.newBuilder()
                        .setAccount(ByteString.copyFrom(account))
                        .setSequence(seq)
                        .setRecipient(ByteString.copyFrom(to))
                        .setAmount(ByteString.copyFrom(TxCodec.amountBytes(v)))
                        .setSignature(ByteString.copyFrom(sig)))));
  }

  @Test
  void depositsAreCreditedOnceFinalAndAWithdrawalIsBurnedAndProvable() throws Exception {
    FakeBridge eth = new FakeBridge();
    byte[] alice = addressOf(ALICE);
    byte[] aliceWord = Withdrawals.account(alice);
    List<TestChain.Outcome> outcomes = new ArrayList<>();
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.setDeposits(eth);
      eth.add(aliceWord, ETHER.multiply(BigInteger.valueOf(5)), 105);
      eth.add(aliceWord, ETHER.multiply(BigInteger.valueOf(2)), 120);
      chain.ethFinal.set(110);
      outcomes.add(chain.step()); // height 1: no finality agreed yet
      outcomes.add(chain.step()); // height 2: final 110 agreed: deposit 0 only
      CvmChainApp app = chain.nodes.get(0).app;
      assertThat(
              outcomes.get(1).txs().stream()
                  .map(t -> TxCodec.decode(t.toByteArray()).getKindCase()))
          .containsExactly(
              TxEnvelope.KindCase.ETHEREUM_FINALITY,
              TxEnvelope.KindCase.CERTIFICATE,
              TxEnvelope.KindCase.DEPOSITS);
      assertThat(
              TestChain.query(app, "/bridge/account/0x" + HEX.formatHex(alice))
                  .get("balance")
                  .asText())
          .isEqualTo(ETHER.multiply(BigInteger.valueOf(5)).toString());
      assertThat(TestChain.query(app, "/bridge/status").get("next_deposit_nonce").asLong())
          .isEqualTo(1);

      chain.ethFinal.set(130);
      outcomes.add(chain.step()); // height 3: extensions of 2 still report 110
      outcomes.add(chain.step()); // height 4: 130 agreed: deposit 1
      JsonNode status = TestChain.query(app, "/bridge/status");
      assertThat(status.get("next_deposit_nonce").asLong()).isEqualTo(2);
      assertThat(status.get("supply").asText())
          .isEqualTo(ETHER.multiply(BigInteger.valueOf(7)).toString());
      // Credited once: later blocks carry no deposits.
      outcomes.add(chain.step());
      assertThat(outcomes.get(4).txs())
          .noneMatch(t -> TxCodec.decode(t.toByteArray()).hasDeposits());

      // Withdraw 3 $C to an Ethereum address; the mempool takes it, the next block burns it.
      byte[] to = address(0xee);
      BigInteger three = ETHER.multiply(BigInteger.valueOf(3));
      ByteString w = withdraw(ALICE, alice, 0, to, three);
      assertThat(TestChain.checkTx(app, w).getCode()).isZero();
      chain.mempool.add(w);
      TestChain.Outcome burned = chain.step();
      outcomes.add(burned);
      long burnHeight = chain.height();
      assertThat(burned.txs()).contains(w);
      assertThat(burned.responses().get(0).getTxResultsList()).allMatch(r -> r.getCode() == 0);
      JsonNode acct = TestChain.query(app, "/bridge/account/0x" + HEX.formatHex(aliceWord));
      assertThat(acct.get("balance").asText())
          .isEqualTo(ETHER.multiply(BigInteger.valueOf(4)).toString());
      assertThat(acct.get("sequence").asLong()).isEqualTo(1);
      status = TestChain.query(app, "/bridge/status");
      assertThat(status.get("supply").asText())
          .isEqualTo(ETHER.multiply(BigInteger.valueOf(4)).toString());
      assertThat(status.get("withdrawn").asText()).isEqualTo(three.toString());
      assertThat(status.get("withdrawals").asLong()).isEqualTo(1);
      byte[] leaf = Withdrawals.leaf(0, to, three);
      assertThat(app.state().withdrawals.root())
          .isEqualTo(
              io.cvmavs.consensus.app.model.IncrementalMerkleTree.rootOf(List.of(leaf), 0, null));

      // The same transaction again: its sequence is used.
      ResponseCheckTx replay = TestChain.checkTx(app, w);
      assertThat(replay.getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(replay.getLog()).contains("withdraw.sequence 0 is already used");
      chain.mempool.add(w);
      TestChain.Outcome next = chain.step(); // the proposer leaves the replay out
      outcomes.add(next);
      assertThat(next.txs()).doesNotContain(w);
      chain.mempool.clear();

      // Checkpoint of burnHeight+1 signs the root after burnHeight; it is certified in +2.
      outcomes.add(chain.step());
      long cpHeight = burnHeight + 1;
      JsonNode proof = TestChain.query(app, "/bridge/proof/0/" + cpHeight);
      JsonNode cert = TestChain.query(app, "/certificate/" + cpHeight);
      assertThat(proof.get("checkpoint").get("withdrawals_root").asText())
          .isEqualTo(cert.get("withdrawals_root").asText());
      List<byte[]> siblings = new ArrayList<>();
      proof.get("siblings").forEach(x -> siblings.add(HEX.parseHex(x.asText().substring(2))));
      assertThat(siblings).isEmpty(); // one leaf: every sibling is an empty subtree
      assertThat("0x" + HEX.formatHex(Withdrawals.computeRoot(leaf, 0, siblings)))
          .isEqualTo(cert.get("withdrawals_root").asText());
      assertThat(proof.get("recipient").asText()).isEqualTo("0x" + HEX.formatHex(to));
      assertThat(proof.get("amount").asText()).isEqualTo(three.toString());
      // The checkpoint of the burn height itself does not cover it yet.
      var early =
          app.query(RequestQuery.newBuilder().setPath("/bridge/proof/0/" + burnHeight).build());
      assertThat(early.getCode()).isEqualTo(1);
      assertThat(early.getLog())
          .contains("is not covered by the checkpoint of height " + burnHeight);

      // A fresh node without any Ethereum access replays the decided blocks to the same hashes.
      try (CvmChainApp other = chain.openWithoutEthereum(dir.resolve("other"))) {
        TestChain.replay(other, outcomes);
        assertThat(other.state().supply).isEqualTo(app.state().supply);
      }
      // The app hash covers the balances: its bridge leaf is listed.
      assertThat(TestChain.query(app, "/state/root").get("components").has("bridge")).isTrue();
    }
  }

  @Test
  void processProposalRejectsDepositsThatAreForgedGappedNotFinalOrUncheckable() throws Exception {
    FakeBridge eth = new FakeBridge();
    byte[] bob = Withdrawals.account(addressOf(BOB));
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.setDeposits(eth);
      eth.add(bob, ETHER, 101);
      eth.add(bob, ETHER, 102);
      chain.ethFinal.set(110);
      chain.step();
      long h = chain.height() + 1;
      TestChain.Node proposer = chain.nodes.get((int) (h % 4));
      List<ByteString> honest = proposer.app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      int at = -1;
      for (int i = 0; i < honest.size(); i++) {
        if (TxCodec.decode(honest.get(i).toByteArray()).hasDeposits()) {
          at = i;
        }
      }
      assertThat(at).as("the proposer credits both deposits").isGreaterThanOrEqualTo(0);
      Deposits good = TxCodec.decode(honest.get(at).toByteArray()).getDeposits();
      assertThat(good.getDepositsCount()).isEqualTo(2);

      // Amount inflated.
      assertRejected(
          chain,
          h,
          honest,
          at,
          d ->
              d.setDeposits(
                  0,
                  d.getDeposits(0).toBuilder()
                      .setAmount(
                          ByteString.copyFrom(
                              TxCodec.amountBytes(ETHER.multiply(BigInteger.TWO))))));
      // Recipient changed.
      assertRejected(
          chain,
          h,
          honest,
          at,
          d ->
              d.setDeposits(
                  1,
                  d.getDeposits(1).toBuilder()
                      .setRecipient(ByteString.copyFrom(Withdrawals.account(addressOf(ALICE))))));
      // A gap: nonce 1 without nonce 0.
      assertRejected(chain, h, honest, at, d -> d.removeDeposits(0));
      // Credited twice in one block.
      assertRejected(chain, h, honest, at, d -> d.addDeposits(d.getDeposits(1)));
      // A deposit that does not exist on Ethereum (nonce 2).
      assertRejected(
          chain, h, honest, at, d -> d.addDeposits(d.getDeposits(1).toBuilder().setNonce(2)));
      // A deposit claimed in a block above the agreed final height.
      assertRejected(
          chain,
          h,
          honest,
          at,
          d -> d.setDeposits(1, d.getDeposits(1).toBuilder().setEthBlock(500)));

      // A node that cannot read Ethereum cannot confirm deposits: it rejects.
      try (CvmChainApp blind = chain.openWithoutEthereum(dir.resolve("blind"))) {
        // (replays height 1, empty, then the honest proposal of 2 is refused for want of a source)
        // Height 1 was empty: same state.
        assertThat(
                blind
                    .finalizeBlock(
                        TestChain.finalizeRequest(1, List.of(), TestChain.blockHash(1, List.of())))
                    .getTxResultsCount())
            .isZero();
        blind.commit(RequestCommit.getDefaultInstance());
        assertThat(TestChain.process(blind, h, honest)).isEqualTo(ProposalStatus.REJECT);
      }

      // FinalizeBlock (no Ethereum) still refuses a gap with code 3 and changes nothing.
      List<ByteString> gapped = new ArrayList<>(honest);
      Deposits.Builder gb = good.toBuilder().removeDeposits(0);
      gapped.set(
          at, ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setDeposits(gb))));
      ResponseFinalizeBlock fin =
          chain
              .nodes
              .get(0)
              .app
              .finalizeBlock(TestChain.finalizeRequest(h, gapped, TestChain.blockHash(h, gapped)));
      assertThat(fin.getTxResults(at).getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(fin.getTxResults(at).getLog())
          .contains("nonce 1 is not the next one to credit (0)");

      // The honest proposal passes everywhere.
      for (TestChain.Node n : chain.nodes) {
        assertThat(TestChain.process(n, h, honest, TestChain.blockHash(h, honest)))
            .isEqualTo(ProposalStatus.ACCEPT);
      }
    }
  }

  private static void assertRejected(
      TestChain chain,
      long h,
      List<ByteString> honest,
      int at,
      UnaryOperator<Deposits.Builder> change) {
    List<ByteString> txs = new ArrayList<>(honest);
    Deposits.Builder d = TxCodec.decode(honest.get(at).toByteArray()).getDeposits().toBuilder();
    txs.set(
        at,
        ByteString.copyFrom(
            TxCodec.envelope(TxEnvelope.newBuilder().setDeposits(change.apply(d)))));
    for (TestChain.Node n : chain.nodes) {
      assertThat(TestChain.process(n, h, txs, TestChain.blockHash(h, txs)))
          .isEqualTo(ProposalStatus.REJECT);
    }
  }

  @Test
  void withdrawalsWithABadSignatureTooLargeOrMalformedAreRefused() throws Exception {
    FakeBridge eth = new FakeBridge();
    byte[] alice = addressOf(ALICE);
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.setDeposits(eth);
      eth.add(Withdrawals.account(alice), ETHER, 101);
      chain.ethFinal.set(110);
      chain.step();
      chain.step();
      CvmChainApp app = chain.nodes.get(0).app;
      byte[] to = address(0xee);
      ResponseCheckTx r = TestChain.checkTx(app, withdraw(BOB, alice, 0, to, ETHER));
      assertThat(r.getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(r.getLog()).contains("withdraw.signature is not withdraw.account's");
      r = TestChain.checkTx(app, withdraw(ALICE, alice, 0, to, ETHER.add(BigInteger.ONE)));
      assertThat(r.getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(r.getLog()).contains("exceeds the account's balance " + ETHER);
      ByteString good = withdraw(ALICE, alice, 0, to, ETHER);
      Withdraw.Builder bad = TxCodec.decode(good.toByteArray()).getWithdraw().toBuilder();
      bad.setRecipient(ByteString.copyFrom(new byte[19]));
      r =
          TestChain.checkTx(
              app, ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setWithdraw(bad))));
      assertThat(r.getCode()).isEqualTo(TxRefusedException.MALFORMED);
      assertThat(r.getLog()).contains("withdraw.recipient: must be 20 bytes, got 19");
      // Signed for another chain id: does not recover to the account.
      byte[] sig = Withdrawals.sign(Withdrawals.digest("other-chain", 0, to, ETHER), ALICE);
      Withdraw.Builder other =
          TxCodec.decode(good.toByteArray()).getWithdraw().toBuilder()
              .setSignature(ByteString.copyFrom(sig));
      assertThat(
              TestChain.checkTx(
                      app,
                      ByteString.copyFrom(
                          TxCodec.envelope(TxEnvelope.newBuilder().setWithdraw(other))))
                  .getCode())
          .isEqualTo(TxRefusedException.INVALID);
      // Two withdrawals of the whole balance in the mempool: the proposer keeps the first only.
      ByteString second = withdraw(ALICE, alice, 1, to, ETHER);
      chain.mempool.add(good);
      chain.mempool.add(second);
      TestChain.Outcome o = chain.step();
      assertThat(o.txs()).contains(good).doesNotContain(second);
      assertThat(app.state().supply).isZero();
      assertThat(app.state().withdrawn).isEqualTo(ETHER);
    }
  }
}
