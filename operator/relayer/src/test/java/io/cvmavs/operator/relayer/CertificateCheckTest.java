package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class CertificateCheckTest {
  private static final String CHAIN = "cvm-test-1";
  private static final BigInteger R =
      new BigInteger(
          "21888242871839275222246405745257275088548364400416034343698204186575808495617");

  /** Four validators, powers 10, 20, 30, 40, in the contract's order (operatorId ascending). */
  private static final List<BlsKeyPair> KEYS = ValidatorKeys.sortedByOperatorId(11, 12, 13, 14);

  private static final long[] POWERS = {10, 20, 30, 40};

  private static CommittedSet set() {
    List<ValidatorEntry> entries = new ArrayList<>();
    for (int i = 0; i < KEYS.size(); i++) {
      entries.add(new ValidatorEntry(KEYS.get(i).publicKeyG1(), BigInteger.valueOf(POWERS[i])));
    }
    return new CommittedSet(7, CommittedSet.hashOf(entries), entries);
  }

  private static byte[] k(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Checkpoint checkpoint(long h) {
    return new Checkpoint(h, k("app"), k("cvm"), k("cum"), k("wd"), set().hash());
  }

  /** A certificate signed by the entries whose bit is set. */
  private static RelayCertificate signed(Checkpoint cp, int bitmap) {
    byte[] digest = cp.digest(CHAIN);
    List<G1Point> sigs = new ArrayList<>();
    List<G2Point> keys = new ArrayList<>();
    for (int i = 0; i < KEYS.size(); i++) {
      if ((bitmap >> i & 1) == 1) {
        sigs.add(KEYS.get(i).sign(digest));
        keys.add(KEYS.get(i).publicKeyG2());
      }
    }
    return new RelayCertificate(
        cp,
        Bls.aggregateSignatures(sigs),
        Bls.aggregatePublicKeysG2(keys),
        new byte[] {(byte) bitmap});
  }

  @Test
  void everyoneSignedVerifiesWithNoNonSigners() {
    CertificateCheck.Verified v =
        CertificateCheck.verify(signed(checkpoint(5), 0b1111), set(), CHAIN);
    assertThat(v.nonSignerIndices()).isEmpty();
    assertThat(v.signedPower()).isEqualTo(BigInteger.valueOf(100));
  }

  @Test
  void theMissingEntriesBecomeTheNonSignerIndices() {
    // 10 + 30 + 40 = 80 of 100 signed; entry 1 (power 20) did not
    CertificateCheck.Verified v =
        CertificateCheck.verify(signed(checkpoint(5), 0b1101), set(), CHAIN);
    assertThat(v.nonSignerIndices()).containsExactly(1);
    assertThat(v.signedPower()).isEqualTo(BigInteger.valueOf(80));
  }

  @Test
  void twoThirdsExactlyIsNotAQuorum() {
    // a set of 10, 20, 30, 40 has no subset of exactly 2/3; use 20 + 40 = 60 (< 2/3) and check
    // the boundary with the contract's rule missing·3 < total on 30 + 40 + 0 = 70 (> 2/3)
    assertThatThrownBy(() -> CertificateCheck.verify(signed(checkpoint(5), 0b1010), set(), CHAIN))
        .isInstanceOf(RelayerException.Refused.class)
        .hasMessageContaining("signers hold 60 of 100 power of validator set 7, not more than 2/3");
    assertThat(CertificateCheck.verify(signed(checkpoint(5), 0b1100), set(), CHAIN).signedPower())
        .isEqualTo(BigInteger.valueOf(70));
  }

  @Test
  void aChangedFieldIsRefused() {
    RelayCertificate good = signed(checkpoint(5), 0b1111);
    Checkpoint c = good.checkpoint();
    Checkpoint tampered =
        new Checkpoint(
            c.height(),
            c.appHash(),
            c.cvmBlockHash(),
            c.cumulativeRoot(),
            k("other"),
            c.nextValidatorSetHash());
    assertThatThrownBy(
            () ->
                CertificateCheck.verify(
                    new RelayCertificate(tampered, good.sigma(), good.apkG2(), good.signerBitmap()),
                    set(),
                    CHAIN))
        .isInstanceOf(RelayerException.Refused.class)
        .hasMessageContaining("certificate of CVM height 5 refused locally")
        .hasMessageContaining("does not verify");
  }

  @Test
  void anotherChainIdIsRefused() {
    assertThatThrownBy(
            () -> CertificateCheck.verify(signed(checkpoint(5), 0b1111), set(), "cvm-other"))
        .isInstanceOf(RelayerException.Refused.class);
  }

  @Test
  void aBitmapClaimingASignerWhoDidNotSignIsRefused() {
    // signed by 0, 2, 3 but the bitmap claims all four: the G1 aggregate no longer matches σ /
    // apkG2
    RelayCertificate three = signed(checkpoint(5), 0b1101);
    assertThatThrownBy(
            () ->
                CertificateCheck.verify(
                    new RelayCertificate(
                        three.checkpoint(), three.sigma(), three.apkG2(), new byte[] {0x0f}),
                    set(),
                    CHAIN))
        .isInstanceOf(RelayerException.Refused.class);
  }

  @Test
  void aG2KeyOfOtherSignersIsRefusedEvenWithAMatchingSignature() {
    // σ and apkG2 of entries 0, 2, 3 are consistent with each other, but the bitmap names 1, 2, 3
    RelayCertificate cert = signed(checkpoint(5), 0b1101);
    assertThatThrownBy(
            () ->
                CertificateCheck.verify(
                    new RelayCertificate(
                        cert.checkpoint(), cert.sigma(), cert.apkG2(), new byte[] {0x0e}),
                    set(),
                    CHAIN))
        .isInstanceOf(RelayerException.Refused.class);
  }

  @Test
  void aMalformedBitmapIsRefused() {
    RelayCertificate cert = signed(checkpoint(5), 0b1111);
    assertThatThrownBy(
            () ->
                CertificateCheck.verify(
                    new RelayCertificate(
                        cert.checkpoint(), cert.sigma(), cert.apkG2(), new byte[] {0x1f}),
                    set(),
                    CHAIN))
        .isInstanceOf(RelayerException.Refused.class)
        .hasMessageContaining("signer bitmap sets bit 4, beyond the set of 4");
  }

  @Test
  void aSetWhoseEntriesDoNotHashToTheContractsHashIsRefused() {
    List<ValidatorEntry> entries = set().entries();
    assertThatThrownBy(() -> new CommittedSet(3, k("not it"), entries))
        .isInstanceOf(RelayerException.class)
        .hasMessageContaining("validator set 3 read from CvmCheckpoints hashes to 0x");
  }

  /**
   * The worked vector of docs/BRIDGE.md: σ computed by forge ({@code CvmCheckpointVector.t.sol}),
   * independently of this code, verifies here; the set hash matches the one forge and cast print.
   */
  @Test
  void theBridgeWorkedVectorSignatureFromForgeVerifies() {
    HexFormat hex = HexFormat.of();
    String[][] rows = {
      {
        "07e232bb699257c74a20e7cea432c8fe8a2c5c40788f4c5130fdba10f8b884ed",
        "162b347d081a906d054709683de87523b8567595ad82e84cca4aa2c174a8e5c5",
        "30"
      },
      {
        "194efc4cb30a62dea90fa924890dba0df2f515f23cc891ef4bdab78819518b6f",
        "0f636e0129b55f19095c22ce78de0c37219328a98ad501622d159c2abcd9bc8c",
        "10"
      },
      {
        "23770744bb054f499d3c29ac5d457409d2882a258474c1029b7047a2650a675d",
        "1509605f36e25f19aa5ea3d4ac9269344dda2cae259e0f90ed7642d79d88ada0",
        "20"
      }
    };
    List<ValidatorEntry> entries = new ArrayList<>();
    for (String[] r : rows) {
      entries.add(
          new ValidatorEntry(
              G1Point.of(new BigInteger(r[0], 16), new BigInteger(r[1], 16)),
              new BigInteger(r[2])));
    }
    byte[] setHash =
        hex.parseHex("ca7b5e32eda5f77a3a24458f60657783d671e182190b6a9d64ed146d70830ea1");
    CommittedSet set = new CommittedSet(0, setHash, entries);
    List<G2Point> g2 = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      g2.add(BlsKeyPair.fromSecret(testSecret(i)).publicKeyG2());
    }
    Checkpoint cp =
        new Checkpoint(
            42,
            k("app"),
            k("cvm block 3"),
            hex.parseHex("54e3a050df14ca98ed76c5e9cb574a13a976aca592a85d968cccc6976d630e9b"),
            hex.parseHex("669bff1d84664087a7df18903faaa86f9d85fbfe11222d71a30b500a500f5ae6"),
            setHash);
    assertThat(hex.formatHex(cp.digest("cvm-1")))
        .isEqualTo("6a79a2569770f2c825bb32ec7bdc677a0dfe949ca0c1ececaddf1c501e55e217");
    G1Point sigma =
        G1Point.of(
            new BigInteger("0de97a13e0de281da532a727ccfbc49924596421b5451657f734dca69a781040", 16),
            new BigInteger("14373599783a4878bc56bc74ede0189d1a78f9d964c641ac025a53061db3e5fd", 16));
    RelayCertificate cert =
        new RelayCertificate(cp, sigma, Bls.aggregatePublicKeysG2(g2), new byte[] {0x07});
    assertThat(CertificateCheck.verify(cert, set, "cvm-1").nonSignerIndices()).isEmpty();
    assertThatThrownBy(() -> CertificateCheck.verify(cert, set, "cvm-2"))
        .isInstanceOf(RelayerException.Refused.class);
  }

  /**
   * keccak256(abi.encode("cvm-avs bls test key", i)) mod r, as the Solidity vector test derives it.
   */
  private static BigInteger testSecret(int i) {
    byte[] text = "cvm-avs bls test key".getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[32 * 4];
    data[31] = 0x40;
    data[63] = (byte) i;
    data[95] = (byte) text.length;
    System.arraycopy(text, 0, data, 96, text.length);
    return new BigInteger(1, Hash.sha3(data)).mod(R);
  }
}
