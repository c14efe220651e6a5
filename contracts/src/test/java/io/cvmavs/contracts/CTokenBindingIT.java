package io.cvmavs.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.contracts.bindings.CToken;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Deploys with the real forge deploy script on a real anvil and drives the $C token through its
 * web3j binding.
 */
@WithAnvil
class CTokenBindingIT {
  private static final BigInteger ONE_C = BigInteger.TEN.pow(18);

  @Test
  void deployScriptDeploysTokenThatBindingsCanUse(AnvilNode anvil) throws Exception {
    Deployments deployments = Deployments.read(ForgeDeploy.deploy(anvil));
    assertThat(deployments.chainId()).isEqualTo(anvil.chainId());
    assertThat(deployments.address("deployer")).isEqualToIgnoringCase(anvil.account(0).address());

    CToken asAdmin =
        CToken.load(
            deployments.address("CToken"),
            anvil.web3j(),
            anvil.account(0).credentials(),
            new DefaultGasProvider());
    assertThat(asAdmin.name().send()).isEqualTo("Chainbase Token");
    assertThat(asAdmin.symbol().send()).isEqualTo("C");
    assertThat(asAdmin.cap().send()).isEqualTo(ONE_C.multiply(BigInteger.valueOf(1_000_000_000)));

    String alice = anvil.account(1).address();
    TransactionReceipt receipt = asAdmin.mint(alice, ONE_C.multiply(BigInteger.valueOf(5))).send();
    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(asAdmin.balanceOf(alice).send()).isEqualTo(ONE_C.multiply(BigInteger.valueOf(5)));
    assertThat(CToken.getTransferEvents(receipt))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.to).isEqualToIgnoringCase(alice);
              assertThat(e.value).isEqualTo(ONE_C.multiply(BigInteger.valueOf(5)));
            });

    CToken asAlice =
        CToken.load(
            deployments.address("CToken"),
            anvil.web3j(),
            anvil.account(1).credentials(),
            new DefaultGasProvider());
    assertThatThrownBy(() -> asAlice.mint(alice, ONE_C).send()).hasMessageContaining("revert");
  }
}
