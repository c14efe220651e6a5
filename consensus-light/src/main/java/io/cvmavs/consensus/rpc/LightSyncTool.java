package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.Detector;
import io.cvmavs.consensus.light.GoDuration;
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
 * cross-checked against every witness with {@link Detector} before it is printed. Each witness
 * keeps the last block it confirmed (agreed with; the trusted root at first), and is checked with
 * the primary's trace from that block, never from a header it has not confirmed. A witness that
 * proves a conflicting header is a light-client attack (or a fork) — one JSON line {@code
 * {"attack": …, "height", "witness", "evidence": LightClientAttackEvidence}} and exit 5; a witness
 * whose conflicting header does not verify is faulty (a warning on {@code err}, it is dropped). A
 * witness that has not reached the height yet is waited for (re-asked every interval, at most 2 ×
 * max clock drift + max block lag, as CometBFT's detector waits) and, still behind, warned about
 * and checked again at the next header from its confirmed block; one that does not answer is warned
 * about and asked again at the next header. Neither is dropped.
 *
 * <p>Exit codes: 0 done (or stopped), 4 a header was INVALID (a JSON line {@code {"verdict":
 * "INVALID", "reason": …}}), 5 a witness proved a conflicting header (light-client attack), 1 the
 * node failed, 2 unusable arguments.
 */
public final class LightSyncTool {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** CometBFT's default max block lag: how long a block may take to reach a witness. */
  public static final Duration DEFAULT_MAX_BLOCK_LAG = Duration.ofSeconds(10);

  /**
   * What to sync: the trusted root, the options, the target ({@code null}: follow), the polling
   * interval and how long a block may take to reach a witness (with the options' max clock drift it
   * bounds the wait for a witness that is behind: 2 × drift + lag).
   */
  public record Settings(
      long trustedHeight,
      String trustedHash,
      LightVerifier.Options options,
      Long targetHeight,
      Duration interval,
      Duration maxBlockLag) {
    public Settings {
      if (maxBlockLag.isNegative()) {
        throw new IllegalArgumentException(
            "max block lag must not be negative, got " + GoDuration.format(maxBlockLag));
      }
    }

    /** With CometBFT's default max block lag ({@link #DEFAULT_MAX_BLOCK_LAG}). */
    public Settings(
        long trustedHeight,
        String trustedHash,
        LightVerifier.Options options,
        Long targetHeight,
        Duration interval) {
      this(trustedHeight, trustedHash, options, targetHeight, interval, DEFAULT_MAX_BLOCK_LAG);
    }

    /** How long a witness that is behind is waited for: 2 × max clock drift + max block lag. */
    public Duration witnessWait() {
      return options.maxClockDrift().multipliedBy(2).plus(maxBlockLag);
    }
  }

  /** Exit code when a witness proves a conflicting header. */
  public static final int LIGHT_CLIENT_ATTACK = 5;

  /** A witness: a name for messages (its URL) and where its blocks come from. */
  public record Witness(String name, Provider provider) {}

  private final CometRpcClient rpc;
  private final Supplier<Instant> clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<Watched> witnesses = new ArrayList<>();

  /** A witness and the last block it confirmed (agreed with the primary on). */
  private static final class Watched {
    final Witness witness;
    LightBlock confirmed;

    Watched(Witness witness) {
      this.witness = witness;
    }
  }

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
    for (Witness w : witnesses) {
      this.witnesses.add(new Watched(w));
    }
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
      for (Watched w : witnesses) {
        w.confirmed = trusted;
      }
      // the primary's verified blocks from the oldest block a witness confirmed to the last one
      List<LightBlock> chain = new ArrayList<>(List.of(trusted));
      Bisection bisection = new Bisection(provider, s.options());
      while (!stop.getAsBoolean()) {
        long target =
            s.targetHeight() != null ? s.targetHeight() : rpc.status().latestBlockHeight();
        if (target > trusted.height()) {
          Instant now = clock.get();
          List<LightBlock> fresh = bisection.verifyTo(trusted, target, now);
          chain.addAll(fresh);
          if (crossCheck(chain, s, now, stop)) {
            return LIGHT_CLIENT_ATTACK;
          }
          for (LightBlock b : fresh) {
            print(b);
          }
          trusted = chain.getLast();
          long keepFrom = trusted.height();
          for (Watched w : witnesses) {
            keepFrom = Math.min(keepFrom, w.confirmed.height());
          }
          final long from = keepFrom;
          chain.removeIf(b -> b.height() < from);
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
   * Checks {@code chain}'s last block against every witness, each with the part of {@code chain}
   * from the last block it confirmed; prints the evidence and answers {@code true} on an attack.
   */
  private boolean crossCheck(List<LightBlock> chain, Settings s, Instant now, BooleanSupplier stop)
      throws InterruptedException {
    for (Iterator<Watched> it = witnesses.iterator(); it.hasNext(); ) {
      Watched w = it.next();
      List<LightBlock> trace = chain.subList(indexOf(chain, w.confirmed.height()), chain.size());
      Detector.Outcome outcome = Detector.check(trace, w.witness.provider(), s.options(), now);
      long deadline = System.nanoTime() + s.witnessWait().toNanos();
      while (outcome instanceof Detector.Behind
          && System.nanoTime() - deadline < 0
          && !stop.getAsBoolean()) {
        Thread.sleep(s.interval().toMillis());
        outcome = Detector.check(trace, w.witness.provider(), s.options(), now);
      }
      String name = w.witness.name();
      switch (outcome) {
        case Detector.Agrees a -> w.confirmed = trace.getLast();
        case Detector.Behind b ->
            warn(
                "witness "
                    + name
                    + " is behind (its latest block is "
                    + b.latest()
                    + ", not yet "
                    + b.height()
                    + ", after waiting "
                    + GoDuration.format(s.witnessWait())
                    + "): not dropped; it is checked again from its confirmed header "
                    + w.confirmed.height());
        case Detector.Unavailable u ->
            warn(
                "witness "
                    + name
                    + " did not answer: "
                    + u.reason()
                    + "; it is checked again from its confirmed header "
                    + w.confirmed.height());
        case Detector.Faulty f -> {
          warn("witness " + name + " is faulty and dropped: " + f.reason());
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
                  + name
                  + " proved header "
                  + conflicting.height()
                  + " = "
                  + LightJson.hex(HeaderHash.of(conflicting.signedHeader().header()))
                  + " from the common header "
                  + a.common().height()
                  + ", the primary's is "
                  + LightJson.hex(HeaderHash.of(a.trusted().signedHeader().header())));
          line.put("height", conflicting.height());
          line.put("witness", name);
          line.set("evidence", a.evidence().toJson());
          out.println(line);
          out.flush();
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(List<LightBlock> chain, long height) {
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).height() == height) {
        return i;
      }
    }
    throw new IllegalStateException("no verified block at the confirmed height " + height);
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
