package io.cvmavs.crypto.bls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.CvmRegistry;
import io.cvmavs.contracts.bindings.CvmVerifier;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tuples.generated.Tuple7;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Java BLS against the project's Solidity verifier (CvmVerifier and CvmRegistry, deployed by the
 * real deploy script on anvil): hash-to-G1 agrees on random digests, signatures and aggregates made
 * in Java verify on-chain, wrong ones do not, and the proof-of-possession message point agrees with
 * the registry's.
 */
@WithAnvil
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SolidityVerifierIT {
  private static final int CASES = 100;
  private final Random random = new Random(20_261_121L);
  private CvmVerifier verifier;
  private CvmRegistry registry;

  @BeforeAll
  void deploy(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    var readonly = new ReadonlyTransactionManager(anvil.web3j(), anvil.account(0).address());
    verifier =
        CvmVerifier.load(
            d.address("CvmVerifier"), anvil.web3j(), readonly, new DefaultGasProvider());
    registry =
        CvmRegistry.load(
            d.address("CvmRegistry"), anvil.web3j(), readonly, new DefaultGasProvider());
  }

  private byte[] randomDigest() {
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    return digest;
  }

  private static CvmVerifier.G1Point sol(G1Point p) {
    return new CvmVerifier.G1Point(p.x(), p.y());
  }

  private static CvmVerifier.G2Point sol(G2Point p) {
    return new CvmVerifier.G2Point(Arrays.asList(p.evmX()), Arrays.asList(p.evmY()));
  }

  @Test
  void hashToG1AgreesOnRandomDigests() throws Exception {
    for (int i = 0; i < CASES; i++) {
      byte[] digest = randomDigest();
      CvmVerifier.G1Point onChain = verifier.hashToG1(digest).send();
      G1Point java = HashToG1.hash(digest);
      assertThat(onChain.X).as("x of case %d", i).isEqualTo(java.x());
      assertThat(onChain.Y).as("y of case %d", i).isEqualTo(java.y());
    }
  }

  @Test
  void javaSignaturesVerifyOnChainAndWrongOnesDoNot() throws Exception {
    SecureRandom keys = new SecureRandom();
    for (int i = 0; i < 20; i++) {
      BlsKeyPair key = BlsKeyPair.generate(keys);
      byte[] digest = randomDigest();
      G1Point sigma = key.sign(digest);
      Tuple2<Boolean, Boolean> good =
          verifier
              .verifySignature(digest, sol(key.publicKeyG1()), sol(key.publicKeyG2()), sol(sigma))
              .send();
      assertThat(good.component1()).isTrue();
      assertThat(good.component2()).as("valid signature %d", i).isTrue();

      Tuple2<Boolean, Boolean> wrongDigest =
          verifier
              .verifySignature(
                  randomDigest(), sol(key.publicKeyG1()), sol(key.publicKeyG2()), sol(sigma))
              .send();
      assertThat(wrongDigest.component2()).isFalse();
    }
  }

  @Test
  void javaAggregateOfTenVerifiesOnChain() throws Exception {
    SecureRandom keys = new SecureRandom();
    byte[] digest = Hash.sha3("one task response".getBytes(StandardCharsets.UTF_8));
    List<BlsKeyPair> signers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      signers.add(BlsKeyPair.generate(keys));
    }
    G1Point apk = Bls.aggregatePublicKeysG1(signers.stream().map(BlsKeyPair::publicKeyG1).toList());
    G2Point apkG2 =
        Bls.aggregatePublicKeysG2(signers.stream().map(BlsKeyPair::publicKeyG2).toList());
    G1Point sigma = Bls.aggregateSignatures(signers.stream().map(k -> k.sign(digest)).toList());
    assertThat(Bls.verifyAggregateWithApk(digest, apk, apkG2, sigma)).isTrue();

    Tuple2<Boolean, Boolean> onChain =
        verifier.verifySignature(digest, sol(apk), sol(apkG2), sol(sigma)).send();
    assertThat(onChain.component1()).isTrue();
    assertThat(onChain.component2()).isTrue();

    G1Point missingOne =
        Bls.aggregateSignatures(signers.subList(1, 10).stream().map(k -> k.sign(digest)).toList());
    assertThat(
            verifier
                .verifySignature(digest, sol(apk), sol(apkG2), sol(missingOne))
                .send()
                .component2())
        .isFalse();
  }

  @Test
  void proofOfPossessionMessagePointMatchesTheRegistry() throws Exception {
    Tuple7<byte[], String, String, BigInteger, String, byte[], List<BigInteger>> domain =
        registry.eip712Domain().send();
    byte[] typeHash =
        Hash.sha3(
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                .getBytes(StandardCharsets.UTF_8));
    String encoded =
        TypeEncoder.encode(new Bytes32(typeHash))
            + TypeEncoder.encode(
                new Bytes32(Hash.sha3(domain.component2().getBytes(StandardCharsets.UTF_8))))
            + TypeEncoder.encode(
                new Bytes32(Hash.sha3(domain.component3().getBytes(StandardCharsets.UTF_8))))
            + TypeEncoder.encode(new Uint256(domain.component4()))
            + TypeEncoder.encode(new Address(domain.component5()));
    byte[] domainSeparator = Hash.sha3(Numeric.hexStringToByteArray(encoded));

    for (int i = 0; i < 20; i++) {
      byte[] addressBytes = new byte[20];
      random.nextBytes(addressBytes);
      String operator = Numeric.toHexString(addressBytes);
      G1Point java =
          ProofOfPossession.messagePoint(
              ProofOfPossession.registrationDigest(domainSeparator, operator));
      CvmRegistry.G1Point onChain = registry.pubkeyRegistrationMessageHash(operator).send();
      assertThat(onChain.X).as("operator %s", operator).isEqualTo(java.x());
      assertThat(onChain.Y).isEqualTo(java.y());
    }
  }
}
