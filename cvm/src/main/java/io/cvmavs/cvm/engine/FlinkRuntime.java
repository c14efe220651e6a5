package io.cvmavs.cvm.engine;

import java.net.URI;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Where manuscript jobs run: an in-process Flink mini-cluster started once per JVM and kept warm
 * ({@link #embedded()}), or a remote Flink cluster ({@link #remote}). Both are reached the same way
 * — jobs are submitted to the cluster's REST endpoint — so a job that runs embedded runs unchanged
 * on a cluster.
 *
 * <p>Flink cannot run inside {@code mvn exec:java} (Maven's class loader); run it in a forked JVM
 * ({@code java -jar}, surefire forks). Not thread-safe for concurrent runs: {@link
 * ManuscriptRunner} serialises them.
 */
public final class FlinkRuntime implements AutoCloseable {
  /** Task slots of the embedded cluster: the highest parallelism a manuscript may use embedded. */
  public static final int EMBEDDED_SLOTS = 4;

  private static FlinkRuntime shared;

  private final MiniCluster miniCluster;
  private final String host;
  private final int port;
  private final List<String> jars;

  private FlinkRuntime(MiniCluster miniCluster, String host, int port, List<String> jars) {
    this.miniCluster = miniCluster;
    this.host = host;
    this.port = port;
    this.jars = List.copyOf(jars);
  }

  /** The JVM's embedded runtime, started on first use and stopped at JVM exit. */
  public static synchronized FlinkRuntime embedded() {
    if (shared == null) {
      shared = startEmbedded();
      FlinkRuntime runtime = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "flink-mini-cluster-stop"));
    }
    return shared;
  }

  /**
   * A remote Flink cluster (session cluster REST endpoint, e.g. {@code jobmanager:8081}). {@code
   * jars} must hold this module's classes (UDFs, sources) and their dependencies — the {@code
   * cvm-avs} jar does.
   */
  public static FlinkRuntime remote(String host, int port, List<String> jars) {
    return new FlinkRuntime(null, host, port, jars);
  }

  private static FlinkRuntime startEmbedded() {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    // Every other listener of the mini-cluster (the BLOB server, the task manager's data exchange)
    // binds the wildcard address unless told otherwise: keep them all on loopback.
    conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, EMBEDDED_SLOTS);
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(EMBEDDED_SLOTS)
                .build());
    try {
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      return new FlinkRuntime(cluster, rest.getHost(), rest.getPort(), List.of());
    } catch (Exception e) {
      try {
        cluster.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new EngineException(
          "cannot start the embedded Flink mini-cluster: " + e.getMessage(), e);
    }
  }

  /** A job's environments: planning state is per run, the cluster is shared. */
  record Session(StreamExecutionEnvironment env, StreamTableEnvironment tEnv) {}

  /** A fresh batch-mode session on this runtime. */
  Session newBatchSession(int parallelism) {
    Configuration conf = new Configuration();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            host, port, conf, jars.toArray(String[]::new));
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(parallelism);
    // Chained operators hand rows on without a defensive copy (a copy per row per operator was
    // a quarter of a decode job's CPU). Safe here: no function of ours keeps a row it was given
    // (ReadSegmentPart emits a new Row per record, RecordFileSink encodes each row at once), and
    // the planner's own operators copy what they buffer.
    env.getConfig().enableObjectReuse();
    StreamTableEnvironment tEnv =
        StreamTableEnvironment.create(env, EnvironmentSettings.newInstance().inBatchMode().build());
    tEnv.getConfig().set("table.exec.resource.default-parallelism", String.valueOf(parallelism));
    tEnv.getConfig().set("table.local-time-zone", "UTC");
    return new Session(env, tEnv);
  }

  /**
   * A fresh streaming-mode session on this runtime with {@code settings} (checkpointing, state
   * recovery) in the job's configuration.
   */
  Session newStreamingSession(int parallelism, java.util.Map<String, String> settings) {
    Configuration conf = Configuration.fromMap(settings);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            host, port, conf, jars.toArray(String[]::new));
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.setParallelism(parallelism);
    // rows of a new block go through at once rather than when a network buffer fills
    env.setBufferTimeout(5);
    StreamTableEnvironment tEnv =
        StreamTableEnvironment.create(
            env, EnvironmentSettings.newInstance().inStreamingMode().build());
    tEnv.getConfig().set("table.exec.resource.default-parallelism", String.valueOf(parallelism));
    tEnv.getConfig().set("table.local-time-zone", "UTC");
    return new Session(env, tEnv);
  }

  public boolean isEmbedded() {
    return miniCluster != null;
  }

  /** {@code host:port} of the REST endpoint jobs are submitted to. */
  public String endpoint() {
    return host + ":" + port;
  }

  @Override
  public void close() {
    if (miniCluster != null) {
      try {
        miniCluster.close();
      } catch (Exception e) {
        throw new EngineException(
            "stopping the embedded Flink mini-cluster failed: " + e.getMessage(), e);
      }
    }
  }
}
