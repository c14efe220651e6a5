package io.cvmavs.cvm.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.Hash;

class DatasetMerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  static List<byte[]> records(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(("record-" + i).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** RFC 6962 MTH written from its definition, with web3j's keccak: an independent reference. */
  static byte[] referenceRoot(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return Hash.sha3(new byte[0]);
    }
    if (leaves.size() == 1) {
      return Hash.sha3(concat(new byte[] {0}, leaves.get(0)));
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    return Hash.sha3(
        concat(
            new byte[] {1},
            referenceRoot(leaves.subList(0, k)),
            referenceRoot(leaves.subList(k, leaves.size()))));
  }

  /** RFC 6962 PATH(m, D[n]) from its definition, bottom-up. */
  static List<byte[]> referencePath(int m, List<byte[]> leaves) {
    int n = leaves.size();
    if (n == 1) {
      return new ArrayList<>();
    }
    int k = Integer.highestOneBit(n - 1);
    List<byte[]> path;
    if (m < k) {
      path = referencePath(m, leaves.subList(0, k));
      path.add(referenceRoot(leaves.subList(k, n)));
    } else {
      path = referencePath(m - k, leaves.subList(k, n));
      path.add(referenceRoot(leaves.subList(0, k)));
    }
    return path;
  }

  static byte[] concat(byte[]... parts) {
    int len = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[len];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  @Test
  void emptyTreeRootIsKeccakOfNothing() {
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(List.of());
    assertThat(HEX.formatHex(tree.root()))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(tree.leafCount()).isZero();
    assertThatThrownBy(() -> tree.proof(0))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("outside the tree of 0 leaves");
  }

  @Test
  void oneLeafRootIsTheLeafHashAndItsProofIsEmpty() {
    byte[] record = "only".getBytes(StandardCharsets.UTF_8);
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(List.of(record));
    assertThat(tree.root()).isEqualTo(Hash.sha3(concat(new byte[] {0}, record)));
    InclusionProof proof = tree.proof(0);
    assertThat(proof.siblings()).isEmpty();
    assertThat(proof.verifyRecord(tree.root(), record)).isTrue();
    assertThat(proof.verifyRecord(tree.root(), "other".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void threeLeavesSplitTwoOneWithoutDuplicatingTheOddLeaf() {
    List<byte[]> r = records(3);
    byte[] a = Hash.sha3(concat(new byte[] {0}, r.get(0)));
    byte[] b = Hash.sha3(concat(new byte[] {0}, r.get(1)));
    byte[] c = Hash.sha3(concat(new byte[] {0}, r.get(2)));
    byte[] expected = Hash.sha3(concat(new byte[] {1}, Hash.sha3(concat(new byte[] {1}, a, b)), c));
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(r);
    assertThat(tree.root()).isEqualTo(expected);
    assertThat(tree.proof(2).siblings()).hasSize(1);
    assertThat(tree.proof(0).siblings()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 100})
  void rootAndEveryProofMatchTheRfc6962Definition(int n) {
    List<byte[]> r = records(n);
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(r);
    byte[] root = tree.root();
    assertThat(root).isEqualTo(referenceRoot(r));
    for (int i = 0; i < n; i++) {
      InclusionProof proof = tree.proof(i);
      assertThat(proof.siblings())
          .as("path of leaf %d of %d", i, n)
          .usingElementComparator(Arrays::compare)
          .containsExactlyElementsOf(referencePath(i, r));
      assertThat(proof.verifyRecord(root, r.get(i))).as("leaf %d of %d", i, n).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5, 8, 9})
  void tamperedProofsAreRejected(int n) {
    List<byte[]> r = records(n);
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(r);
    byte[] root = tree.root();
    for (int i = 0; i < n; i++) {
      InclusionProof p = tree.proof(i);
      // another leaf's record at this index
      assertThat(p.verifyRecord(root, r.get((i + 1) % n))).isFalse();
      // a flipped bit in each sibling
      for (int s = 0; s < p.siblings().size(); s++) {
        List<byte[]> siblings = new ArrayList<>(p.siblings());
        byte[] bad = siblings.get(s).clone();
        bad[7] ^= 1;
        siblings.set(s, bad);
        assertThat(new InclusionProof(i, n, siblings).verifyRecord(root, r.get(i))).isFalse();
      }
      // wrong index, wrong count, dropped or extra sibling
      if (n > 1) {
        assertThat(new InclusionProof((i + 1) % n, n, p.siblings()).verifyRecord(root, r.get(i)))
            .isFalse();
        List<byte[]> shorter = p.siblings().subList(0, p.siblings().size() - 1);
        assertThat(new InclusionProof(i, n, shorter).verifyRecord(root, r.get(i))).isFalse();
      }
      // (a different leafCount is not always detectable from the path alone — RFC 9162 proofs do
      // not bind
      // the tree size — so the CVM block header commits to the record count; see README.)
      List<byte[]> longer = new ArrayList<>(p.siblings());
      longer.add(new byte[32]);
      assertThat(new InclusionProof(i, n, longer).verifyRecord(root, r.get(i))).isFalse();
      assertThat(new InclusionProof(n, n, p.siblings()).verifyRecord(root, r.get(i))).isFalse();
      assertThat(new InclusionProof(-1, n, p.siblings()).verifyRecord(root, r.get(i))).isFalse();
    }
  }

  @Test
  void leafAndNodeHashesAreDomainSeparated() {
    // A 64-byte record that equals two child hashes must not hash like the node above them.
    List<byte[]> r = records(2);
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(r);
    byte[] forged = concat(tree.leafHashAt(0), tree.leafHashAt(1));
    assertThat(DatasetMerkleTree.leafHash(forged)).isNotEqualTo(tree.root());
  }

  @Test
  void keccakMatchesWeb3j() {
    for (int len : new int[] {0, 1, 32, 33, 135, 136, 137, 1000}) {
      byte[] input = new byte[len];
      for (int i = 0; i < len; i++) {
        input[i] = (byte) (i * 7 + len);
      }
      assertThat(Keccak.hash(input)).isEqualTo(Hash.sha3(input));
    }
  }

  @Test
  void siblingsMustBe32Bytes() {
    assertThatThrownBy(() -> new InclusionProof(0, 2, List.of(new byte[31])))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("32 bytes");
  }
}
