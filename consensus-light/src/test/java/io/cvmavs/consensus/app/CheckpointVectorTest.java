package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;

/**
 * The checkpoint spec's worked vector (module README, "Checkpoint vector"), pinned so the Solidity
 * side can be cross-checked, and every encoding cross-checked against web3j's ABI encoder and a
 * level-by-level Merkle tree.
 */
class CheckpointVectorTest {
  static final HexFormat HEX = HexFormat.of();
  static final String CHAIN_ID = "cvm-avs-devnet-1";

  static byte[] k(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] web3jEncode(Type<?>... values) {
    return HEX.parseHex(FunctionEncoder.encodeConstructor(List.of(values)));
  }

  /** The vector's validator set: BLS secrets 1, 2, 3 with powers 10, 20, 30. */
  static BlsValidatorSet vectorSet() {
    List<BlsValidator> vs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      BlsKeyPair kp = BlsKeyPair.fromSecret(BigInteger.valueOf(i));
      byte[] key = new byte[32];
      key[31] = (byte) i;
      vs.add(new BlsValidator(ConsensusKey.of(key), kp.publicKeyG1(), kp.publicKeyG2(), 10L * i));
    }
    return BlsValidatorSet.of(vs);
  }

  static byte[] cvmLeaf(long h) {
    return AbiWords.of().uint(h).bytes32(k("cvm-block-" + h)).bytes32(k("dataset-" + h)).keccak();
  }

  @Test
  void workedVector() {
    BlsValidatorSet set = vectorSet();
    IncrementalMerkleTree cvm = new IncrementalMerkleTree();
    for (long h = 0; h < 3; h++) {
      cvm.append(cvmLeaf(h));
    }
    IncrementalMerkleTree withdrawals = new IncrementalMerkleTree();
    Checkpoint cp =
        new Checkpoint(42, k("app"), k("cvm"), cvm.root(), withdrawals.root(), set.hash());
    byte[] digest = cp.digest(CHAIN_ID);
    G1Point sig = BlsKeyPair.fromSecret(BigInteger.ONE).sign(digest);

    System.out.println("checkpoint vector (chain id " + CHAIN_ID + "):");
    System.out.println(
        "  CHECKPOINT_TYPEHASH    0x" + HEX.formatHex(Checkpoint.CHECKPOINT_TYPEHASH));
    System.out.println(
        "  VALIDATOR_SET_TYPEHASH 0x" + HEX.formatHex(BlsValidatorSet.VALIDATOR_SET_TYPEHASH));
    System.out.println(
        "  cvmChainId             0x" + HEX.formatHex(Checkpoint.cvmChainId(CHAIN_ID)));
    for (BlsValidator v : set.entries()) {
      System.out.println(
          "  set entry operatorId 0x"
              + HEX.formatHex(v.operatorId())
              + " g1x "
              + v.g1().x()
              + " power "
              + v.power());
    }
    System.out.println("  validatorSetHash       0x" + HEX.formatHex(set.hash()));
    System.out.println("  cumulativeRoot (3)     0x" + HEX.formatHex(cvm.root()));
    System.out.println("  withdrawalsRoot (0)    0x" + HEX.formatHex(withdrawals.root()));
    System.out.println("  " + cp);
    System.out.println("  digest                 0x" + HEX.formatHex(digest));
    System.out.println("  signature (sk=1)       x " + sig.x() + " y " + sig.y());

    // Independent encodings: web3j's ABI encoder and web3j's keccak.
    byte[] expected =
        Hash.sha3(
            web3jEncode(
                new Bytes32(k(Checkpoint.CHECKPOINT_TYPE)),
                new Bytes32(k(CHAIN_ID)),
                new Uint64(BigInteger.valueOf(42)),
                new Bytes32(k("app")),
                new Bytes32(k("cvm")),
                new Bytes32(cvm.root()),
                new Bytes32(withdrawals.root()),
                new Bytes32(set.hash())));
    assertThat(digest).isEqualTo(expected);
    assertThat(Bls.verify(BlsKeyPair.fromSecret(BigInteger.ONE).publicKeyG2(), digest, sig))
        .isTrue();

    // Pinned (README): a change here breaks the bridge's cross-check.
    assertThat(HEX.formatHex(Checkpoint.CHECKPOINT_TYPEHASH)).isEqualTo(PINNED_TYPEHASH);
    assertThat(HEX.formatHex(set.hash())).isEqualTo(PINNED_SET_HASH);
    assertThat(HEX.formatHex(cvm.root())).isEqualTo(PINNED_CUMULATIVE_ROOT);
    assertThat(HEX.formatHex(digest)).isEqualTo(PINNED_DIGEST);
    // The empty depth-32 keccak tree's root (the well-known zero hash of deposit-contract trees).
    assertThat(HEX.formatHex(withdrawals.root()))
        .isEqualTo("27ae5ba08d7291c96c8cbddcc148bf48a6d68c7974b94356f53754ef6171d757");
  }

  static final String PINNED_TYPEHASH =
      "c2bcfa78ee786b76418f5edb2386515c3b6d182830b7142c64c539b0b73ba78f";
  static final String PINNED_SET_HASH =
      "6d1e8888127f9e62e89ce4cb043f5276bbfc6372fc2c64cb4c1c5f0bafc25146";
  static final String PINNED_CUMULATIVE_ROOT =
      "501e506950e0d792281cb1d7c375aaa37fefe68638ed0947a4dfaf570bf23c02";
  static final String PINNED_DIGEST =
      "9928b1a92e3bbd4bba6ec99318ce89389b51125dd324da3438625c4ee8261285";

  @Test
  void validatorSetHashMatchesAnIndependentEncoding() {
    BlsValidatorSet set = vectorSet();
    List<BlsValidator> sorted = new ArrayList<>(set.entries());
    sorted.sort(
        (a, b) ->
            Arrays.compareUnsigned(
                Hash.sha3(web3jEncode(new Uint256(a.g1().x()), new Uint256(a.g1().y()))),
                Hash.sha3(web3jEncode(new Uint256(b.g1().x()), new Uint256(b.g1().y())))));
    assertThat(sorted).isEqualTo(set.entries());
    List<Type<?>> words = new ArrayList<>();
    words.add(new Bytes32(k(BlsValidatorSet.VALIDATOR_SET_TYPE)));
    for (BlsValidator v : sorted) {
      words.add(new Uint256(v.g1().x()));
      words.add(new Uint256(v.g1().y()));
      words.add(new Uint256(BigInteger.valueOf(v.power())));
    }
    assertThat(set.hash()).isEqualTo(Hash.sha3(web3jEncode(words.toArray(Type[]::new))));
    // signer bitmap and quorum: strictly more than 2/3
    assertThat(set.isQuorum(40)).isFalse();
    assertThat(set.isQuorum(41)).isTrue();
    assertThat(set.power(new byte[] {0b101}))
        .isEqualTo(set.entries().get(0).power() + set.entries().get(2).power());
  }

  @Test
  void incrementalTreeMatchesTheLevelByLevelTreeAndItsProofs() {
    IncrementalMerkleTree t = new IncrementalMerkleTree();
    List<byte[]> leaves = new ArrayList<>();
    assertThat(t.root()).isEqualTo(IncrementalMerkleTree.zero(32));
    for (int n = 0; n < 70; n++) {
      assertThat(t.root())
          .as("%d leaves", n)
          .isEqualTo(IncrementalMerkleTree.rootOf(leaves, 0, null));
      byte[] leaf = cvmLeaf(n);
      leaves.add(leaf);
      t.append(leaf);
    }
    for (int i : new int[] {0, 1, 37, 69}) {
      byte[][] proof = new byte[32][];
      byte[] root = IncrementalMerkleTree.rootOf(leaves, i, proof);
      byte[] node = leaves.get(i);
      for (int h = 0; h < 32; h++) {
        node =
            ((i >> h) & 1) == 0
                ? IncrementalMerkleTree.node(node, proof[h])
                : IncrementalMerkleTree.node(proof[h], node);
      }
      assertThat(node).isEqualTo(root).isEqualTo(t.root());
    }
  }
}
