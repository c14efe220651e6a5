package io.cvmavs.consensus.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Result;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.Validator;
import io.cvmavs.consensus.light.ValidatorSet;
import io.cvmavs.consensus.light.Verdict;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.CanonicalBlockID;
import io.cvmavs.consensus.proto.types.CanonicalPartSetHeader;
import io.cvmavs.consensus.proto.types.CanonicalVote;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import io.cvmavs.consensus.proto.types.SignedMsgType;
import io.cvmavs.consensus.proto.version.Consensus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Light-client verification of one header signed by every validator of an N-validator set (equal
 * powers), on one thread: adjacent (the 2/3 check of the header's own set) and non-adjacent (the
 * 1/3 trusting check, then the 2/3 check; signatures already verified are not verified again).
 * Includes the header hash, the validator-set hash and the JSON-free in-memory block. Keys are
 * Ed25519 from a fixed seed, so every run verifies the same bytes. Target (issue 17): ≤ 5 ms for
 * 150 validators.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class CommitVerificationBenchmark {
  @Param({"150"})
  public int validators;

  private LightBlock trusted;
  private LightBlock untrusted;
  private LightBlock farUntrusted;
  private LightVerifier.Options options;
  private Instant now;
  private List<Validator> validatorList;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Random random = new Random(150);
    List<byte[]> secrets = new ArrayList<>();
    List<Validator> vals = new ArrayList<>();
    for (int i = 0; i < validators; i++) {
      byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
      random.nextBytes(sk);
      byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
      Ed25519.generatePublicKey(sk, 0, pk, 0);
      secrets.add(sk);
      vals.add(new Validator(Validator.addressOf(pk), pk, 100));
    }
    ValidatorSet set = new ValidatorSet(vals);
    validatorList = List.copyOf(vals);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    trusted = new LightBlock(signed(set, secrets, 100, t0), set, set);
    untrusted = new LightBlock(signed(set, secrets, 101, t0.plusSeconds(5)), set, set);
    farUntrusted = new LightBlock(signed(set, secrets, 200, t0.plusSeconds(500)), set, set);
    options = LightVerifier.Options.of(Duration.ofDays(14));
    now = t0.plusSeconds(600);
    for (LightBlock b : List.of(untrusted, farUntrusted)) {
      Result r = LightVerifier.verify(trusted, b, options, now);
      if (r.verdict() != Verdict.SUCCESS) {
        throw new IllegalStateException("benchmark block does not verify: " + r.reason());
      }
    }
  }

  private static SignedHeader signed(
      ValidatorSet set, List<byte[]> secrets, long height, Instant time) throws IOException {
    ByteString valsHash = ByteString.copyFrom(set.hash());
    Header header =
        Header.newBuilder()
            .setVersion(Consensus.newBuilder().setBlock(11))
            .setChainId("cvm-bench")
            .setHeight(height)
            .setTime(ts(time))
            .setLastBlockId(
                BlockID.newBuilder()
                    .setHash(ByteString.copyFrom(new byte[32]))
                    .setPartSetHeader(
                        PartSetHeader.newBuilder()
                            .setTotal(1)
                            .setHash(ByteString.copyFrom(new byte[32]))))
            .setValidatorsHash(valsHash)
            .setNextValidatorsHash(valsHash)
            .setConsensusHash(ByteString.copyFrom(new byte[32]))
            .setProposerAddress(ByteString.copyFrom(set.validators().getFirst().address()))
            .build();
    byte[] hash = HeaderHash.of(header);
    BlockID id =
        BlockID.newBuilder()
            .setHash(ByteString.copyFrom(hash))
            .setPartSetHeader(
                PartSetHeader.newBuilder().setTotal(1).setHash(ByteString.copyFrom(hash)))
            .build();
    Commit.Builder commit = Commit.newBuilder().setHeight(height).setRound(0).setBlockId(id);
    for (Validator v : set.validators()) {
      byte[] sk = null;
      for (byte[] s : secrets) {
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(s, 0, pk, 0);
        if (java.util.Arrays.equals(pk, v.publicKey())) {
          sk = s;
        }
      }
      Timestamp voteTime = ts(time.plusMillis(100));
      CanonicalVote vote =
          CanonicalVote.newBuilder()
              .setType(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT)
              .setHeight(height)
              .setBlockId(
                  CanonicalBlockID.newBuilder()
                      .setHash(id.getHash())
                      .setPartSetHeader(
                          CanonicalPartSetHeader.newBuilder()
                              .setTotal(1)
                              .setHash(id.getPartSetHeader().getHash())))
              .setTimestamp(voteTime)
              .setChainId("cvm-bench")
              .build();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      vote.writeDelimitedTo(bytes);
      byte[] msg = bytes.toByteArray();
      byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(sk, 0, msg, 0, msg.length, sig, 0);
      commit.addSignatures(
          CommitSig.newBuilder()
              .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
              .setValidatorAddress(ByteString.copyFrom(v.address()))
              .setTimestamp(voteTime)
              .setSignature(ByteString.copyFrom(sig)));
    }
    return new SignedHeader(header, commit.build());
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  @Benchmark
  public Result verifyAdjacent() {
    return LightVerifier.verify(trusted, untrusted, options, now);
  }

  /**
   * Adjacent, with the untrusted block's validator set decoded anew (as {@code RpcProvider} makes
   * one per block from {@code /validators}): includes building the set (sorting, address checks),
   * its hash and getting each signer's decoded public point.
   */
  @Benchmark
  public Result verifyAdjacentFreshSet() {
    ValidatorSet fresh = new ValidatorSet(validatorList);
    return LightVerifier.verify(
        trusted, new LightBlock(untrusted.signedHeader(), fresh, fresh), options, now);
  }

  @Benchmark
  public Result verifyNonAdjacent() {
    return LightVerifier.verify(trusted, farUntrusted, options, now);
  }
}
