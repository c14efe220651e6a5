package io.cvmavs.operator.monitor;

import io.cvmavs.chain.abi.EventSpec;
import io.cvmavs.chain.abi.Events;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every chain event the monitor turns into an alert: one line each (the event from chain-io's one
 * list {@link Events}, which contract emits it, its severity). Adding an event is adding a line;
 * {@link EventSpec} derives the topic and the decoder. The well-known parameter names {@code
 * operator}, {@code operatorId}, {@code taskIndex} and {@code requestId} fill the alert's fields of
 * the same names. {@link #LIVENESS_WARNING} is the one alert no event carries: the monitor derives
 * it from the task manager's published liveness views after a response ({@link #derived()}).
 */
public enum AlertType {
  OPERATOR_SLASHED(Contract.ALLOCATION_MANAGER, Severity.CRITICAL, Events.OPERATOR_SLASHED),
  C_STAKE_SLASHED(Contract.C_STAKING, Severity.CRITICAL, Events.OPERATOR_STAKE_SLASHED),
  EQUIVOCATION_SLASHED(Contract.TASK_MANAGER, Severity.CRITICAL, Events.EQUIVOCATION_SLASHED),
  OPERATOR_SLASHED_FOR_WRONG_RESULT(
      Contract.TASK_MANAGER, Severity.CRITICAL, Events.OPERATOR_SLASHED_FOR_WRONG_RESULT),
  CHALLENGE_RAISED(Contract.TASK_MANAGER, Severity.WARNING, Events.CHALLENGE_RAISED),
  SIGNATURE_CHALLENGE_RAISED(
      Contract.TASK_MANAGER, Severity.WARNING, Events.SIGNATURE_CHALLENGE_RAISED),
  SLASHING_REQUEST_VETOED(Contract.TASK_MANAGER, Severity.INFO, Events.SLASHING_REQUEST_VETOED),
  SLASHING_REQUEST_FULFILLED(
      Contract.TASK_MANAGER, Severity.CRITICAL, Events.SLASHING_REQUEST_FULFILLED),
  LIVENESS_THRESHOLD_REACHED(
      Contract.TASK_MANAGER, Severity.WARNING, Events.LIVENESS_THRESHOLD_REACHED),
  OPERATOR_EJECTED_FOR_LIVENESS(
      Contract.TASK_MANAGER, Severity.CRITICAL, Events.OPERATOR_EJECTED_FOR_LIVENESS),
  /**
   * A response left the operator one consecutive miss short of ejectable (issue 21); raised for the
   * {@code TaskResponded} log that did it, so its id is that log's id plus the operatorId.
   */
  LIVENESS_WARNING(Contract.TASK_MANAGER, Severity.WARNING, null);

  /** Alert severities, lowest first. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The deployment names of the contracts that emit the watched events. */
  public enum Contract {
    TASK_MANAGER("CvmTaskManager"),
    ALLOCATION_MANAGER("AllocationManager"),
    C_STAKING("CStaking");

    public final String deploymentName;

    Contract(String deploymentName) {
      this.deploymentName = deploymentName;
    }
  }

  public final Contract contract;
  public final Severity severity;

  /** The chain event, null for a {@link #derived()} alert. */
  public final EventSpec event;

  AlertType(Contract contract, Severity severity, EventSpec event) {
    this.contract = contract;
    this.severity = severity;
    this.event = event;
  }

  /** Whether the monitor derives this alert from chain reads rather than from one event. */
  public boolean derived() {
    return event == null;
  }

  /** The alert's {@code type} in JSON: the enum name in lower case. */
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static List<String> topics() {
    return Arrays.stream(values()).filter(t -> !t.derived()).map(t -> t.event.topic()).toList();
  }

  public static Optional<AlertType> of(String contractAddress, String topic0, Addresses a) {
    return Arrays.stream(values())
        .filter(t -> !t.derived() && t.event.topic().equalsIgnoreCase(topic0))
        .filter(t -> a.of(t.contract).equalsIgnoreCase(contractAddress))
        .findFirst();
  }

  /** The watched contracts' addresses. {@code avs}: our service manager (operator sets' AVS). */
  public record Addresses(
      String taskManager, String registry, String allocationManager, String cStaking, String avs) {
    public String of(Contract c) {
      return switch (c) {
        case TASK_MANAGER -> taskManager;
        case ALLOCATION_MANAGER -> allocationManager;
        case C_STAKING -> cStaking;
      };
    }
  }
}
