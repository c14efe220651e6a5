package io.cvmavs.crypto.bls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.crypto.InvalidPointException;
import io.cvmavs.crypto.InvalidScalarException;
import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.Fp;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class BlsTest {
  private final Random rnd = new Random(5);

  private byte[] digest() {
    byte[] d = new byte[32];
    rnd.nextBytes(d);
    return d;
  }

  private BlsKeyPair key() {
    return BlsKeyPair.fromSecret(new BigInteger(250, rnd).add(BigInteger.ONE));
  }

  @Test
  void hashToG1FollowsTryAndIncrement() {
    for (int i = 0; i < 50; i++) {
      byte[] d = digest();
      G1Point h = HashToG1.hash(d);
      BigInteger x = new BigInteger(1, d).mod(Bn254.P);
      // x is the first candidate at or after uint(d) mod p whose x³ + 3 is a square
      BigInteger k = h.x().subtract(x).mod(Bn254.P);
      assertThat(k).isLessThan(BigInteger.valueOf(64));
      for (BigInteger c = x; !c.equals(h.x()); c = c.add(BigInteger.ONE).mod(Bn254.P)) {
        Fp fc = Fp.of(c);
        assertThat(fc.square().mul(fc).add(Fp.of(3)).sqrt()).isNull();
      }
      Fp beta = Fp.of(h.x()).square().mul(Fp.of(h.x())).add(Fp.of(3));
      assertThat(Fp.of(h.y())).isEqualTo(beta.pow(Bn254.P.add(BigInteger.ONE).shiftRight(2)));
    }
    // digest 0: x = 0, β = 3 is not a square mod p, x = 1 gives β = 4 and y = 4^((p+1)/4) =
    // 2^((p+1)/2) = ±2
    G1Point h0 = HashToG1.hash(new byte[32]);
    assertThat(h0.x()).isEqualTo(BigInteger.ONE);
    assertThat(h0.y()).isIn(BigInteger.TWO, Bn254.P.subtract(BigInteger.TWO));
    assertThatThrownBy(() -> HashToG1.hash(new byte[31]))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void signAndVerify() {
    for (int i = 0; i < 5; i++) {
      BlsKeyPair k = key();
      byte[] m = digest();
      G1Point sig = k.sign(m);
      assertThat(Bls.verify(k.publicKeyG2(), m, sig)).isTrue();
      assertThat(Bls.verify(k.publicKeyG2(), digest(), sig)).isFalse();
      assertThat(Bls.verify(key().publicKeyG2(), m, sig)).isFalse();
      assertThat(Bls.verify(k.publicKeyG2(), m, sig.negate())).isFalse();
    }
  }

  @Test
  void keysAreConsistentAndValidated() {
    BlsKeyPair k = BlsKeyPair.generate(new SecureRandom());
    assertThat(k.publicKeyG1()).isEqualTo(G1Point.GENERATOR.mul(k.secret()));
    assertThat(BlsKeyPair.fromSecretBytes(k.secretBytes()).publicKeyG2())
        .isEqualTo(k.publicKeyG2());
    assertThat(k.operatorId()).isEqualTo(Hash.sha3(k.publicKeyG1().toBytes()));
    assertThat(k.toString())
        .doesNotContain(k.secret().toString())
        .doesNotContain(k.secret().toString(16));
    assertThatThrownBy(() -> BlsKeyPair.fromSecret(BigInteger.ZERO))
        .isInstanceOf(InvalidScalarException.class)
        .hasMessageContaining("[1, r)");
    assertThatThrownBy(() -> BlsKeyPair.fromSecret(Bn254.R))
        .isInstanceOf(InvalidScalarException.class)
        .hasMessageContaining(">= r");
    assertThatThrownBy(() -> BlsKeyPair.fromSecretBytes(new byte[33]))
        .isInstanceOf(MalformedEncodingException.class);
    assertThatThrownBy(() -> Bls.verify(G2Point.INFINITY, digest(), k.sign(digest())))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("public key");
    assertThatThrownBy(() -> Bls.verify(k.publicKeyG2(), digest(), G1Point.INFINITY))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void operatorIdOfKnownKey() {
    // sk = 1: pkG1 = (1, 2); operatorId = keccak256(uint256(1) ‖ uint256(2))
    BlsKeyPair one = BlsKeyPair.fromSecret(BigInteger.ONE);
    byte[] enc = new byte[64];
    enc[31] = 1;
    enc[63] = 2;
    assertThat(one.operatorId()).isEqualTo(Hash.sha3(enc));
    assertThat(one.publicKeyG2()).isEqualTo(G2Point.GENERATOR);
  }

  @Test
  void aggregateSameMessageAndOnChainGammaCheck() {
    byte[] m = digest();
    List<BlsKeyPair> keys = new ArrayList<>();
    List<G1Point> sigs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BlsKeyPair k = key();
      keys.add(k);
      sigs.add(k.sign(m));
    }
    List<G2Point> pk2 = keys.stream().map(BlsKeyPair::publicKeyG2).toList();
    List<G1Point> pk1 = keys.stream().map(BlsKeyPair::publicKeyG1).toList();
    assertThat(Bls.verifyAggregate(m, pk2, sigs)).isTrue();
    G1Point apk = Bls.aggregatePublicKeysG1(pk1);
    G2Point apk2 = Bls.aggregatePublicKeysG2(pk2);
    G1Point sigma = Bls.aggregateSignatures(sigs);
    assertThat(Bls.verifyAggregateWithApk(m, apk, apk2, sigma)).isTrue();
    // a G1 apk that does not match the G2 apk is caught by the γ check
    assertThat(Bls.verifyAggregateWithApk(m, apk.add(G1Point.GENERATOR), apk2, sigma)).isFalse();
    assertThat(Bls.verifyAggregateWithApk(digest(), apk, apk2, sigma)).isFalse();
    List<G1Point> wrongOne = new ArrayList<>(sigs);
    wrongOne.set(0, keys.get(0).sign(digest()));
    assertThat(Bls.verifyAggregate(m, pk2, wrongOne)).isFalse();
    assertThatThrownBy(() -> Bls.verifyAggregate(m, pk2, sigs.subList(1, sigs.size())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 keys and 7 signatures");
    assertThatThrownBy(() -> Bls.verifyAggregate(m, List.of(), List.of()))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("aggregate public key is the G2 point at infinity");
    // γ is keccak over msgHash ‖ apk ‖ apkG2 (EVM order) ‖ σ, reduced mod r
    byte[] buf = new byte[288];
    System.arraycopy(m, 0, buf, 0, 32);
    System.arraycopy(apk.toBytes(), 0, buf, 32, 64);
    System.arraycopy(apk2.toEvmBytes(), 0, buf, 96, 128);
    System.arraycopy(sigma.toBytes(), 0, buf, 224, 64);
    assertThat(Bls.gamma(m, apk, apk2, sigma))
        .isEqualTo(new BigInteger(1, Hash.sha3(buf)).mod(Bn254.R));
  }

  @Test
  void batchVerificationOfDistinctMessages() {
    List<Bls.BatchItem> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      BlsKeyPair k = key();
      byte[] m = digest();
      items.add(new Bls.BatchItem(k.publicKeyG2(), m, k.sign(m)));
    }
    SecureRandom sr = new SecureRandom();
    assertThat(Bls.verifyBatch(items, sr)).isTrue();
    assertThat(Bls.verifyBatch(List.of(), sr)).isTrue();
    List<Bls.BatchItem> bad = new ArrayList<>(items);
    Bls.BatchItem b = bad.get(3);
    bad.set(3, new Bls.BatchItem(b.publicKey(), digest(), b.signature()));
    assertThat(Bls.verifyBatch(bad, sr)).isFalse();
    // swapping two valid signatures between messages must fail too
    List<Bls.BatchItem> swapped = new ArrayList<>(items);
    swapped.set(
        0,
        new Bls.BatchItem(
            items.get(0).publicKey(), items.get(0).digest(), items.get(1).signature()));
    swapped.set(
        1,
        new Bls.BatchItem(
            items.get(1).publicKey(), items.get(1).digest(), items.get(0).signature()));
    assertThat(Bls.verifyBatch(swapped, sr)).isFalse();
    assertThatThrownBy(
            () -> new Bls.BatchItem(G2Point.INFINITY, digest(), items.get(0).signature()))
        .isInstanceOf(InvalidPointException.class);
    List<Bls.BatchItem> infSig = new ArrayList<>(items);
    infSig.set(
        2, new Bls.BatchItem(items.get(2).publicKey(), items.get(2).digest(), G1Point.INFINITY));
    assertThatThrownBy(() -> Bls.verifyBatch(infSig, sr))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("signature #2");
  }

  @Test
  void badSignaturesAmong200AreFoundByBisection() {
    byte[] m = digest();
    List<BlsKeyPair> keys = new ArrayList<>();
    List<G2Prepared> prepared = new ArrayList<>();
    List<G1Point> sigs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      BlsKeyPair k = key();
      keys.add(k);
      prepared.add(G2Prepared.of(k.publicKeyG2()));
      sigs.add(k.sign(m));
    }
    SecureRandom sr = new SecureRandom();
    assertThat(Bls.findInvalidInAggregate(m, prepared, sigs)).isEmpty();
    assertThat(Bls.findInvalid(items(prepared, m, sigs), sr)).isEmpty();

    // one signature over another digest, one by the wrong key
    List<G1Point> bad = new ArrayList<>(sigs);
    bad.set(137, keys.get(137).sign(digest()));
    bad.set(5, keys.get(6).sign(m));
    assertThat(Bls.findInvalidInAggregate(m, prepared, bad)).containsExactly(5, 137);
    assertThat(Bls.findInvalid(items(prepared, m, bad), sr)).containsExactly(5, 137);

    // two invalid signatures that cancel in the sum pass the aggregate (what the chain checks)
    // but not the batch check, which weighs each signature with its own random coefficient
    G1Point delta = G1Point.GENERATOR.mul(BigInteger.valueOf(12345));
    List<G1Point> cancelling = new ArrayList<>(sigs);
    cancelling.set(10, sigs.get(10).toJacobian().add(delta.toJacobian()).toAffine());
    cancelling.set(11, sigs.get(11).toJacobian().add(delta.negate().toJacobian()).toAffine());
    assertThat(Bls.findInvalidInAggregate(m, prepared, cancelling)).isEmpty();
    assertThat(Bls.findInvalid(items(prepared, m, cancelling), sr)).containsExactly(10, 11);

    // every signature bad: each is named
    List<G1Point> allBad = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      allBad.add(sigs.get(i + 1));
    }
    assertThat(Bls.findInvalidInAggregate(m, prepared.subList(0, 8), allBad))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThatThrownBy(() -> Bls.findInvalidInAggregate(m, prepared, sigs.subList(0, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200 keys and 3 signatures");
  }

  private static List<Bls.BatchItem> items(List<G2Prepared> keys, byte[] m, List<G1Point> sigs) {
    List<Bls.BatchItem> items = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      items.add(new Bls.BatchItem(keys.get(i), m, sigs.get(i)));
    }
    return items;
  }

  @Test
  void proofOfPossession() {
    BlsKeyPair k = key();
    byte[] domain = Hash.sha3("test domain".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String operator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    byte[] digest = ProofOfPossession.registrationDigest(domain, operator);
    G1Point h = ProofOfPossession.messagePoint(digest);
    G1Point sig = ProofOfPossession.sign(k, digest);
    assertThat(ProofOfPossession.verify(k.publicKeyG1(), k.publicKeyG2(), sig, h)).isTrue();
    // a rogue G1 key that does not match the G2 key fails
    assertThat(ProofOfPossession.verify(key().publicKeyG1(), k.publicKeyG2(), sig, h)).isFalse();
    // a proof for another operator fails
    G1Point other =
        ProofOfPossession.messagePoint(
            ProofOfPossession.registrationDigest(
                domain, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"));
    assertThat(ProofOfPossession.verify(k.publicKeyG1(), k.publicKeyG2(), sig, other)).isFalse();
    assertThat(ProofOfPossession.TYPEHASH)
        .isEqualTo(
            Hash.sha3(
                "BN254PubkeyRegistration(address operator)"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> ProofOfPossession.registrationDigest(domain, "0x1234"))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("20 bytes");
  }
}
