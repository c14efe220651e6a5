package io.cvmavs.operator.relayer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relayer's metrics in the telemetry module's registry ({@code CvmAvsMetrics.registry()}); in
 * Prometheus: {@code cvm_relayer_checkpoints_submitted_total}, {@code
 * cvm_relayer_checkpoints_lost_race_total}, {@code cvm_relayer_certificates_refused_total}, {@code
 * cvm_relayer_rotations_total}, {@code cvm_relayer_errors_total}, {@code cvm_relayer_lag_heights}
 * (certified CVM height − last accepted height on Ethereum), {@code cvm_relayer_submission_gas}.
 */
public final class RelayerMetrics {
  private final Counter submitted;
  private final Counter lostRace;
  private final Counter refused;
  private final Counter rotations;
  private final Counter errors;
  private final DistributionSummary gas;
  private final AtomicLong lag = new AtomicLong();

  public RelayerMetrics(MeterRegistry registry) {
    submitted =
        Counter.builder("cvm.relayer.checkpoints.submitted")
            .description("Checkpoints this relayer got accepted by CvmCheckpoints")
            .register(registry);
    lostRace =
        Counter.builder("cvm.relayer.checkpoints.lost.race")
            .description("Checkpoints another relayer landed first (skipped)")
            .register(registry);
    refused =
        Counter.builder("cvm.relayer.certificates.refused")
            .description("Certificates that failed local verification (nothing sent)")
            .register(registry);
    rotations =
        Counter.builder("cvm.relayer.rotations")
            .description("rotateValidatorSet transactions sent")
            .register(registry);
    errors =
        Counter.builder("cvm.relayer.errors")
            .description("Relayer steps that failed (RPC, refused, reverted); retried with backoff")
            .register(registry);
    gas =
        DistributionSummary.builder("cvm.relayer.submission.gas")
            .description("Gas used by this relayer's mined submitCheckpoint transactions")
            .serviceLevelObjectives(100_000, 150_000, 200_000, 300_000, 500_000)
            .register(registry);
    Gauge.builder("cvm.relayer.lag.heights", lag, AtomicLong::get)
        .description("Last certified CVM height minus the last height accepted on Ethereum")
        .register(registry);
  }

  void submitted(long gasUsed) {
    submitted.increment();
    gas.record(gasUsed);
  }

  void lostRace() {
    lostRace.increment();
  }

  void refused() {
    refused.increment();
  }

  void rotated() {
    rotations.increment();
  }

  void error() {
    errors.increment();
  }

  void lag(long heights) {
    lag.set(Math.max(0, heights));
  }

  public long lag() {
    return lag.get();
  }

  public double submittedCount() {
    return submitted.count();
  }
}
