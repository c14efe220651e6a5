package io.cvmavs.chainbasedb.signature;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chainbasedb.GoldenVectors;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.process.RepoLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * The {@code eth} scheme against implementations nobody here wrote: the EVM's ecrecover precompile
 * (0x01) on a real anvil recovers the same address as the Java verifier from the personal_sign
 * digest, for the golden vectors and random keys/mutations; and foundry's {@code cast wallet sign}
 * (an ordinary wallet signer) produces exactly the golden vector's signature over the signing root.
 */
@WithAnvil
class EthEcrecoverIT {
  private static final String ECRECOVER = "0x0000000000000000000000000000000000000001";
  private static final HexFormat HEX = HexFormat.of();

  private static String ecrecover(AnvilNode anvil, byte[] digest, byte[] sig) throws Exception {
    byte[] in = new byte[128];
    System.arraycopy(digest, 0, in, 0, 32);
    in[63] = sig[64];
    System.arraycopy(sig, 0, in, 64, 64);
    EthCall c =
        anvil
            .web3j()
            .ethCall(
                Transaction.createEthCallTransaction(
                    "0x0000000000000000000000000000000000001234",
                    ECRECOVER,
                    "0x" + HEX.formatHex(in)),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(c.hasError()).as(String.valueOf(c.getError())).isFalse();
    String out = c.getValue();
    return "0x" + out.substring(out.length() - 40);
  }

  @Test
  void precompileRecoversTheGoldenAndRandomSenders(AnvilNode anvil) throws Exception {
    MutationValidator v = new MutationValidator(GoldenVectors.CHAIN_ID);
    for (String name : List.of("eth-create-database", "eth-group-collection-and-documents")) {
      Mutation m = GoldenVectors.build().get(name);
      String evm = ecrecover(anvil, EthPersonalSign.personalDigest(m.signingRoot()), m.signature());
      assertThat(evm).isEqualTo("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
      assertThat(v.checkStateless(m.encode()).sender().address()).isEqualTo(evm);
    }
    Random rnd = new Random(7);
    for (int i = 0; i < 64; i++) {
      ECKeyPair key = ECKeyPair.create(new BigInteger(250, rnd).add(BigInteger.ONE));
      MutationSigner s = MutationSigner.eth(key);
      Mutation m =
          s.sign(
              GoldenVectors.CHAIN_ID,
              1 + rnd.nextInt(1000),
              new Payload.CreateDatabase(
                  "db" + i, "random " + rnd.nextLong(), List.of(), List.of()));
      String evm = ecrecover(anvil, EthPersonalSign.personalDigest(m.signingRoot()), m.signature());
      assertThat(v.checkStateless(m.encode()).sender().address()).isEqualTo(evm);
      assertThat(s.identity().address()).isEqualTo(evm);
    }
  }

  @Test
  void castWalletSignProducesTheGoldenSignature() throws Exception {
    Mutation m = GoldenVectors.build().get("eth-create-database");
    Process p =
        new ProcessBuilder(
                RepoLayout.locate().npmBinary("cast").toString(),
                "wallet",
                "sign",
                "--private-key",
                "0x" + GoldenVectors.ETH_KEY,
                "0x" + HEX.formatHex(m.signingRoot()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("0x" + HEX.formatHex(m.signature()));
  }
}
