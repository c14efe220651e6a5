package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.registry.ManuscriptChange;
import io.cvmavs.consensus.app.registry.ManuscriptSource;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal.ProposalStatus;
import io.cvmavs.consensus.proto.app.ManuscriptChanges;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manuscript registry on the CVM chain (issue 14 through issue 17's rule): registrations,
 * deprecations and revocations of {@code CvmManuscriptRegistry} enter only through a proposer's
 * {@code ManuscriptChanges} transaction, checked by every validator against its own reading, and
 * decide which manuscripts get CVM blocks.
 */
class ManuscriptRegistryAppTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] M0 = TestChain.MANUSCRIPT;
  private static final byte[] M1 = Keccak.hash("second manuscript".getBytes());

  @TempDir Path dir;

  /** The registry as the validators read it: its events, in chain order. */
  static final class FakeRegistry implements ManuscriptSource {
    final List<ManuscriptChange> events = new CopyOnWriteArrayList<>();

    @Override
    public List<ManuscriptChange> changes(
        long fromBlock, long fromLogIndex, long finalBlock, int max) {
      List<ManuscriptChange> out = new ArrayList<>();
      for (ManuscriptChange c : events) {
        if (c.atOrAfter(fromBlock, fromLogIndex)
            && c.ethBlock() <= finalBlock
            && out.size() < max) {
          out.add(c);
        }
      }
      return out;
    }

    void register(byte[] hash, long block, long log) {
      events.add(
          new ManuscriptChange(
              hash, ManuscriptChange.ACTIVE, block, log, TestChain.sha256(hash), "ipfs://m" + log));
    }

    void retire(byte[] hash, int status, long block, long log) {
      events.add(new ManuscriptChange(hash, status, block, log, new byte[0], ""));
    }
  }

  private static List<TxEnvelope.KindCase> kinds(List<ByteString> txs) {
    return txs.stream().map(t -> TxCodec.decode(t.toByteArray()).getKindCase()).toList();
  }

  private static JsonNode manuscript(CvmChainApp app, byte[] hash) throws Exception {
    for (JsonNode m : TestChain.query(app, "/manuscripts").get("manuscripts")) {
      if (m.get("hash").asText().equals("0x" + HEX.formatHex(hash))) {
        return m;
      }
    }
    return null;
  }

  private static long nextHeight(CvmChainApp app, byte[] hash) {
    return app.state().manuscripts.get(HEX.formatHex(hash)).nextHeight();
  }

  @Test
  void registryChangesAreImportedOnceFinalAndDecideWhichManuscriptsGetCvmBlocks() throws Exception {
    FakeRegistry eth = new FakeRegistry();
    SyntheticEngine cvm = new SyntheticEngine(3, 0);
    List<TestChain.Outcome> outcomes = new ArrayList<>();
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, cvm, 10)) {
      chain.setManuscripts(eth);
      CvmChainApp app = chain.nodes.get(0).app;
      byte[] genesisHash = app.appHash();
      // The genesis manuscript is registered on Ethereum too; a second one later; both before 110.
      eth.register(M0, 101, 0);
      eth.register(M1, 105, 3);
      eth.retire(M0, ManuscriptChange.DEPRECATED, 125, 1);
      chain.ethFinal.set(110);
      outcomes.add(chain.step()); // height 1: no finality agreed yet
      outcomes.add(chain.step()); // height 2: 110 agreed: both registrations, M0's first block
      assertThat(kinds(outcomes.get(1).txs()))
          .containsExactly(
              TxEnvelope.KindCase.ETHEREUM_FINALITY,
              TxEnvelope.KindCase.CERTIFICATE,
              TxEnvelope.KindCase.MANUSCRIPT_CHANGES,
              TxEnvelope.KindCase.CVM_BLOCK);
      ManuscriptChanges imported =
          TxCodec.decode(outcomes.get(1).txs().get(2).toByteArray()).getManuscriptChanges();
      assertThat(imported.getChangesCount()).as("the deprecation at 125 is not final").isEqualTo(2);
      JsonNode m1 = manuscript(app, M1);
      assertThat(m1.get("status").asText()).isEqualTo("active");
      assertThat(m1.get("source").asText()).isEqualTo("registry");
      assertThat(m1.get("imported_at").asLong()).isEqualTo(2);
      assertThat(m1.get("locator").asText()).isEqualTo("ipfs://m3");
      assertThat(manuscript(app, M0).get("source").asText()).isEqualTo("registry");
      assertThat(TestChain.query(app, "/manuscripts").get("registry_next_block").asLong())
          .isEqualTo(105);

      // Both manuscripts get CVM blocks up to the final height; M1 starts at CVM height 0.
      for (int i = 0; i < 3; i++) {
        outcomes.add(chain.step());
      }
      assertThat(nextHeight(app, M0)).isEqualTo(1);
      assertThat(nextHeight(app, M1)).isEqualTo(1);
      assertThat(app.state().cvmBlocks.count()).isEqualTo(2);
      // Imported once: no later block carries the same changes again.
      for (int i = 2; i < outcomes.size(); i++) {
        assertThat(kinds(outcomes.get(i).txs()))
            .doesNotContain(TxEnvelope.KindCase.MANUSCRIPT_CHANGES);
      }

      // 140 final: M0's deprecation is imported; from then on only M1 gets blocks.
      chain.ethFinal.set(140);
      outcomes.add(chain.step());
      outcomes.add(chain.step());
      assertThat(manuscript(app, M0).get("status").asText()).isEqualTo("deprecated");
      assertThat(manuscript(app, M0).get("active").asBoolean()).isFalse();
      long m0Height = nextHeight(app, M0);
      for (int i = 0; i < 6; i++) {
        outcomes.add(chain.step());
      }
      assertThat(nextHeight(app, M0)).isEqualTo(m0Height);
      assertThat(nextHeight(app, M1)).isEqualTo(4); // ranges 100-109 .. 130-139
      // A proposer that still proposes M0's next block is rejected by every validator, by name.
      long h = chain.height() + 1;
      List<ByteString> honest =
          chain.nodes.get((int) (h % 4)).app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      List<ByteString> byzantine = new ArrayList<>(honest);
      long from = 100 + m0Height * 10;
      byzantine.add(
          ByteString.copyFrom(
              TxCodec.envelope(
                  TxEnvelope.newBuilder()
                      .setCvmBlock(TxCodec.cvmBlock(cvm.block(M0, m0Height, from, from + 9))))));
      for (TestChain.Node n : chain.nodes) {
        assertThat(TestChain.process(n, h, byzantine, TestChain.blockHash(h, byzantine)))
            .isEqualTo(ProposalStatus.REJECT);
        assertThat(n.app.lastRejection())
            .contains("0x" + HEX.formatHex(M0) + " is deprecated in the manuscript registry");
      }
      // The app hash covers the registry: its leaf is listed and no longer zero.
      assertThat(TestChain.query(app, "/state/root").get("components").get("registry").asText())
          .isNotEqualTo("0x" + "0".repeat(64));

      // A fresh node without Ethereum access or CVM replays the decided blocks to the same hashes.
      try (CvmChainApp other =
          CvmChainApp.open(
              dir.resolve("other"),
              new CvmChainApp.Settings(
                  Optional.empty(), () -> 0L, Optional.empty(), Optional.empty(), 1))) {
        ByteString init =
            other
                .initChain(
                    RequestInitChain.newBuilder()
                        .setChainId(TestChain.CHAIN_ID)
                        .setInitialHeight(1)
                        .setAppStateBytes(ByteString.copyFrom(chain.genesis.toJsonBytes()))
                        .build())
                .getAppHash();
        assertThat(init.toByteArray()).isEqualTo(genesisHash);
        for (int i = 0; i < outcomes.size(); i++) {
          ResponseFinalizeBlock r =
              other.finalizeBlock(
                  TestChain.finalizeRequest(
                      i + 1,
                      outcomes.get(i).txs(),
                      TestChain.blockHash(i + 1, outcomes.get(i).txs())));
          other.commit(RequestCommit.getDefaultInstance());
          assertThat(r.getAppHash().toByteArray())
              .as("app hash of height " + (i + 1))
              .isEqualTo(outcomes.get(i).appHash());
        }
        assertThat(other.state().registry.keySet()).isEqualTo(app.state().registry.keySet());
      }
    }
  }

  @Test
  void proposalsWithForgedOmittedOrUncheckableRegistryChangesAreRejectedNamingThem()
      throws Exception {
    FakeRegistry eth = new FakeRegistry();
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.setManuscripts(eth);
      eth.register(M1, 101, 0);
      eth.register(M0, 102, 5);
      eth.retire(M1, ManuscriptChange.REVOKED, 103, 2);
      chain.ethFinal.set(110);
      chain.step();
      long h = chain.height() + 1;
      List<ByteString> honest =
          chain.nodes.get((int) (h % 4)).app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      int at = kinds(honest).indexOf(TxEnvelope.KindCase.MANUSCRIPT_CHANGES);
      assertThat(at).as("the proposer imports the three changes").isGreaterThanOrEqualTo(0);
      assertThat(
              TxCodec.decode(honest.get(at).toByteArray()).getManuscriptChanges().getChangesCount())
          .isEqualTo(3);
      String m1 = "manuscript 0x" + HEX.formatHex(M1);

      // A registration left out.
      assertRejected(
          chain, h, honest, at, c -> c.removeChanges(1), "changes[1]: " + m1 + " revoked");
      assertRejected(chain, h, honest, at, c -> c.removeChanges(1), "(left out)");
      // (Leaving out the tail is not forging: a proposer may import a prefix, the rest follows.)
      // Another locator (a node would fetch another file).
      assertRejected(
          chain,
          h,
          honest,
          at,
          c -> c.setChanges(0, c.getChanges(0).toBuilder().setLocator("https://evil.example/m")),
          "changes[0]: " + m1 + " active at Ethereum block 101 log 0");
      // Another content hash.
      assertRejected(
          chain,
          h,
          honest,
          at,
          c ->
              c.setChanges(
                  1, c.getChanges(1).toBuilder().setContentHash(ByteString.copyFrom(new byte[32]))),
          "differs from this node's reading");
      // A deprecation instead of the revocation.
      assertRejected(
          chain,
          h,
          honest,
          at,
          c -> c.setChanges(2, c.getChanges(2).toBuilder().setStatus(ManuscriptChange.DEPRECATED)),
          "changes[2]: " + m1 + " deprecated");
      // A change that is not on Ethereum.
      byte[] ghost = Keccak.hash("ghost".getBytes());
      assertRejected(
          chain,
          h,
          honest,
          at,
          c ->
              c.addChanges(
                  c.getChanges(0).toBuilder()
                      .setManuscriptHash(ByteString.copyFrom(ghost))
                      .setEthBlock(104)
                      .setLogIndex(0)),
          "is not a registry change final at 110 in this node's view");
      // A change above the agreed final height.
      assertRejected(
          chain,
          h,
          honest,
          at,
          c -> c.setChanges(2, c.getChanges(2).toBuilder().setEthBlock(500)),
          "eth_block 500 is above the agreed final height 110");
      // The same change twice.
      assertRejected(
          chain,
          h,
          honest,
          at,
          c -> c.addChanges(c.getChanges(2)),
          "is before the import position (block 103 log 3)");
      // A revocation of a manuscript the registry never had.
      assertRejected(
          chain,
          h,
          honest,
          at,
          c ->
              c.setChanges(
                  2, c.getChanges(2).toBuilder().setManuscriptHash(ByteString.copyFrom(ghost))),
          "cannot become revoked from unregistered");

      // A node that cannot read the registry cannot confirm the changes: it rejects.
      try (CvmChainApp blind = chain.openWithoutEthereum(dir.resolve("blind"))) {
        blind.finalizeBlock(
            TestChain.finalizeRequest(1, List.of(), TestChain.blockHash(1, List.of())));
        blind.commit(RequestCommit.getDefaultInstance());
        assertThat(TestChain.process(blind, h, honest)).isEqualTo(ProposalStatus.REJECT);
        assertThat(blind.lastRejection()).contains("no manuscript registry source");
      }

      // FinalizeBlock (no Ethereum) refuses an impossible transition with code 3, changing nothing.
      List<ByteString> bad = new ArrayList<>(honest);
      ManuscriptChanges.Builder swapped =
          TxCodec.decode(honest.get(at).toByteArray()).getManuscriptChanges().toBuilder();
      swapped.setChanges(
          0,
          swapped.getChanges(0).toBuilder()
              .setStatus(ManuscriptChange.DEPRECATED)
              .setContentHash(ByteString.EMPTY)
              .setLocator(""));
      bad.set(
          at,
          ByteString.copyFrom(
              TxCodec.envelope(TxEnvelope.newBuilder().setManuscriptChanges(swapped))));
      ResponseFinalizeBlock fin =
          chain
              .nodes
              .get(0)
              .app
              .finalizeBlock(TestChain.finalizeRequest(h, bad, TestChain.blockHash(h, bad)));
      assertThat(fin.getTxResults(at).getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(fin.getTxResults(at).getLog())
          .contains("cannot become deprecated from unregistered");
      // A malformed change (a registration without its content hash) is named by CheckTx's codec.
      ManuscriptChanges.Builder malformed =
          TxCodec.decode(honest.get(at).toByteArray()).getManuscriptChanges().toBuilder();
      malformed.setChanges(0, malformed.getChanges(0).toBuilder().clearContentHash());
      TxRefusedException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              TxRefusedException.class,
              () ->
                  TxCodec.decode(
                      TxCodec.envelope(TxEnvelope.newBuilder().setManuscriptChanges(malformed))));
      assertThat(e.code()).isEqualTo(TxRefusedException.MALFORMED);
      assertThat(e.getMessage())
          .isEqualTo("manuscript_changes.changes[0].content_hash: must be 32 bytes, got 0");
      // CheckTx: proposer only.
      assertThat(TestChain.checkTx(chain.nodes.get(0).app, honest.get(at)).getCode())
          .isEqualTo(TxRefusedException.PROPOSER_ONLY);

      // The honest proposal passes everywhere.
      for (TestChain.Node n : chain.nodes) {
        assertThat(TestChain.process(n, h, honest, TestChain.blockHash(h, honest)))
            .isEqualTo(ProposalStatus.ACCEPT);
      }
    }
  }

  @Test
  void aStateOfTheOlderFormatStillLoadsWithItsAppHash() throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      AppState s = chain.nodes.get(0).app.state();
      byte[] v4 = s.encode();
      // Format 3 is format 4 without the ChainbaseDB root (32 bytes); format 2 is format 3 without
      // the registry section (3 longs and an empty entry count).
      byte[] v3 = Arrays.copyOf(v4, v4.length - 32);
      ByteBuffer.wrap(v3).putInt(0, 3);
      assertThat(AppState.decode(v3).computeAppHash()).isEqualTo(s.appHash());
      byte[] v2 = Arrays.copyOf(v3, v3.length - 8 * 3 - 4);
      ByteBuffer.wrap(v2).putInt(0, 2);
      AppState old = AppState.decode(v2);
      assertThat(old.registryImported).isZero();
      assertThat(old.computeAppHash()).isEqualTo(s.appHash()).isEqualTo(old.appHash());
      assertThat(old.isActive(HEX.formatHex(M0))).isTrue();
      assertThat(AppState.decode(old.encode()).computeAppHash()).isEqualTo(s.appHash());
    }
  }

  private static void assertRejected(
      TestChain chain,
      long h,
      List<ByteString> honest,
      int at,
      UnaryOperator<ManuscriptChanges.Builder> change,
      String reason) {
    List<ByteString> txs = new ArrayList<>(honest);
    ManuscriptChanges.Builder c =
        TxCodec.decode(honest.get(at).toByteArray()).getManuscriptChanges().toBuilder();
    txs.set(
        at,
        ByteString.copyFrom(
            TxCodec.envelope(TxEnvelope.newBuilder().setManuscriptChanges(change.apply(c)))));
    for (TestChain.Node n : chain.nodes) {
      assertThat(TestChain.process(n, h, txs, TestChain.blockHash(h, txs)))
          .isEqualTo(ProposalStatus.REJECT);
      assertThat(n.app.lastRejection()).contains(reason);
    }
  }
}
