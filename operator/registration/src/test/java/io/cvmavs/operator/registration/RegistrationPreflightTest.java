package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The preflight's decisions over a chain described as data: code present, getters wired. The real
 * chain cases (no contracts, the real deploy) are in RegisterPreflightIT / RegisterProgressIT.
 */
class RegistrationPreflightTest {
  private static String a(int i) {
    return String.format("0x%040x", i);
  }

  private static final RegistrationContracts C =
      new RegistrationContracts(a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), 0);

  /** A chain where every contract has code and every getter returns what {@link #C} says. */
  private static final class WiredChain implements RegistrationPreflight.Chain {
    final Map<String, String> views = new HashMap<>();
    final Map<String, String> code = new HashMap<>();

    WiredChain() {
      for (int i = 1; i <= 10; i++) {
        code.put(a(i), "0x6080");
      }
      views.put(a(8) + " registry()", a(9));
      views.put(a(8) + " allocationManager()", a(3));
      views.put(a(10) + " serviceManager()", a(8));
      views.put(a(8) + " slasher()", a(11));
      views.put(a(10) + " slasher()", a(11));
      views.put(a(11) + " serviceManager()", a(8));
      views.put(a(11) + " isAllowed(address)" + List.of(a(10)), "true");
      views.put(a(3) + " getSlasher((address,uint32))" + List.of(a(8), "0"), a(11));
      views.put(a(2) + " strategyIsWhitelistedForDeposit(address)" + List.of(a(4)), "true");
      views.put(a(9) + " serviceManager()", a(8));
      views.put(a(9) + " cStaking()", a(7));
      views.put(a(10) + " registry()", a(9));
      views.put(a(7) + " token()", a(6));
      views.put(a(4) + " underlyingToken()", a(5));
      views.put(a(3) + " getAVSRegistrar(address)" + List.of(a(8)), a(9));
    }

    @Override
    public long chainId() {
      return 31337;
    }

    @Override
    public String code(String address) {
      return code.getOrDefault(address, "0x");
    }

    @Override
    public Optional<String> addressView(String contract, String signature, String... args) {
      String key = contract + " " + signature + (args.length == 0 ? "" : List.of(args));
      return Optional.ofNullable(views.get(key));
    }

    @Override
    public Optional<Boolean> boolView(String contract, String signature, String... args) {
      return addressView(contract, signature, args).map(Boolean::parseBoolean);
    }
  }

  @Test
  void aConsistentDeploymentPasses() {
    assertThat(RegistrationPreflight.check(new WiredChain(), C, Optional.of(31337L), "d.json"))
        .containsExactly("preflight: chain 31337, code at all 10 contracts, AVS wiring consistent");
  }

  @Test
  void miswiredRolesAreListedTogether() {
    WiredChain chain = new WiredChain();
    chain.views.put(a(8) + " registry()", a(99));
    chain.views.put(a(3) + " getAVSRegistrar(address)" + List.of(a(8)), a(98));
    chain.views.remove(a(7) + " token()");
    assertThatThrownBy(() -> RegistrationPreflight.check(chain, C, Optional.empty(), "d.json"))
        .isInstanceOf(RegistrationException.class)
        .hasMessageContaining("nothing was sent")
        .hasMessageContaining(
            "CvmServiceManager.registry() is " + a(99) + ", not the configured CvmRegistry " + a(9))
        .hasMessageContaining("registrar for CvmServiceManager is " + a(98))
        .hasMessageContaining("CStaking.token() cannot be read");
  }

  @Test
  void aSlasherTheCoreDoesNotKnowOrThatMayNotSlashIsRefused() {
    WiredChain chain = new WiredChain();
    chain.views.put(a(3) + " getSlasher((address,uint32))" + List.of(a(8), "0"), a(8));
    chain.views.put(a(11) + " isAllowed(address)" + List.of(a(10)), "false");
    assertThatThrownBy(() -> RegistrationPreflight.check(chain, C, Optional.empty(), "d.json"))
        .hasMessageContaining(
            "the AllocationManager's slasher for operator set 0 is "
                + a(8)
                + ", not the AVS's router")
        .hasMessageContaining("does not allow CvmTaskManager " + a(10) + " to slash");
    WiredChain old = new WiredChain();
    old.views.remove(a(8) + " slasher()");
    assertThatThrownBy(() -> RegistrationPreflight.check(old, C, Optional.empty(), "d.json"))
        .hasMessageContaining("an AVS deployed before the slasher router");
  }

  @Test
  void aStrategyTheCoreDoesNotTakeDepositsForIsRefusedWithoutTheRestartHint() {
    WiredChain chain = new WiredChain();
    chain.views.put(a(2) + " strategyIsWhitelistedForDeposit(address)" + List.of(a(4)), "false");
    assertThatThrownBy(() -> RegistrationPreflight.check(chain, C, Optional.empty(), "d.json"))
        .hasMessageContaining("does not accept deposits into Strategy " + a(4))
        .hasMessageNotContaining("devnet restarted");
  }

  @Test
  void argumentsFollowTheSignaturesTypes() {
    assertThat(RegistrationPreflight.arguments("getSlasher((address,uint32))", a(8), "7"))
        .extracting(t -> t.getValue().toString())
        .containsExactly(a(8), "7");
  }

  @Test
  void wrongChainOrMissingCodeStopsBeforeTheWiring() {
    assertThatThrownBy(
            () -> RegistrationPreflight.check(new WiredChain(), C, Optional.of(1L), "d.json"))
        .hasMessageContaining("the RPC serves chain 31337 but d.json is for chain 1");
    WiredChain chain = new WiredChain();
    chain.code.remove(a(9));
    assertThatThrownBy(() -> RegistrationPreflight.check(chain, C, Optional.empty(), "d.json"))
        .hasMessageContaining("no contract code at CvmRegistry " + a(9))
        .hasMessageNotContaining("registry()");
  }
}
