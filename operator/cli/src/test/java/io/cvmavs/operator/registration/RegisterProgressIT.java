package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * {@code operator register} on the real deploy, failing part-way: every step that took effect is
 * printed as it completes (before, the done/skipped lines came only on success, so a failure hid
 * that registerAsOperator, deposit and allocate were already on chain); a missing consensus key is
 * found before anything is sent; the re-run skips what is done.
 */
@WithAnvil
class RegisterProgressIT {
  private static final BigInteger HUNDRED = new BigInteger("100000000000000000000");

  @TempDir Path dir;

  @Test
  void aFailingRegistrationSaysWhatAlreadyHappenedOnChain(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "progress");
    String consensusKey = Bytes32.hex(Hash.sha3("consensus-1".getBytes()));

    // The operator holds the strategy token (bought, say) but no $C, and there is no devnet
    // funding.
    Path op1 = net.writeOperator("op1", 1, AvsLocalnet.operatorKey(1), 1);
    String me = anvil.account(1).address();
    new StakingWriter(
            ChainAccess.open(
                URI.create(anvil.rpcUrl()),
                anvil.account(0).credentials().getEcKeyPair(),
                Optional.empty()),
            net.deployments().address("CStaking"))
        .mint(net.deployments().address("UnderlyingToken"), me, HUNDRED);
    SeededOperators.CliResult r =
        net.run(
            "operator",
            "register",
            "--config",
            op1.toString(),
            "--deposit",
            "100ether",
            "--c-stake",
            "50ether",
            "--consensus-key",
            consensusKey);
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("preflight: chain 31337, code at all 10 contracts, AVS wiring consistent")
        .contains("done     registerAsOperator")
        .contains("done     deposit")
        .contains("done     allocate")
        .contains(
            "failed after registerAsOperator, deposit, allocate took effect on chain; fix the"
                + " problem and re-run (done steps are skipped")
        .doesNotContain("registerForOperatorSets");
    assertThat(r.out().indexOf("done     deposit")).isLessThan(r.out().indexOf("failed after"));
    assertThat(r.err()).contains("holds 0 of token " + net.deployments().address("CToken"));
    CoreReader core =
        new CoreReader(
            ChainAccess.open(
                URI.create(anvil.rpcUrl()),
                anvil.account(1).credentials().getEcKeyPair(),
                Optional.empty()),
            net.deployments().address("DelegationManager"),
            net.deployments().address("AllocationManager"));
    assertThat(core.isOperator(me)).as("what the output says is on chain").isTrue();

    // The re-run with devnet funding skips the three and finishes.
    String out =
        net.cli(
            "operator",
            "register",
            "--config",
            op1.toString(),
            "--deposit",
            "100ether",
            "--c-stake",
            "50ether",
            "--consensus-key",
            consensusKey,
            "--devnet-fund");
    assertThat(out)
        .contains("skipped  registerAsOperator")
        .contains("skipped  deposit")
        .contains("skipped  allocate")
        .contains("done     stake $C")
        .contains("done     registerForOperatorSets");

    // No consensus key: refused before the first transaction, not after the deposit.
    Path op2 = net.writeOperator("op2", 2, AvsLocalnet.operatorKey(2), 1);
    r =
        net.run(
            "operator",
            "register",
            "--config",
            op2.toString(),
            "--deposit",
            "100ether",
            "--c-stake",
            "50ether",
            "--devnet-fund");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("no consensus key yet").contains("nothing was sent");
    assertThat(r.out()).doesNotContain("done ").contains("failed before any registration step");
    assertThat(
            anvil
                .web3j()
                .ethGetTransactionCount(
                    anvil.account(2).address(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount())
        .isZero();
  }

  @Test
  void devnetFundingCountsAsTakenEffect(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "funded");
    Path op3 = net.writeOperator("op3", 3, AvsLocalnet.operatorKey(3), 1);
    String me = anvil.account(3).address();
    // No ether for gas, so --devnet-fund sends some; then the first registration read fails (the
    // DelegationManager's code is replaced by an invalid opcode): no registration step is done,
    // but the ether was sent. Before, the last line said nothing took effect.
    anvilRpc(anvil, "anvil_setBalance", me, "0x0");
    anvilRpc(anvil, "anvil_setCode", net.deployments().address("DelegationManager"), "0xfe");
    SeededOperators.CliResult r =
        net.run("operator", "register", "--config", op3.toString(), "--devnet-fund");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("devnet: sent 10 ether for gas to " + me)
        .contains(
            "failed after devnet funding (sent 10 ether for gas to "
                + me
                + ") took effect on chain")
        .doesNotContain("failed before any registration step")
        .doesNotContain("done     ");
    assertThat(
            anvil.web3j().ethGetBalance(me, DefaultBlockParameterName.LATEST).send().getBalance())
        .isEqualTo(BigInteger.TEN.pow(19));
  }

  private static void anvilRpc(AnvilNode anvil, String method, String... params) throws Exception {
    org.web3j.protocol.core.Response<?> r =
        new org.web3j.protocol.core.Request<>(
                method,
                java.util.List.of(params),
                new org.web3j.protocol.http.HttpService(anvil.rpcUrl()),
                org.web3j.protocol.core.methods.response.VoidResponse.class)
            .send();
    assertThat(r.hasError())
        .as(method + ": " + (r.hasError() ? r.getError().getMessage() : ""))
        .isFalse();
  }
}
