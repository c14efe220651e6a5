package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CvmChainBlocks} over an in-memory chain node: what the app committed decides what counts
 * as finalised; blocks are rebuilt from the transactions and checked against the committed hashes.
 */
class CvmChainBlocksTest {
  static final byte[] MANUSCRIPT = "name: chain-source\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] OTHER = "name: another\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] STREAM = Keccak.hash(MANUSCRIPT);

  /** CometBFT heights with their transactions; the app's committed CVM blocks in order. */
  static final class FakeNode implements CvmChainBlocks.Node {
    final Map<Long, List<byte[]>> blocks = new HashMap<>();
    final List<CvmChainBlocks.Committed> committed = new ArrayList<>();
    long height;
    int reads;

    // The unchecked source reads only txs and committed answers; the checked reads are not served.
    @Override
    public CvmChainBlocks.ChainBlock block(long h) {
      throw new AssertionError("the unchecked source read a header");
    }

    @Override
    public io.cvmavs.consensus.light.LightBlock lightBlock(long h) {
      throw new AssertionError("the unchecked source asked for a light block");
    }

    @Override
    public Optional<List<byte[]>> stateLeaves(long h) {
      throw new AssertionError("the unchecked source asked for app-hash leaves");
    }

    void add(CvmBlock... cvm) {
      add(true, cvm);
    }

    /** A CometBFT block carrying {@code cvm}; {@code accepted}: the app committed them. */
    void add(boolean accepted, CvmBlock... cvm) {
      List<byte[]> txs = new ArrayList<>();
      txs.add(new byte[] {1, 2, 3}); // not a transaction of ours
      for (CvmBlock b : cvm) {
        txs.add(tx(TxCodec.cvmBlock(b)));
        if (accepted) {
          committed.add(
              new CvmChainBlocks.Committed(
                  committed.size(), b.header().manuscriptHash(), b.header().height(), b.hash()));
        }
      }
      blocks.put(++height, txs);
    }

    @Override
    public long committedHeight() {
      return height;
    }

    @Override
    public List<byte[]> txs(long h) {
      reads++;
      return blocks.get(h);
    }

    @Override
    public Optional<CvmChainBlocks.Committed> committed(long cvmHeight) {
      return cvmHeight < committed.size()
          ? Optional.of(committed.get((int) cvmHeight))
          : Optional.empty();
    }
  }

  static byte[] tx(CvmBlockTx b) {
    return TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(b));
  }

  final ChainBlocksFixture cvm = new ChainBlocksFixture();
  final List<CvmBlock> mine = cvm.chain(STREAM, 4, 1, 5);
  final List<CvmBlock> other = cvm.chain(Keccak.hash(OTHER), 2, 1, 5);

  @Test
  void finalisedBlocksAreThoseTheAppCommittedInChainOrder() {
    FakeNode node = new FakeNode();
    node.add();
    node.add(mine.get(0));
    node.add(other.get(0));
    node.add(false, mine.get(2)); // refused by the app (not the next height): not final
    node.add(mine.get(1));
    CvmChainBlocks source = new CvmChainBlocks(node, MANUSCRIPT);
    assertThat(source.finalisedHeight()).isEqualTo(1);
    assertThat(source.block(0).hash()).isEqualTo(mine.get(0).hash());
    assertThat(source.block(1).hash()).isEqualTo(mine.get(1).hash());
    assertThat(source.block(1).datasets().get("transfers").root())
        .isEqualTo(mine.get(1).datasets().get("transfers").root());
    assertThat(source.committedHash(1)).contains(mine.get(1).hash());
    assertThat(source.manuscript()).isEqualTo(MANUSCRIPT);

    // new heights arrive: read from where the scan stopped
    int reads = node.reads;
    node.add(other.get(1), mine.get(2));
    assertThat(source.finalisedHeight()).isEqualTo(2);
    assertThat(node.reads).isEqualTo(reads + 1);
    // a block handed out before is read again from its CometBFT block
    assertThat(source.block(0).hash()).isEqualTo(mine.get(0).hash());
    assertThatThrownBy(() -> source.block(3))
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("has not finalised block 3");
  }

  @Test
  void aRestartResumesAtTheSavedPositionAndReadsOnlyFromThere() {
    FakeNode node = new FakeNode();
    node.add();
    node.add(mine.get(0));
    node.add(other.get(0), mine.get(1), mine.get(2)); // two of ours in one CometBFT block
    node.add();
    CvmChainBlocks first = new CvmChainBlocks(node, MANUSCRIPT);
    assertThat(first.finalisedHeight()).isEqualTo(2);
    assertThat(first.blocksRead()).isEqualTo(4);
    String afterOne = first.position(1).orElseThrow();
    assertThat(afterOne).startsWith("3:1:"); // CometBFT block 3, one CVM block before it
    assertThat(first.position(7)).isEmpty();

    // restart after block 1 (its group closed there): block 2 in the same CometBFT block is next
    node.add(mine.get(3));
    node.reads = 0;
    CvmChainBlocks again = new CvmChainBlocks(node, MANUSCRIPT);
    again.resume(1, afterOne);
    assertThat(again.resumedAt()).contains(3L);
    assertThat(again.finalisedHeight()).isEqualTo(3);
    assertThat(node.reads).isEqualTo(3); // CometBFT blocks 3, 4, 5 — not 1 and 2
    assertThat(again.blocksRead()).isEqualTo(3);
    assertThat(again.block(2).hash()).isEqualTo(mine.get(2).hash());
    assertThat(again.block(3).hash()).isEqualTo(mine.get(3).hash());
    assertThat(again.position(3).orElseThrow()).startsWith("5:4:"); // 4 CVM blocks before 5
    assertThatThrownBy(() -> again.block(1))
        .hasMessageContaining("not readable: this source resumed after block 1");

    // a saved hash the chain did not commit there: another chain
    String wrongHash = "3:1:" + java.util.HexFormat.of().formatHex(mine.get(2).hash());
    CvmChainBlocks wrong = new CvmChainBlocks(node, MANUSCRIPT);
    wrong.resume(1, wrongHash);
    assertThatThrownBy(wrong::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block 3 finalises block 1 of stream")
        .hasMessageContaining("but the anchoring state saved");
    // a position whose CometBFT block does not hold the block
    CvmChainBlocks elsewhere = new CvmChainBlocks(node, MANUSCRIPT);
    elsewhere.resume(1, afterOne.replaceFirst("^3:", "4:"));
    assertThatThrownBy(elsewhere::finalisedHeight)
        .hasMessageContaining("CometBFT block 4 does not finalise block 1 of stream");
    // beyond the node's committed height
    CvmChainBlocks ahead = new CvmChainBlocks(node, MANUSCRIPT);
    ahead.resume(1, afterOne.replaceFirst("^3:", "9:"));
    assertThatThrownBy(ahead::finalisedHeight)
        .hasMessageContaining("committed up to CometBFT height 5, below height 9");
    assertThatThrownBy(() -> new CvmChainBlocks(node, MANUSCRIPT).resume(1, "3:x"))
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("cannot resume the CVM chain source after block 1")
        .hasMessageContaining("'3:x'");
  }

  @Test
  void aStoreIsCheckedAgainstTheCommittedHashes(@TempDir Path dir) {
    FakeNode node = new FakeNode();
    node.add(mine.get(0));
    node.add(mine.get(1));
    CvmChainBlocks source = new CvmChainBlocks(node, MANUSCRIPT);
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("a"))) {
      store.putManuscript(MANUSCRIPT);
      store.append(mine.get(0));
      store.append(mine.get(1));
      assertThat(source.verify(store)).isEqualTo(2);
      store.append(mine.get(2));
      assertThatThrownBy(() -> source.verify(store))
          .hasMessageContaining("block 2 of stream")
          .hasMessageContaining("is not finalised on the CVM chain (it has finalised 0..1)");
    }
    // a store whose block 1 differs from the chain's (another CVM's block on the same range)
    CvmBlock forged = new ChainBlocksFixture().chain(Keccak.hash(OTHER), 2, 1, 5).get(1);
    CvmBlock wrong =
        new CvmBlock(
            new io.cvmavs.cvm.block.CvmBlockHeader(
                1,
                mine.get(0).hash(),
                mine.get(1).header().input(),
                STREAM,
                forged.header().datasets(),
                io.cvmavs.cvm.block.CvmBlockHeader.nextStateRoot(
                    mine.get(0).header().stateRoot(),
                    io.cvmavs.cvm.block.CvmBlockHeader.datasetsRoot(forged.header().datasets())),
                mine.get(1).header().timestamp()),
            forged.datasets());
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("b"))) {
      store.putManuscript(MANUSCRIPT);
      store.append(mine.get(0));
      store.append(wrong);
      assertThatThrownBy(() -> source.verify(store))
          .hasMessageContaining("block 1 of stream")
          .hasMessageContaining("but the CVM chain committed");
    }
  }

  @Test
  void aTransactionWhoseRecordsDoNotMatchItsRootIsNamed() {
    FakeNode node = new FakeNode();
    CvmBlockTx good = TxCodec.cvmBlock(mine.get(0));
    CvmBlockTx.Builder bad = good.toBuilder();
    bad.setDatasets(
        0, bad.getDatasets(0).toBuilder().setRecords(0, good.getDatasets(0).getRecords(1)));
    node.blocks.put(1L, List.of(tx(bad.build())));
    node.committed.add(new CvmChainBlocks.Committed(0, STREAM, 0, mine.get(0).hash()));
    node.height = 1;
    assertThatThrownBy(() -> new CvmChainBlocks(node, MANUSCRIPT).finalisedHeight())
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block 1: its CVM block cannot be rebuilt")
        .hasMessageContaining("datasets[0] 'transfers'");
  }

  @Test
  void badLightClientOptionsInAnchorYamlAreRefusedNamingTheFields(@TempDir Path dir)
      throws Exception {
    String yaml =
        """
        eth_rpc_url: http://127.0.0.1:8545
        anchor_registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        block_store: blocks
        data_dir: anchor
        backends:
          - {name: local, type: local, dir: groups}
        cvm_rpc_url: http://127.0.0.1:26657
        manuscript_file: manuscript.yaml
        cvm_trusted_height: 3
        cvm_trusted_hash: "%s"
        """
            .formatted("cd".repeat(32));
    java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("good.yaml"), yaml);
    CvmChainBlocks.Trust t = AnchorCommand.trust(io.cvmavs.storage.anchor.AnchorConfig.load(good));
    assertThat(t.height()).isEqualTo(3);
    assertThat(t.options().trustingPeriod()).isEqualTo(java.time.Duration.ofDays(14));
    assertThat(t.options().maxClockDrift()).isEqualTo(java.time.Duration.ofSeconds(10));
    java.nio.file.Path bad =
        java.nio.file.Files.writeString(
            dir.resolve("bad.yaml"), yaml + "cvm_trusting_period: two weeks\n");
    io.cvmavs.storage.anchor.AnchorConfig c = io.cvmavs.storage.anchor.AnchorConfig.load(bad);
    assertThatThrownBy(() -> AnchorCommand.trust(c))
        .isInstanceOf(io.cvmavs.storage.anchor.AnchorConfigException.class)
        .hasMessageContaining("bad.yaml:")
        .hasMessageContaining("cvm_trusting_period");
  }
}
