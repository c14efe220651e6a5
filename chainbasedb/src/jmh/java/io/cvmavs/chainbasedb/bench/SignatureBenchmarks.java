package io.cvmavs.chainbasedb.bench;

import io.cvmavs.chainbasedb.signature.Ed25519Scheme;
import io.cvmavs.chainbasedb.signature.EthPersonalSign;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

/** Single-threaded cost of one signature check per scheme (the stateless half of CheckTx). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignatureBenchmarks {
  private byte[] root;
  private byte[] digest;
  private byte[] ethSig;
  private Sign.SignatureData ethSigData;
  private byte[] edSig;
  private byte[] edPub;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    root = new byte[32];
    rnd.nextBytes(root);
    ECKeyPair key = ECKeyPair.create(new BigInteger(250, rnd));
    ethSig = EthPersonalSign.sign(key, root);
    digest = EthPersonalSign.personalDigest(root);
    ethSigData =
        new Sign.SignatureData(
            ethSig[64], Arrays.copyOfRange(ethSig, 0, 32), Arrays.copyOfRange(ethSig, 32, 64));
    byte[] seed = new byte[32];
    rnd.nextBytes(seed);
    edSig = Ed25519Scheme.sign(seed, root);
    edPub = Ed25519Scheme.publicKey(seed);
  }

  /** This module's recovery: one GLV sumOfTwoMultiplies (BouncyCastle), with its strict checks. */
  @Benchmark
  public byte[] secp256k1RecoverBouncyCastleGlv() {
    return EthPersonalSign.recover(digest, ethSig);
  }

  /** The anchor: web3j's Sign.signedPrefixedMessageToKey. */
  @Benchmark
  public BigInteger secp256k1RecoverWeb3j() throws Exception {
    return Sign.signedPrefixedMessageToKey(root, ethSigData);
  }

  @Benchmark
  public Object ed25519VerifyBouncyCastle() {
    return Ed25519Scheme.INSTANCE.verify(root, edSig, edPub);
  }
}
