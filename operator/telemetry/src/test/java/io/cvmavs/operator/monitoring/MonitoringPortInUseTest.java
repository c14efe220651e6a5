package io.cvmavs.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.common.net.HostPort;
import io.cvmavs.operator.config.ConfigException;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A port already taken: the error names the operator.yaml field and the address, not only the
 * operating system's "Address already in use".
 */
class MonitoringPortInUseTest {
  @Test
  void aBusyPortNamesTheFieldAndTheAddress() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      HostPort busy = new HostPort("127.0.0.1", taken.getLocalPort());
      CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
      assertThatThrownBy(
              () ->
                  Monitoring.start(
                      vertx,
                      "op",
                      Optional.empty(),
                      Optional.of(busy),
                      metrics,
                      new ServiceRegistry()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("metrics_address")
          .hasMessageContaining(busy.toString())
          .hasMessageContaining("in use");
      assertThatThrownBy(
              () ->
                  Monitoring.start(
                      vertx,
                      "op",
                      Optional.of(busy),
                      Optional.empty(),
                      metrics,
                      new ServiceRegistry()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("node_api_address")
          .hasMessageContaining(busy.toString());
    } finally {
      vertx.close().await();
    }
  }
}
