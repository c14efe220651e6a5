package io.cvmavs.operator.monitoring;

import static io.cvmavs.operator.monitoring.MetricsScrapeTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

/** eigen_rpc_request_* recorded against a real anvil, labelled with its web3_clientVersion. */
@WithAnvil
class InstrumentedHttpServiceIT {
  @Test
  void recordsEachMethodWithTheNodesClientVersion(AnvilNode anvil) throws Exception {
    String expected = anvil.web3j().web3ClientVersion().send().getWeb3ClientVersion();
    assertThat(expected).startsWith("anvil");
    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    InstrumentedHttpService service = new InstrumentedHttpService(anvil.rpcUrl(), metrics);
    Web3j web3j = Web3j.build(service);
    try {
      web3j.ethBlockNumber().send();
      web3j.ethBlockNumber().sendAsync().get();
      web3j.ethChainId().send();
    } finally {
      web3j.shutdown();
    }
    assertThat(service.clientVersion()).isEqualTo(expected);

    var f = PrometheusText.parse(metrics.scrape());
    Map<String, String> blockNumber =
        Map.of("method", "eth_blockNumber", "client_version", expected);
    assertThat(value(f, "eigen_rpc_request_total", blockNumber)).isEqualTo(2);
    assertThat(value(f, "eigen_rpc_request_duration_seconds_count", blockNumber)).isEqualTo(2);
    assertThat(value(f, "eigen_rpc_request_duration_seconds_sum", blockNumber)).isPositive();
    assertThat(
            value(
                f,
                "eigen_rpc_request_total",
                Map.of("method", "eth_chainId", "client_version", expected)))
        .isEqualTo(1);
  }

  @Test
  void anUnreachableNodeIsUnknownAndCountedAsAnError() {
    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    Web3j web3j = Web3j.build(new InstrumentedHttpService("http://127.0.0.1:1", metrics));
    try {
      assertThatThrownBy(() -> web3j.ethBlockNumber().send()).isInstanceOf(IOException.class);
    } finally {
      web3j.shutdown();
    }
    var f = PrometheusText.parse(metrics.scrape());
    assertThat(
            value(
                f,
                "eigen_rpc_request_total",
                Map.of("method", "eth_blockNumber", "client_version", "unknown")))
        .isEqualTo(1);
    assertThat(value(f, "cvm_avs_rpc_errors_total", Map.of("method", "eth_blockNumber")))
        .isEqualTo(1);
  }
}
