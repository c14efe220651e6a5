package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Result;
import io.cvmavs.consensus.light.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code cvm-avs light sync}: from a trusted height and hash, verify a node's headers with {@link
 * Bisection} over {@link RpcProvider}, printing one JSON line per verified header ({@code
 * {"height", "hash", "time"}}). With a target height it stops there; without, it follows the node's
 * latest height until stopped. Exit codes: 0 done (or stopped), 4 a header was INVALID (a JSON line
 * {@code {"verdict": "INVALID", "reason": …}}), 1 the node failed, 2 unusable arguments.
 */
public final class LightSyncTool {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to sync: the trusted root, the options, the target ({@code null}: follow) and the polling
   * interval.
   */
  public record Settings(
      long trustedHeight,
      String trustedHash,
      LightVerifier.Options options,
      Long targetHeight,
      Duration interval) {}

  private final CometRpcClient rpc;
  private final Supplier<Instant> clock;
  private final PrintWriter out;

  public LightSyncTool(CometRpcClient rpc, Supplier<Instant> clock, PrintWriter out) {
    this.rpc = rpc;
    this.clock = clock;
    this.out = out;
  }

  /**
   * Runs until the target is verified, a header is invalid, the node fails, or {@code stop} says
   * so.
   */
  public int run(Settings s, BooleanSupplier stop) throws InterruptedException {
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(s.trustedHash());
    } catch (IllegalArgumentException e) {
      return error(2, "--trusted-hash '" + s.trustedHash() + "' is not hex");
    }
    if (expected.length != 32) {
      return error(
          2,
          "--trusted-hash must be a 32-byte header hash (64 hex digits), got "
              + expected.length
              + " bytes");
    }
    RpcProvider provider = new RpcProvider(rpc);
    try {
      LightBlock trusted = provider.lightBlock(s.trustedHeight());
      Result root = LightVerifier.verifyTrustRoot(trusted, expected, s.options(), clock.get());
      if (root.verdict() != Verdict.SUCCESS) {
        return invalid(root.reason());
      }
      print(trusted);
      Bisection bisection = new Bisection(provider, s.options());
      while (!stop.getAsBoolean()) {
        long target =
            s.targetHeight() != null ? s.targetHeight() : rpc.status().latestBlockHeight();
        if (target > trusted.height()) {
          for (LightBlock b : bisection.verifyTo(trusted, target, clock.get())) {
            print(b);
            trusted = b;
          }
        }
        if (s.targetHeight() != null && trusted.height() >= s.targetHeight()) {
          return 0;
        }
        Thread.sleep(s.interval().toMillis());
      }
      return 0;
    } catch (Bisection.VerificationFailed e) {
      return invalid(e.getMessage());
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    } catch (IOException e) {
      return error(1, e.getMessage());
    }
  }

  private void print(LightBlock b) {
    ObjectNode line = JSON.createObjectNode();
    line.put("height", b.height());
    line.put("hash", LightJson.hex(HeaderHash.of(b.signedHeader().header())));
    var t = b.signedHeader().header().getTime();
    line.put("time", Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    out.println(line);
    out.flush();
  }

  private int invalid(String reason) {
    ObjectNode line = JSON.createObjectNode().put("verdict", "INVALID").put("reason", reason);
    out.println(line);
    out.flush();
    return 4;
  }

  private int error(int code, String reason) {
    ObjectNode line = JSON.createObjectNode().putNull("verdict").put("reason", reason);
    out.println(line);
    out.flush();
    return code;
  }
}
