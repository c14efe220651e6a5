package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.Detector;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Provider;
import io.cvmavs.consensus.light.Result;
import io.cvmavs.consensus.light.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code cvm-avs light sync}: from a trusted height and hash, verify a node's headers with {@link
 * Bisection} over {@link RpcProvider}, printing one JSON line per verified header ({@code
 * {"height", "hash", "time"}}). With a target height it stops there; without, it follows the node's
 * latest height until stopped.
 *
 * <p>With witnesses, each header verified from the primary (the last of each bisection) is
 * cross-checked against every witness with {@link Detector} before it is printed: a witness that
 * proves a conflicting header is a light-client attack (or a fork) — one JSON line {@code
 * {"attack": …, "height", "witness", "evidence": LightClientAttackEvidence}} and exit 5; a witness
 * whose conflicting header does not verify is faulty (a warning on {@code err}, it is dropped); one
 * that does not answer is warned about and asked again at the next header.
 *
 * <p>Exit codes: 0 done (or stopped), 4 a header was INVALID (a JSON line {@code {"verdict":
 * "INVALID", "reason": …}}), 5 a witness proved a conflicting header (light-client attack), 1 the
 * node failed, 2 unusable arguments.
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

  /** Exit code when a witness proves a conflicting header. */
  public static final int LIGHT_CLIENT_ATTACK = 5;

  /** A witness: a name for messages (its URL) and where its blocks come from. */
  public record Witness(String name, Provider provider) {}

  private final CometRpcClient rpc;
  private final Supplier<Instant> clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<Witness> witnesses;

  public LightSyncTool(CometRpcClient rpc, Supplier<Instant> clock, PrintWriter out) {
    this(rpc, List.of(), clock, out, new PrintWriter(System.err, true));
  }

  /**
   * @param witnesses cross-checked after each verified header (dropped when found faulty)
   * @param err warnings about witnesses
   */
  public LightSyncTool(
      CometRpcClient rpc,
      List<Witness> witnesses,
      Supplier<Instant> clock,
      PrintWriter out,
      PrintWriter err) {
    this.rpc = rpc;
    this.clock = clock;
    this.out = out;
    this.err = err;
    this.witnesses = new ArrayList<>(witnesses);
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
          Instant now = clock.get();
          List<LightBlock> trace = new ArrayList<>();
          trace.add(trusted);
          trace.addAll(bisection.verifyTo(trusted, target, now));
          if (crossCheck(trace, s.options(), now)) {
            return LIGHT_CLIENT_ATTACK;
          }
          for (LightBlock b : trace.subList(1, trace.size())) {
            print(b);
          }
          trusted = trace.getLast();
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

  /**
   * Checks the trace's last block against every witness; prints the evidence and answers {@code
   * true} on an attack.
   */
  private boolean crossCheck(List<LightBlock> trace, LightVerifier.Options options, Instant now) {
    for (Iterator<Witness> it = witnesses.iterator(); it.hasNext(); ) {
      Witness w = it.next();
      switch (Detector.check(trace, w.provider(), options, now)) {
        case Detector.Agrees a -> {}
        case Detector.Unavailable u ->
            warn("witness " + w.name() + " did not answer: " + u.reason());
        case Detector.Faulty f -> {
          warn("witness " + w.name() + " is faulty and dropped: " + f.reason());
          it.remove();
        }
        case Detector.Attack a -> {
          LightBlock conflicting = a.evidence().conflictingBlock();
          ObjectNode line = JSON.createObjectNode();
          line.put(
              "attack",
              "light-client attack ("
                  + a.evidence().attackType(a.trusted())
                  + "): witness "
                  + w.name()
                  + " proved header "
                  + conflicting.height()
                  + " = "
                  + LightJson.hex(HeaderHash.of(conflicting.signedHeader().header()))
                  + " from the common header "
                  + a.common().height()
                  + ", the primary's is "
                  + LightJson.hex(HeaderHash.of(a.trusted().signedHeader().header())));
          line.put("height", conflicting.height());
          line.put("witness", w.name());
          line.set("evidence", a.evidence().toJson());
          out.println(line);
          out.flush();
          return true;
        }
      }
    }
    return false;
  }

  private void warn(String message) {
    err.println("warning: " + message);
    err.flush();
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
