package io.cvmavs.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.rpc.ChainAccess;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;

/** {@link OperatorConfigLoader#redact}: what logs and messages show of an RPC or aggregator URL. */
class RedactTest {
  private static final String INFURA_KEY = "0123456789abcdef0123456789abcdef";
  private static final String ALCHEMY_KEY = "Ab3dE_fGh1-JkLmN0pQrStUvWxYz1234";

  @Test
  void credentialsQueryAndFragmentAreHidden() {
    assertThat(OperatorConfigLoader.redact("https://user:pw@rpc.example/v1?apikey=SECRET"))
        .isEqualTo("https://***@rpc.example/v1?***");
    assertThat(OperatorConfigLoader.redact("wss://rpc.example:8546/ws#token=SECRET"))
        .isEqualTo("wss://rpc.example:8546/ws#***");
    assertThat(OperatorConfigLoader.redact("https://a:b@c@rpc.example"))
        .as("the last @ ends the user-info")
        .isEqualTo("https://***@rpc.example");
  }

  @Test
  void apiKeysInThePathAreHidden() {
    assertThat(OperatorConfigLoader.redact("https://mainnet.infura.io/v3/" + INFURA_KEY))
        .isEqualTo("https://mainnet.infura.io/v3/***");
    assertThat(OperatorConfigLoader.redact("wss://eth-sepolia.g.alchemy.com/v2/" + ALCHEMY_KEY))
        .isEqualTo("wss://eth-sepolia.g.alchemy.com/v2/***");
    assertThat(
            OperatorConfigLoader.redact(
                "https://x.quiknode.pro/" + INFURA_KEY + "/?extra=" + ALCHEMY_KEY))
        .as("a key before a trailing slash, and the query")
        .isEqualTo("https://x.quiknode.pro/***/?***");
    assertThat(OperatorConfigLoader.redact("https://u:p@host/v3/" + INFURA_KEY + "?q=1"))
        .isEqualTo("https://***@host/v3/***?***");
  }

  @Test
  void urlsWithoutSecretsStayReadable() {
    for (String url :
        new String[] {
          "http://127.0.0.1:8545",
          "ws://localhost:8546/",
          "https://rpc.example/v1/mainnet",
          "https://rpc.example/ethereum-sepolia-rpc",
          "http://[::1]:8545/rpc"
        }) {
      assertThat(OperatorConfigLoader.redact(url)).isEqualTo(url);
    }
    assertThat(OperatorConfigLoader.redact(null)).isNull();
  }

  @Test
  void anUnreachableRpcIsReportedWithoutItsKey() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI rpc = URI.create("http://127.0.0.1:" + port + "/v3/" + INFURA_KEY + "?apikey=SECRET");
    assertThatThrownBy(() -> ChainAccess.open(rpc, Keys.createEcKeyPair(), Optional.empty()))
        .hasMessageContaining("127.0.0.1:" + port + "/v3/***")
        .hasMessageNotContaining(INFURA_KEY)
        .hasMessageNotContaining("SECRET");
  }
}
