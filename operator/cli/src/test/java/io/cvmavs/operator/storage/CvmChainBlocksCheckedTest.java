package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CvmChainBlocks} with the light client over a real CVM chain (four {@code CvmChainApp}s
 * behind the local consensus driver and its CometBFT-shaped RPC, CVM blocks from the CVM's block
 * builder): an honest node gives the same blocks as the unchecked source; a node that lies — a
 * tampered header, a transaction not in {@code data_hash}, a wrong app-hash leaf, a CVM block
 * called accepted or refused against the app's word, a header not signed by more than 2/3, a wrong
 * trusted hash — is refused with the height and the check named, and nothing is handed out.
 */
class CvmChainBlocksCheckedTest {
  static final byte[] MANUSCRIPT =
      "name: chain-checked-test\nversion: 1\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] STREAM = Keccak.hash(MANUSCRIPT);

  @TempDir static Path dir;
  static CvmChainNet chain;
  static CometRpcClient rpc;
  static CvmChainBlocks.Trust trust;

  /** The CometBFT heights that finalised CVM blocks 0..3 of the stream. */
  static final List<Long> at = new ArrayList<>();

  @BeforeAll
  static void startChain() throws Exception {
    ChainBlocksFixture cvm = new ChainBlocksFixture();
    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<BlsValidator> set = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ValidatorKey ed =
          ValidatorKey.fromSeed(Keccak.hash(("checked " + i).getBytes(StandardCharsets.UTF_8)));
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(9300 + i));
      validators.add(new CvmChainNet.Validator("validator-" + i, ed, bls, cvm));
      set.add(
          new BlsValidator(
              ConsensusKey.of(ed.publicKey()), bls.publicKeyG1(), bls.publicKeyG2(), 10));
    }
    GenesisState genesis =
        new GenesisState("eth", 1, 5, 0, 1_000_000, 0, 0, List.of(STREAM), BlsValidatorSet.of(set));
    chain =
        CvmChainNet.start(
            new CvmChainNet.Settings(
                "cvm-checked-test",
                genesis,
                validators,
                () -> 20L,
                dir.resolve("chain"),
                null,
                Duration.ofSeconds(30)));
    for (int i = 0; i < 20 && chain.status().cvmBlocks() < 4; i++) {
      assertThat(chain.step()).isPresent();
    }
    assertThat(chain.status().cvmBlocks()).isEqualTo(4);
    // on to the devnet's size (a devnet run ends near CometBFT height 35): the blocks after the
    // last CVM block carry none
    for (int i = 0; i < 60 && chain.status().height() < 36; i++) {
      assertThat(chain.step()).isPresent();
    }
    assertThat(chain.status().height()).isGreaterThanOrEqualTo(36);
    assertThat(chain.status().cvmBlocks()).isEqualTo(4);
    rpc = new CometRpcClient(chain.rpc(), Duration.ofSeconds(10));
    trust =
        new CvmChainBlocks.Trust(
            1,
            HeaderHash.of(chain.driver().block(1).orElseThrow().header()),
            LightVerifier.Options.of(Duration.ofDays(14)));
    CvmChainBlocks unchecked = new CvmChainBlocks(CvmChainBlocks.Node.rpc(rpc), MANUSCRIPT);
    assertThat(unchecked.finalisedHeight()).isEqualTo(3);
    for (long h = 0; h <= 3; h++) {
      at.add(Long.parseLong(unchecked.position(h).orElseThrow().split(":")[0]));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (rpc != null) {
      rpc.close();
    }
    if (chain != null) {
      chain.close();
    }
  }

  /** The RPC node with some of its answers replaced. */
  static class Lying implements CvmChainBlocks.Node {
    final CvmChainBlocks.Node honest = CvmChainBlocks.Node.rpc(rpc);

    @Override
    public long committedHeight() {
      return honest.committedHeight();
    }

    @Override
    public List<byte[]> txs(long height) {
      return honest.txs(height);
    }

    @Override
    public Optional<CvmChainBlocks.Committed> committed(long cvmHeight) {
      return honest.committed(cvmHeight);
    }

    @Override
    public CvmChainBlocks.ChainBlock block(long height) {
      return honest.block(height);
    }

    @Override
    public LightBlock lightBlock(long height) throws IOException {
      return honest.lightBlock(height);
    }

    @Override
    public Optional<List<byte[]>> stateLeaves(long height) {
      return honest.stateLeaves(height);
    }
  }

  static CvmChainBlocks checked(CvmChainBlocks.Node node) {
    return new CvmChainBlocks(node, MANUSCRIPT, trust, Clock.systemUTC());
  }

  @Test
  void anHonestNodeGivesTheBlocksTheUncheckedSourceGives() {
    CvmChainBlocks unchecked = new CvmChainBlocks(CvmChainBlocks.Node.rpc(rpc), MANUSCRIPT);
    CvmChainBlocks source = checked(CvmChainBlocks.Node.rpc(rpc));
    assertThat(source.checked()).isTrue();
    assertThat(source.finalisedHeight()).isEqualTo(3);
    assertThat(unchecked.finalisedHeight()).isEqualTo(3);
    for (long h = 0; h <= 3; h++) {
      assertThat(source.block(h).hash()).isEqualTo(unchecked.block(h).hash());
      assertThat(source.committedHash(h)).contains(unchecked.committedHash(h).orElseThrow());
    }
    // every CometBFT block that carried a CVM block had its app-hash leaves checked
    assertThat(source.statesChecked()).isGreaterThanOrEqualTo(4);
    // the position carries the accumulator frontier and the header hash
    String position = source.position(2).orElseThrow();
    assertThat(position.split(":", -1)).hasSize(5);
    assertThat(position).startsWith(at.get(2) + ":");
    assertThat(position.split(":", -1)[4])
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(HeaderHash.of(chain.driver().block(at.get(2)).orElseThrow().header())));
  }

  /**
   * The cost of the checks (docs/BENCHMARKS.md): fresh sources read the whole chain, five rounds
   * each, alternating; prints the best blocks/s of each. The checked one reads one block fewer (it
   * needs the header above).
   */
  @Test
  void theCheckedSourceReadsTheChainTheUncheckedOneReadsAndItsCostIsMeasured() {
    long bestUnchecked = Long.MAX_VALUE;
    long bestChecked = Long.MAX_VALUE;
    long uncheckedRead = 0;
    long checkedRead = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      CvmChainBlocks u = new CvmChainBlocks(CvmChainBlocks.Node.rpc(rpc), MANUSCRIPT);
      assertThat(u.finalisedHeight()).isEqualTo(3);
      long t1 = System.nanoTime();
      CvmChainBlocks c = checked(CvmChainBlocks.Node.rpc(rpc));
      assertThat(c.finalisedHeight()).isEqualTo(3);
      long t2 = System.nanoTime();
      bestUnchecked = Math.min(bestUnchecked, t1 - t0);
      bestChecked = Math.min(bestChecked, t2 - t1);
      uncheckedRead = u.blocksRead();
      checkedRead = c.blocksRead();
    }
    assertThat(checkedRead).isEqualTo(uncheckedRead - 1);
    System.out.printf(
        "[bench] CvmChainBlocks over %d CometBFT blocks (4 CVM blocks, 4 validators): unchecked"
            + " %.1f ms = %.0f blocks/s, checked %.1f ms = %.0f blocks/s (best of 5)%n",
        uncheckedRead,
        bestUnchecked / 1e6,
        uncheckedRead / (bestUnchecked / 1e9),
        bestChecked / 1e6,
        checkedRead / (bestChecked / 1e9));
  }

  @Test
  void aRestartResumesFromTheSavedFrontierWithoutARescan() {
    CvmChainBlocks first = checked(CvmChainBlocks.Node.rpc(rpc));
    assertThat(first.finalisedHeight()).isEqualTo(3);
    String position = first.position(1).orElseThrow();

    CvmChainBlocks again = checked(CvmChainBlocks.Node.rpc(rpc));
    again.resume(1, position);
    assertThat(again.resumedAt()).contains(at.get(1));
    assertThat(again.finalisedHeight()).isEqualTo(3);
    assertThat(again.block(2).hash()).isEqualTo(first.block(2).hash());
    assertThat(again.block(3).hash()).isEqualTo(first.block(3).hash());
    // it read from the block that finalised 1, not from height 1
    assertThat(again.blocksRead()).isLessThan(first.blocksRead());
    assertThat(again.statesChecked()).isGreaterThanOrEqualTo(2);

    // a position saved by an unchecked source (no frontier): one rescan from height 1
    CvmChainBlocks unchecked = new CvmChainBlocks(CvmChainBlocks.Node.rpc(rpc), MANUSCRIPT);
    assertThat(unchecked.finalisedHeight()).isEqualTo(3);
    CvmChainBlocks old = checked(CvmChainBlocks.Node.rpc(rpc));
    old.resume(1, unchecked.position(1).orElseThrow());
    assertThat(old.resumedAt()).contains(1L);
    assertThat(old.finalisedHeight()).isEqualTo(3);
    assertThat(old.block(2).hash()).isEqualTo(first.block(2).hash());
    assertThatThrownBy(() -> old.block(1))
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("resumed after block 1");

    // a frontier of the wrong size is refused with the position named
    String[] p = position.split(":", -1);
    String bad = p[0] + ":" + p[1] + ":" + p[2] + ":00:" + p[4];
    assertThatThrownBy(() -> checked(CvmChainBlocks.Node.rpc(rpc)).resume(1, bad))
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("cannot resume")
        .hasMessageContaining("accumulator frontier");
  }

  /** A trust root at {@code height} (the test chain's header there). */
  static CvmChainBlocks.Trust rootAt(long height) {
    return new CvmChainBlocks.Trust(
        height,
        HeaderHash.of(chain.driver().block(height).orElseThrow().header()),
        trust.options());
  }

  /** The RPC node counting what it is asked. */
  static class Counting extends Lying {
    final List<Long> blocks = new ArrayList<>();
    final List<Long> headers = new ArrayList<>();

    /** For each app-hash check (height h): how many blocks' transactions had been fetched. */
    final List<long[]> fetchedWhenChecked = new ArrayList<>();

    @Override
    public CvmChainBlocks.ChainBlock block(long height) {
      blocks.add(height);
      return honest.block(height);
    }

    @Override
    public io.cvmavs.consensus.proto.types.Header header(long height) {
      headers.add(height);
      return honest.header(height);
    }

    @Override
    public Optional<List<byte[]>> stateLeaves(long height) {
      fetchedWhenChecked.add(new long[] {height, blocks.size()});
      return honest.stateLeaves(height);
    }
  }

  /**
   * A root of trust far above the start (cvm_trusted_height recent, the chain older): the headers
   * below it are walked down once, keeping a hash every batch; the blocks are then read one batch
   * at a time, never all blocks up to the root at once.
   */
  @Test
  void aRootFarAboveTheStartIsWalkedDownOnceAndTheBlocksAreReadOneBatchAtATime() {
    long root = 30;
    int batch = 4;
    assertThat(at.getFirst()).isLessThan(root - 2 * batch); // the CVM blocks lie below the root
    Counting node = new Counting();
    CvmChainBlocks source =
        new CvmChainBlocks(node, MANUSCRIPT, rootAt(root), Clock.systemUTC(), batch);
    CvmChainBlocks unchecked = new CvmChainBlocks(CvmChainBlocks.Node.rpc(rpc), MANUSCRIPT);
    assertThat(source.finalisedHeight()).isEqualTo(3);
    assertThat(unchecked.finalisedHeight()).isEqualTo(3);
    for (long h = 0; h <= 3; h++) {
      assertThat(source.block(h).hash()).isEqualTo(unchecked.block(h).hash());
      assertThat(source.position(h)).isPresent();
    }
    assertThat(source.statesChecked()).isGreaterThanOrEqualTo(4);
    // never more than one batch of blocks held
    assertThat(source.peakHeld()).isEqualTo(batch);
    // when block h is checked, only the blocks of the batches up to h's had been fetched
    assertThat(node.fetchedWhenChecked).isNotEmpty();
    for (long[] c : node.fetchedWhenChecked) {
      assertThat(c[1])
          .as("blocks fetched when block %d was checked", c[0])
          .isLessThan(c[0] + batch);
    }
    // each block's transactions fetched once; the headers below the root walked down once (29 … 5),
    // plus the header at the top of each batch below the root (the rungs 5, 9, … 29)
    assertThat(node.blocks).doesNotHaveDuplicates().hasSize((int) source.blocksRead());
    assertThat(node.headers).hasSize((int) (root - 1 - batch) + (int) ((root - 2) / batch));

    // a resume below the root reads from the saved block the same way
    Counting again = new Counting();
    CvmChainBlocks resumed =
        new CvmChainBlocks(again, MANUSCRIPT, rootAt(root), Clock.systemUTC(), batch);
    resumed.resume(1, source.position(1).orElseThrow());
    assertThat(resumed.finalisedHeight()).isEqualTo(3);
    assertThat(resumed.block(2).hash()).isEqualTo(unchecked.block(2).hash());
    assertThat(resumed.block(3).hash()).isEqualTo(unchecked.block(3).hash());
    assertThat(resumed.peakHeld()).isLessThanOrEqualTo(batch);
    assertThat(again.blocks).doesNotHaveDuplicates().allMatch(h -> h >= at.get(1));
  }

  @Test
  void aHeaderBelowAFarRootThatDoesNotChainToItIsRefused() {
    long root = 30;
    int batch = 4;
    // the node's block below the root carries a changed header
    long h = at.get(1);
    CvmChainBlocks tampered =
        new CvmChainBlocks(
            new Lying() {
              @Override
              public CvmChainBlocks.ChainBlock block(long height) {
                CvmChainBlocks.ChainBlock b = honest.block(height);
                return height != h
                    ? b
                    : new CvmChainBlocks.ChainBlock(
                        b.header().toBuilder()
                            .setAppHash(ByteString.copyFrom(new byte[32]))
                            .build(),
                        b.txs());
              }

              @Override
              public io.cvmavs.consensus.proto.types.Header header(long height) {
                return honest.header(height);
              }
            },
            MANUSCRIPT,
            rootAt(root),
            Clock.systemUTC(),
            batch);
    assertThatThrownBy(tampered::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (header check)");

    // the node walks the headers down honestly, then serves another header at a rung (1 + 2·4)
    long rung = 1 + 2 * batch;
    int[] asked = {0};
    CvmChainBlocks switched =
        new CvmChainBlocks(
            new Lying() {
              @Override
              public io.cvmavs.consensus.proto.types.Header header(long height) {
                io.cvmavs.consensus.proto.types.Header b = honest.header(height);
                return height == rung && asked[0]++ > 0
                    ? b.toBuilder().setAppHash(ByteString.copyFrom(new byte[32])).build()
                    : b;
              }
            },
            MANUSCRIPT,
            rootAt(root),
            Clock.systemUTC(),
            batch);
    assertThatThrownBy(switched::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + rung + " refused (header check)")
        .hasMessageContaining("the header chain down from the verified header " + root);
    assertThat(asked[0]).isEqualTo(2);
  }

  /** The block finalising CVM block 2, with its transactions changed by {@code change}. */
  static CvmChainBlocks.Node txsChanged(UnaryOperator<List<byte[]>> change) {
    long h = at.get(2);
    return new Lying() {
      @Override
      public CvmChainBlocks.ChainBlock block(long height) {
        CvmChainBlocks.ChainBlock b = honest.block(height);
        return height == h
            ? new CvmChainBlocks.ChainBlock(b.header(), change.apply(new ArrayList<>(b.txs())))
            : b;
      }
    };
  }

  @Test
  void aTransactionNotInTheDataHashIsRefused() {
    long h = at.get(2);
    CvmChainBlocks added =
        checked(
            txsChanged(
                txs -> {
                  txs.add(new byte[] {9, 9, 9});
                  return txs;
                }));
    assertThatThrownBy(added::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (data_hash check)")
        .hasMessageContaining("nothing from it is anchored");
    assertThat(added.blocksRead()).isLessThan(h);

    // a CVM block transaction with one byte changed
    CvmChainBlocks tampered =
        checked(
            txsChanged(
                txs -> {
                  for (int i = 0; i < txs.size(); i++) {
                    byte[] t = txs.get(i).clone();
                    t[t.length - 1] ^= 1;
                    txs.set(i, t);
                  }
                  return txs;
                }));
    assertThatThrownBy(tampered::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (data_hash check)");
    // the blocks below it passed every check and are handed out; block 2 never is
    assertThat(tampered.block(1).hash()).isEqualTo(checked(new Lying()).block(1).hash());
    assertThatThrownBy(() -> tampered.block(2))
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("refused (data_hash check)");
  }

  @Test
  void aTamperedHeaderIsRefused() {
    long h = at.get(1);
    CvmChainBlocks source =
        checked(
            new Lying() {
              @Override
              public CvmChainBlocks.ChainBlock block(long height) {
                CvmChainBlocks.ChainBlock b = honest.block(height);
                if (height != h) {
                  return b;
                }
                return new CvmChainBlocks.ChainBlock(
                    b.header().toBuilder().setAppHash(ByteString.copyFrom(new byte[32])).build(),
                    b.txs());
              }
            });
    assertThatThrownBy(source::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (header check)");
  }

  @Test
  void aWrongAppHashLeafIsRefused() {
    long h = at.get(1);
    CvmChainBlocks source =
        checked(
            new Lying() {
              @Override
              public Optional<List<byte[]>> stateLeaves(long height) {
                List<byte[]> leaves = new ArrayList<>(honest.stateLeaves(height).orElseThrow());
                if (height == h) {
                  leaves.set(3, new byte[32]); // cvmBlockCount
                }
                return Optional.of(leaves);
              }
            });
    assertThatThrownBy(source::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (app hash check)")
        .hasMessageContaining("app_hash");
  }

  @Test
  void aCvmBlockCalledRefusedAgainstTheAppsWordIsRefused() {
    // the node says the app refused CVM block 1 (position 1 in the chain's CVM sequence)
    long h = at.get(1);
    CvmChainBlocks source =
        checked(
            new Lying() {
              @Override
              public Optional<CvmChainBlocks.Committed> committed(long cvmHeight) {
                return cvmHeight == 1 ? Optional.empty() : honest.committed(cvmHeight);
              }
            });
    assertThatThrownBy(source::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("CometBFT block " + h + " refused (cvmBlockCount check)");
    // the unchecked source takes the node's word: it silently loses block 1 and all after it
    CvmChainBlocks unchecked =
        new CvmChainBlocks(
            new Lying() {
              @Override
              public Optional<CvmChainBlocks.Committed> committed(long cvmHeight) {
                return cvmHeight == 1 ? Optional.empty() : honest.committed(cvmHeight);
              }
            },
            MANUSCRIPT);
    assertThat(unchecked.finalisedHeight()).isZero();
  }

  @Test
  void aHeaderNotSignedByMoreThanTwoThirdsIsRefused() {
    CvmChainBlocks source =
        checked(
            new Lying() {
              @Override
              public LightBlock lightBlock(long height) throws IOException {
                LightBlock b = honest.lightBlock(height);
                if (height == 1) {
                  return b;
                }
                // only two of the four validators' signatures (half the power) are kept
                Commit.Builder c = b.signedHeader().commit().toBuilder();
                for (int i = 2; i < c.getSignaturesCount(); i++) {
                  c.setSignatures(
                      i,
                      CommitSig.newBuilder()
                          .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_ABSENT)
                          .setTimestamp(
                              com.google.protobuf.Timestamp.newBuilder()
                                  .setSeconds(-62135596800L)));
                }
                return new LightBlock(
                    new SignedHeader(b.signedHeader().header(), c.build()),
                    b.validators(),
                    b.nextValidators());
              }
            });
    assertThatThrownBy(source::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("refused (light client)")
        .hasMessageContaining("2/3");
  }

  @Test
  void aWrongTrustedHashIsRefused() {
    CvmChainBlocks source =
        new CvmChainBlocks(
            CvmChainBlocks.Node.rpc(rpc),
            MANUSCRIPT,
            new CvmChainBlocks.Trust(1, new byte[32], trust.options()),
            Clock.systemUTC());
    assertThatThrownBy(source::finalisedHeight)
        .isInstanceOf(CvmChainSourceException.class)
        .hasMessageContaining("trusted header (anchor.yaml cvm_trusted_height / cvm_trusted_hash)")
        .hasMessageContaining("is refused (light client)");
    assertThatThrownBy(() -> new CvmChainBlocks.Trust(0, new byte[32], trust.options()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
