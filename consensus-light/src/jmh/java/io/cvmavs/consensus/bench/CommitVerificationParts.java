package io.cvmavs.consensus.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.Validator;
import io.cvmavs.consensus.light.ValidatorSet;
import io.cvmavs.consensus.light.VoteSignBytes;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Thread-CPU time of the parts of one 150-validator commit verification (the profile in
 * docs/BENCHMARKS.md): Ed25519 verify with and without a decoded key, key decoding, sign bytes
 * built per signature and from the per-commit template, the header hash, a new validator set with
 * its hash.
 *
 * <pre>
 * java -cp consensus-light/target/benchmarks.jar io.cvmavs.consensus.bench.CommitVerificationParts [rounds]
 * </pre>
 */
public final class CommitVerificationParts {
  interface Op {
    Object run(int i);
  }

  static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  static Object sink;

  static void time(String name, int n, Op op) {
    for (int i = 0; i < n; i++) sink = op.run(i);
    long c0 = MX.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) sink = op.run(i);
    System.out.printf("%-44s %9.2f µs CPU%n", name, (MX.getCurrentThreadCpuTime() - c0) / 1e3 / n);
  }

  private CommitVerificationParts() {}

  public static void main(String[] a) {
    Random r = new Random(150);
    int n = 150;
    byte[][] pk = new byte[n][32], sig = new byte[n][64];
    Ed25519.PublicPoint[] pts = new Ed25519.PublicPoint[n];
    List<Validator> vals = new ArrayList<>();
    BlockID id =
        BlockID.newBuilder()
            .setHash(ByteString.copyFrom(new byte[32]))
            .setPartSetHeader(
                PartSetHeader.newBuilder().setTotal(1).setHash(ByteString.copyFrom(new byte[32])))
            .build();
    Timestamp ts = Timestamp.newBuilder().setSeconds(1767225600).setNanos(100_000_000).build();
    byte[] msg = VoteSignBytes.precommit("cvm-bench", 101, 0, id, ts);
    for (int i = 0; i < n; i++) {
      byte[] sk = new byte[32];
      r.nextBytes(sk);
      Ed25519.generatePublicKey(sk, 0, pk[i], 0);
      Ed25519.sign(sk, 0, msg, 0, msg.length, sig[i], 0);
      pts[i] = Ed25519.validatePublicKeyPartialExport(pk[i], 0);
      vals.add(new Validator(Validator.addressOf(pk[i]), pk[i], 100));
    }
    Header h = Header.newBuilder().setChainId("cvm-bench").setHeight(101).setTime(ts).build();
    int reps = Integer.parseInt(a.length > 0 ? a[0] : "3");
    for (int k = 0; k < reps; k++) {
      System.out.println("-- round " + (k + 1));
      time(
          "Ed25519.verify (decoded PublicPoint)",
          3000,
          i -> Ed25519.verify(sig[i % n], 0, pts[i % n], msg, 0, msg.length));
      time(
          "Ed25519.verify (32-byte key: decode each time)",
          3000,
          i -> Ed25519.verify(sig[i % n], 0, pk[i % n], 0, msg, 0, msg.length));
      time(
          "key decode (validatePublicKeyPartialExport)",
          3000,
          i -> Ed25519.validatePublicKeyPartialExport(pk[i % n], 0));
      time(
          "sign bytes: CanonicalVote built per signature",
          20000,
          i -> VoteSignBytes.precommit("cvm-bench", 101, 0, id, ts));
      VoteSignBytes.Precommits t = new VoteSignBytes.Precommits("cvm-bench", 101, 0, id);
      time("sign bytes: per-commit template", 20000, i -> t.signBytes(ts));
      time("HeaderHash.of", 20000, i -> HeaderHash.of(h));
      time("new ValidatorSet(150) + hash()", 300, i -> new ValidatorSet(vals).hash());
    }
  }
}
