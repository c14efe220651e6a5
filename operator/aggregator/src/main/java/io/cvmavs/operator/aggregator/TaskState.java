package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aggregator's record of one task: verified signatures grouped by response digest, and what
 * happened to it. Mutated only under the aggregator's lock; every change is appended to the task's
 * journal ({@link TaskStateStore}).
 */
final class TaskState {
  enum Status {
    COLLECTING,
    SUBMITTING,
    RESPONDED,
    FAILED
  }

  /** Signatures (operatorId → 64-byte G1 hex) over one response. */
  static final class ResponseSignatures {
    final TaskResponse response;
    final Map<String, String> signatures = new LinkedHashMap<>();

    ResponseSignatures(TaskResponse response) {
      this.response = response;
    }
  }

  final CvmTask task;
  Status status = Status.COLLECTING;
  final Map<String, ResponseSignatures> byDigest = new LinkedHashMap<>();
  final Map<String, String> digestByOperator = new LinkedHashMap<>();
  String submittingDigest;
  String transactionHash;
  long respondedBlock;
  long gasUsed;
  String error;
  transient OperatorSetSnapshot snapshot;

  /** Operators whose signatures the aggregate check found invalid and dropped (not persisted). */
  final transient java.util.List<String> droppedSigners = new java.util.ArrayList<>();

  transient boolean scheduled;

  /** A submission attempt chain is running (at most one per task, retries included). */
  transient boolean submitInFlight;

  TaskState(CvmTask task) {
    this.task = task;
  }
}
