package io.cvmavs.operator.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a devnet run did: per task, and the totals the summary table and {@code --summary-json}
 * show.
 */
public record DevnetSummary(
    int operators,
    List<Task> tasks,
    long challenges,
    List<String> faultyOperators,
    List<String> slashedOperators,
    boolean challengesSettled,
    Optional<DevnetAnchoring.Outcome> storage,
    Optional<DevnetConsensus.Outcome> chain,
    Optional<DevnetBridge.Outcome> bridge,
    Optional<DevnetRoundTrip.Outcome> roundTrip,
    Optional<DevnetRewards.Outcome> rewards,
    Optional<DevnetDb3.Outcome> db3) {
  /**
   * One task: created for CVM block {@code cvmHeight}; {@code latencyMillis} from its creation
   * being mined to the {@code TaskResponded} being seen (-1 if never responded); {@code
   * responseGas} of the respondToTask transaction.
   */
  public record Task(
      long taskIndex,
      long cvmHeight,
      boolean responded,
      long createdAtMillis,
      long latencyMillis,
      long responseGas,
      int signers) {}

  /**
   * Every group anchored, the audit passed, the recovery rebuilt the same chain and the attested
   * audit round on chain passed (when the deployment has StorageAudit), or no storage phase ran.
   */
  public boolean storageAsExpected() {
    return storage.isEmpty()
        || (storage.get().groups() > 0
            && storage.get().anchored() == storage.get().groups()
            && storage.get().auditPassed()
            && storage.get().recovered()
            && (storage.get().attested().equals("-") || storage.get().attestedPassed()));
  }

  /**
   * At least one checkpoint landed on Ethereum (or the CVM chain, and so the bridge, did not run).
   */
  public boolean bridgeAsExpected() {
    return bridge.isEmpty() || bridge.get().relayed() > 0;
  }

  /** The `$C` deposit and withdrawal went round with conservation (or the bridge did not run). */
  public boolean roundTripAsExpected() {
    return roundTrip.isEmpty() || roundTrip.get().ok();
  }

  /** The DB3 sequence was applied and queried back (or the CVM chain did not run). */
  public boolean db3AsExpected() {
    return db3.isEmpty() || db3.get().ok();
  }

  /** The rewards phase ran and the escrow is conserved: escrowed = released + refunded + held. */
  public boolean feesConserved() {
    return rewards.isPresent() && rewards.get().conserved();
  }

  /** Exactly the faulty operators were slashed (none when none was faulty). */
  public boolean slashingAsExpected() {
    return new java.util.TreeSet<>(faultyOperators)
        .equals(new java.util.TreeSet<>(slashedOperators));
  }

  /**
   * Tasks responded per minute, from the first task's creation to the last response (-1 for fewer
   * than two responded tasks).
   */
  public double tasksPerMinute() {
    List<Task> done = tasks.stream().filter(Task::responded).toList();
    if (done.size() < 2) {
      return -1;
    }
    long first = done.stream().mapToLong(Task::createdAtMillis).min().orElseThrow();
    long last =
        done.stream().mapToLong(t -> t.createdAtMillis() + t.latencyMillis()).max().orElseThrow();
    return last <= first ? -1 : done.size() * 60_000.0 / (last - first);
  }

  public long responded() {
    return tasks.stream().filter(Task::responded).count();
  }

  public long medianLatencyMillis() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::latencyMillis).toList(), 50);
  }

  public long p95LatencyMillis() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::latencyMillis).toList(), 95);
  }

  public long medianResponseGas() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::responseGas).toList(), 50);
  }

  /** Nearest-rank percentile; -1 for no values. */
  static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  void print(PrintWriter out) {
    out.println();
    out.println("  devnet summary");
    out.printf("  %-32s %d%n", "operators", operators);
    out.printf("  %-32s %d%n", "tasks created", tasks.size());
    out.printf("  %-32s %d%n", "tasks responded", responded());
    out.printf("  %-32s %s%n", "attestation latency median", seconds(medianLatencyMillis()));
    out.printf("  %-32s %s%n", "attestation latency p95", seconds(p95LatencyMillis()));
    out.printf(
        "  %-32s %s%n",
        "gas per response (median)", medianResponseGas() < 0 ? "-" : medianResponseGas());
    out.printf(
        "  %-32s %s%n",
        "tasks per minute", tasksPerMinute() < 0 ? "-" : String.format("%.1f", tasksPerMinute()));
    out.printf("  %-32s %d%n", "challenges raised", challenges);
    out.printf(
        "  %-32s %s%n",
        "faulty operators",
        faultyOperators.isEmpty() ? "none" : String.join(", ", faultyOperators));
    out.printf(
        "  %-32s %s%s%n",
        "operators slashed",
        slashedOperators.isEmpty() ? "none" : String.join(", ", slashedOperators),
        slashingAsExpected() ? "  (as expected)" : "  (EXPECTED " + faultyOperators + ")");
    storage.ifPresent(
        st -> {
          out.printf("  %-32s %d of %d%n", "block groups anchored", st.anchored(), st.groups());
          out.printf("  %-32s %s%n", "storage audit", st.audit());
          if (!st.attested().equals("-")) {
            out.printf("  %-32s %s%n", "storage audit on chain", st.attested());
          }
          out.printf("  %-32s %s%n", "recovery from anchors", st.recovery());
        });
    chain.ifPresent(
        c -> {
          out.printf(
              "  %-32s %d CVM blocks by %d validators, height %d%n",
              "CVM chain finalised", c.cvmBlocks(), c.validators(), c.height());
          out.printf(
              "  %-32s %d certificates, %d round(s) rejected%n",
              "CVM chain checkpoints", c.certificates(), c.rejectedRounds());
          out.printf(
              "  %-32s %s%n",
              "CVM chain validator set",
              c.setChanges() == 0
                  ? "unchanged"
                  : String.format(
                      "changed %d time(s) by stake epoch, first at height %d (in effect at %d)",
                      c.setChanges(), c.firstSetChangeHeight(), c.firstSetChangeHeight() + 2));
          out.printf(
              "  %-32s %s%n",
              "light client",
              c.lightSyncedTo() < 0 ? "FAILED" : "verified 1 → " + c.lightSyncedTo());
        });
    bridge.ifPresent(
        b -> {
          out.printf(
              "  %-32s %d relayed, last CVM height on Ethereum %s, gas per checkpoint %s%n",
              "bridge checkpoints",
              b.relayed(),
              b.lastHeight() < 0 ? "-" : b.lastHeight(),
              b.medianGas() < 0 ? "-" : b.medianGas() + " (median)");
          out.printf(
              "  %-32s %d rotateValidatorSet on CvmCheckpoints, %d checkpoint(s) landed after%n",
              "bridge validator set", b.rotations(), b.relayedAfterRotation());
          out.printf(
              "  %-32s %d CometBFT record(s) slashed through CvmMisbehaviourSlasher%s%n",
              "bridge misbehaviour",
              b.misbehaviourRecords(),
              b.misbehaviourRecords() == 0 ? "" : " (" + b.misbehaviourGas() + " gas)");
        });
    roundTrip.ifPresent(
        t ->
            out.printf(
                "  %-32s %s%n",
                "bridge $C round trip",
                t.failedStep().isPresent()
                    ? "FAILED at " + t.failedStep().get()
                    : String.format(
                        "10 $C deposited, credited in %s; 4 $C withdrawn, claimable in %s,"
                            + " claimed (%d gas); conservation %s",
                        seconds(t.creditMillis()),
                        seconds(t.claimableMillis()),
                        t.claimGas(),
                        t.conserved() ? "holds" : "BROKEN")));
    db3.ifPresent(
        d ->
            out.printf(
                "  %-32s %s%n",
                "DB3 on the CVM chain",
                d.failedStep().isPresent()
                    ? "FAILED at " + d.failedStep().get()
                    : String.format(
                        "%d signed mutations applied at height %d in %s, queried by id, range,"
                            + " vector and graph",
                        d.mutations(), d.height(), seconds(d.appliedMillis()))));
    rewards.ifPresent(r -> r.print(out));
    out.println();
  }

  private static String seconds(long millis) {
    return millis < 0 ? "-" : String.format("%.2f s", millis / 1000.0);
  }

  String toJson() {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("operators", operators);
    root.put("tasks_created", tasks.size());
    root.put("tasks_responded", responded());
    root.put("latency_median_ms", medianLatencyMillis());
    root.put("latency_p95_ms", p95LatencyMillis());
    root.put("response_gas_median", medianResponseGas());
    root.put("tasks_per_minute", tasksPerMinute());
    root.put("challenges_raised", challenges);
    root.put("challenges_settled", challengesSettled);
    faultyOperators.forEach(root.putArray("faulty_operators")::add);
    slashedOperators.forEach(root.putArray("slashed_operators")::add);
    root.put("slashing_as_expected", slashingAsExpected());
    storage.ifPresent(
        st -> {
          ObjectNode n = root.putObject("storage");
          n.put("groups", st.groups());
          n.put("groups_anchored", st.anchored());
          n.put("audit", st.audit());
          n.put("audit_passed", st.auditPassed());
          n.put("attested_audit", st.attested());
          n.put("attested_audit_passed", st.attestedPassed());
          n.put("recovery", st.recovery());
          n.put("recovered", st.recovered());
        });
    chain.ifPresent(
        c -> {
          ObjectNode n = root.putObject("cvm_chain");
          n.put("height", c.height());
          n.put("cvm_blocks", c.cvmBlocks());
          n.put("validators", c.validators());
          n.put("certificates", c.certificates());
          n.put("rejected_rounds", c.rejectedRounds());
          n.put("light_synced_to", c.lightSyncedTo());
          n.put("validator_set_changes", c.setChanges());
          n.put("first_set_change_height", c.firstSetChangeHeight());
          n.put("ok", c.ok());
        });
    bridge.ifPresent(
        b -> {
          ObjectNode n = root.putObject("bridge");
          n.put("checkpoints_relayed", b.relayed());
          n.put("last_height_on_ethereum", b.lastHeight());
          n.put("gas_per_checkpoint_median", b.medianGas());
          n.put("rotations", b.rotations());
          n.put("checkpoints_after_rotation", b.relayedAfterRotation());
          n.put("misbehaviour_records_slashed", b.misbehaviourRecords());
          n.put("misbehaviour_gas", b.misbehaviourGas());
        });
    roundTrip.ifPresent(
        t -> {
          ObjectNode n = root.putObject("bridge_round_trip");
          n.put("deposits_credited", t.depositsCredited());
          n.put("withdrawals_claimed", t.withdrawalsClaimed());
          n.put("claim_gas", t.claimGas());
          n.put("conserved", t.conserved());
          n.put("credit_ms", t.creditMillis());
          n.put("claimable_ms", t.claimableMillis());
          n.put("round_trip_ms", t.totalMillis());
          n.put("ok", t.ok());
          t.failedStep().ifPresent(f -> n.put("failed_step", f));
        });
    db3.ifPresent(
        d -> {
          ObjectNode n = root.putObject("db3");
          n.put("mutations", d.mutations());
          n.put("height", d.height());
          n.put("state_root", d.stateRoot());
          n.put("applied_ms", d.appliedMillis());
          n.put("ok", d.ok());
          d.failedStep().ifPresent(f -> n.put("failed_step", f));
        });
    rewards.ifPresent(r -> r.toJson(root));
    ArrayNode list = root.putArray("tasks");
    for (Task t : tasks) {
      ObjectNode n = list.addObject();
      n.put("task_index", t.taskIndex());
      n.put("cvm_height", t.cvmHeight());
      n.put("responded", t.responded());
      n.put("created_at_ms", t.createdAtMillis());
      n.put("latency_ms", t.latencyMillis());
      n.put("response_gas", t.responseGas());
      n.put("signers", t.signers());
    }
    try {
      return json.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the summary: " + e.getMessage(), e);
    }
  }
}
