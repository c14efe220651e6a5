package io.cvmavs.cvm.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.CvmVerifier;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Inclusion proofs made by the Java tree verify in the Solidity {@code DatasetProofs} library
 * (through the deployed {@code CvmVerifier}, on anvil): every leaf of trees of several shapes, and
 * a tampered record, sibling or index is refused.
 */
@WithAnvil
class DatasetProofsOnChainIT {
  @Test
  void javaProofsVerifyOnChain(AnvilNode anvil) throws Exception {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    CvmVerifier verifier =
        CvmVerifier.load(
            d.address("CvmVerifier"),
            anvil.web3j(),
            new ReadonlyTransactionManager(anvil.web3j(), anvil.account(0).address()),
            new DefaultGasProvider());
    Random random = new Random(7);
    int checked = 0;
    for (int n : new int[] {1, 2, 3, 6, 13, 33}) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        records.add(
            CanonicalEncoding.encode(
                "0x" + String.format("%064x", random.nextLong() & Long.MAX_VALUE),
                (long) i,
                "row-" + i));
      }
      DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(records);
      for (int i = 0; i < n; i += Math.max(1, n / 7)) {
        InclusionProof proof = tree.proof(i);
        assertThat(proof.verifyRecord(tree.root(), records.get(i))).isTrue();
        assertThat(onChain(verifier, tree.root(), records.get(i), proof, proof.siblings()))
            .as("leaf %d of %d", i, n)
            .isTrue();

        byte[] tampered = records.get(i).clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(onChain(verifier, tree.root(), tampered, proof, proof.siblings())).isFalse();
        if (!proof.siblings().isEmpty()) {
          List<byte[]> badSiblings = new ArrayList<>(proof.siblings());
          byte[] first = badSiblings.getFirst().clone();
          first[0] ^= 1;
          badSiblings.set(0, first);
          assertThat(onChain(verifier, tree.root(), records.get(i), proof, badSiblings)).isFalse();
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  private static boolean onChain(
      CvmVerifier verifier, byte[] root, byte[] record, InclusionProof proof, List<byte[]> siblings)
      throws Exception {
    return verifier
        .verifyRecord(
            root,
            record,
            BigInteger.valueOf(proof.leafIndex()),
            BigInteger.valueOf(proof.leafCount()),
            siblings)
        .send();
  }
}
