package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/**
 * The Java side of the checkpoint encoding against the Solidity side: the worked vector of
 * docs/BRIDGE.md, computed by the bridge contracts (pinned in
 * contracts/test/bridge/CvmCheckpointVector.t.sol and recomputed with cast), recomputed here from
 * the same inputs with the app's own classes. Both sides were written independently from one spec;
 * a difference means a checkpoint the CVM chain signs would not verify on Ethereum.
 */
class BridgeVectorTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger R =
      new BigInteger(
          "21888242871839275222246405745257275088548364400416034343698204186575808495617");

  /** keccak256(abi.encode("cvm-avs bls test key", i)) mod r, as the Solidity test derives it. */
  private static BigInteger testSecret(int i) {
    byte[] text = "cvm-avs bls test key".getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[32 * 4];
    data[31] = 0x40; // offset of the string
    data[63] = (byte) i;
    data[95] = (byte) text.length;
    System.arraycopy(text, 0, data, 96, text.length);
    return new BigInteger(1, Hash.sha3(data)).mod(R);
  }

  private static byte[] address(int n) {
    byte[] word = new byte[32];
    word[31] = (byte) n;
    return word;
  }

  @Test
  void theBridgeContractsWorkedVectorIsReproduced() {
    List<BlsValidator> vs = new ArrayList<>();
    long[] powers = {10, 20, 30};
    for (int i = 1; i <= 3; i++) {
      BlsKeyPair kp = BlsKeyPair.fromSecret(testSecret(i));
      byte[] consensus = new byte[32];
      consensus[31] = (byte) i;
      vs.add(
          new BlsValidator(
              ConsensusKey.of(consensus), kp.publicKeyG1(), kp.publicKeyG2(), powers[i - 1]));
    }
    BlsValidatorSet set = BlsValidatorSet.of(vs);
    assertThat(set.entries().get(0).g1().x().toString(16))
        .isEqualTo("7e232bb699257c74a20e7cea432c8fe8a2c5c40788f4c5130fdba10f8b884ed");

    IncrementalMerkleTree blocks = new IncrementalMerkleTree();
    for (long h = 1; h <= 3; h++) {
      blocks.append(
          AbiWords.of()
              .uint(h)
              .bytes32(CheckpointVectorTest.k("cvm block " + h))
              .bytes32(CheckpointVectorTest.k("dataset " + h))
              .keccak());
    }
    IncrementalMerkleTree withdrawals = new IncrementalMerkleTree();
    for (int nonce = 0; nonce < 3; nonce++) {
      withdrawals.append(
          AbiWords.of()
              .uint(nonce)
              .bytes32(address(10 + nonce))
              .uint(BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(nonce + 1)))
              .keccak());
    }
    Checkpoint cp =
        new Checkpoint(
            42,
            CheckpointVectorTest.k("app"),
            CheckpointVectorTest.k("cvm block 3"),
            blocks.root(),
            withdrawals.root(),
            set.hash());

    assertThat(HEX.formatHex(set.hash()))
        .isEqualTo("ca7b5e32eda5f77a3a24458f60657783d671e182190b6a9d64ed146d70830ea1");
    assertThat(HEX.formatHex(blocks.root()))
        .isEqualTo("54e3a050df14ca98ed76c5e9cb574a13a976aca592a85d968cccc6976d630e9b");
    assertThat(HEX.formatHex(withdrawals.root()))
        .isEqualTo("669bff1d84664087a7df18903faaa86f9d85fbfe11222d71a30b500a500f5ae6");
    assertThat(HEX.formatHex(Checkpoint.cvmChainId("cvm-1")))
        .isEqualTo("fe40cfa40ef4ef67de4bf66eecb9d17fd0e7d2c80e6e2066842c208625a3a8b5");
    assertThat(HEX.formatHex(cp.digest("cvm-1")))
        .isEqualTo("6a79a2569770f2c825bb32ec7bdc677a0dfe949ca0c1ececaddf1c501e55e217");
  }

  /**
   * The app's withdrawal leaf and its shortened proof (what {@code /bridge/proof} returns) for the
   * worked vector's withdrawal nonce 1; {@code CvmCheckpointVector.t.sol}'s {@code
   * test_WithdrawalProofVector} pins the same siblings and reaches the same root in the contract.
   */
  @Test
  void withdrawalLeafAndShortenedProofMatchTheContractVector() {
    List<byte[]> leaves = new ArrayList<>();
    for (int nonce = 0; nonce < 3; nonce++) {
      leaves.add(
          io.cvmavs.consensus.app.bridge.Withdrawals.leaf(
              nonce,
              java.util.Arrays.copyOfRange(address(10 + nonce), 12, 32),
              BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(nonce + 1))));
    }
    assertThat(HEX.formatHex(leaves.get(1)))
        .isEqualTo("133af9e24c3a95091eee040e2c587c78eb1636aa6353c117fe744cf978a30f1b");
    var proof = io.cvmavs.consensus.app.bridge.Withdrawals.proof(leaves, 1);
    assertThat(proof.siblings().stream().map(HEX::formatHex))
        .containsExactly(
            "49b0cd519b826b375b0a2b093fef3bf3a7dea591dc7d3008ba571490572633de",
            "ae8187e6cfb3503a5224f91d8d5bb562dea26326c702bd74a679d33d1ad06ce0");
    assertThat(HEX.formatHex(proof.root()))
        .isEqualTo("669bff1d84664087a7df18903faaa86f9d85fbfe11222d71a30b500a500f5ae6");
    assertThat(
            io.cvmavs.consensus.app.bridge.Withdrawals.computeRoot(
                leaves.get(1), 1, proof.siblings()))
        .isEqualTo(proof.root());
    // Nonce 2 needs no sibling at level 0 beyond the empty leaf, but level 1 carries leaves 0-1.
    assertThat(io.cvmavs.consensus.app.bridge.Withdrawals.proof(leaves, 2).siblings()).hasSize(2);
  }

  /**
   * A CVM block with two datasets in the CVM-block accumulator: the block of {@code
   * cvm/src/test/resources/fixtures/attested-records.json} (written by {@code
   * AttestedRecordsFixtureTest}) is leaf 1 of three, its dataset root is the dataset tree over the
   * fixture's entries (what {@code CvmTaskComputer.datasetRoot} gives and {@code BlockExecutor}
   * puts in the leaf). {@code CvmRecordVerifier.t.sol}'s {@code test_MultiDatasetAccumulatorVector}
   * pins the same leaf and root and proves every record of both datasets through it.
   */
  @Test
  void aMultiDatasetBlocksAccumulatorLeafMatchesTheContractVector() throws Exception {
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                java.nio.file.Path.of("../cvm/src/test/resources/fixtures/attested-records.json")
                    .toFile())
            .get("attested");
    List<io.cvmavs.cvm.proof.DatasetRootProof.Entry> entries = new ArrayList<>();
    json.get("datasets")
        .forEach(
            d ->
                entries.add(
                    new io.cvmavs.cvm.proof.DatasetRootProof.Entry(
                        d.get("name").asText(),
                        d.get("recordCount").asLong(),
                        HEX.parseHex(d.get("datasetRoot").asText().substring(2)))));
    byte[] datasetRoot = io.cvmavs.cvm.proof.DatasetRootProof.responseDatasetRoot(entries);
    assertThat("0x" + HEX.formatHex(datasetRoot))
        .isEqualTo(json.get("responseDatasetRoot").asText());
    byte[] blockHash = HEX.parseHex(json.get("blockHash").asText().substring(2));
    List<byte[]> leaves = new ArrayList<>();
    leaves.add(leaf(0, keccak("cvm block 0"), keccak("dataset 0")));
    leaves.add(leaf(1, blockHash, datasetRoot));
    leaves.add(leaf(2, keccak("cvm block 2"), keccak("dataset 2")));
    assertThat(HEX.formatHex(leaves.get(1)))
        .isEqualTo("32781fbd1a0c9a8d7d9dc49ad761d243d0c776f1b3942fe83f5db787dcf29756");
    assertThat(HEX.formatHex(IncrementalMerkleTree.rootOf(leaves, 0, null)))
        .isEqualTo("35d9af644d10ca48aba0a98318a1222d96a9e0f8fd9cfb1f4e42c7e28c6baa51");
  }

  private static byte[] leaf(long cvmHeight, byte[] blockHash, byte[] datasetRoot) {
    return AbiWords.of().uint(cvmHeight).bytes32(blockHash).bytes32(datasetRoot).keccak();
  }

  private static byte[] keccak(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }
}
