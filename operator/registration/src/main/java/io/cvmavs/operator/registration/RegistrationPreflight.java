package io.cvmavs.operator.registration;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.rpc.RpcClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Uint;

/**
 * Read-only checks before {@code operator register} sends anything: the RPC serves the chain the
 * deployment is for, every configured contract has code, and the AVS contracts are wired to each
 * other (service manager ↔ registry ↔ task manager ↔ staking, the AllocationManager's registrar for
 * the AVS, the strategy's token) as far as their public getters tell. A configuration pointed at
 * the wrong chain, a restarted anvil or a stale deployment file is refused with every problem
 * found, before any ether or token moves.
 */
public final class RegistrationPreflight {
  /** Narrow chain access: view calls and one code lookup. */
  public interface Chain {
    long chainId();

    /** The code at {@code address} at the latest block, {@code 0x} when none. */
    String code(String address);

    /**
     * An {@code address}-returning view, or empty when it reverts or returns nothing. Each argument
     * is given as text and encoded as the type the canonical {@code signature} names for it ({@code
     * address} or {@code uintN}; a static tuple such as {@code getSlasher((address,uint32))} is
     * encoded as its fields).
     */
    Optional<String> addressView(String contract, String signature, String... args);

    /** A {@code bool}-returning view, as {@link #addressView}. */
    Optional<Boolean> boolView(String contract, String signature, String... args);

    /** Over a keyless reader ({@code ChainAccess.read} or a {@code Transactor}'s reader). */
    static Chain of(RpcClient rpc) {
      return new Chain() {
        @Override
        public long chainId() {
          return rpc.chainId();
        }

        @Override
        public String code(String address) {
          return rpc.code(address);
        }

        @Override
        public Optional<String> addressView(String contract, String signature, String... args) {
          return view(contract, signature, new TypeReference<Address>() {}, args)
              .map(Address::getValue);
        }

        @Override
        public Optional<Boolean> boolView(String contract, String signature, String... args) {
          return view(contract, signature, new TypeReference<Bool>() {}, args).map(Bool::getValue);
        }

        private <T extends Type<?>> Optional<T> view(
            String contract, String signature, TypeReference<T> out, String... args) {
          try {
            return Optional.of(
                rpc.view(
                    contract, signature, out, arguments(signature, args).toArray(Type<?>[]::new)));
          } catch (ChainException e) {
            return Optional.empty();
          }
        }
      };
    }
  }

  private RegistrationPreflight() {}

  /**
   * The ABI values of {@code args} for the static parameter types of {@code signature} (a tuple's
   * fields in order: a static tuple encodes exactly as its fields).
   */
  static List<Type<?>> arguments(String signature, String... args) {
    String inside = signature.substring(signature.indexOf('(') + 1, signature.lastIndexOf(')'));
    List<String> types =
        inside.isEmpty() ? List.of() : List.of(inside.replace("(", "").replace(")", "").split(","));
    if (types.size() != args.length) {
      throw new IllegalArgumentException(
          signature + " takes " + types.size() + " values, given " + args.length);
    }
    List<Type<?>> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String t = types.get(i);
      if (t.equals("address")) {
        out.add(new Address(args[i]));
      } else if (t.startsWith("uint")) {
        out.add(new Uint(new BigInteger(args[i])));
      } else {
        throw new IllegalArgumentException(signature + ": parameter type " + t + " not supported");
      }
    }
    return out;
  }

  /**
   * @param expectedChainId the chain the deployment file (or {@code chain_id}) is for, if known
   * @param source what names the addresses in messages (the configuration file)
   * @return one line per check passed, for the progress output
   * @throws RegistrationException listing every failed check
   */
  public static List<String> check(
      Chain chain, RegistrationContracts c, Optional<Long> expectedChainId, String source) {
    List<String> problems = new ArrayList<>();
    long chainId = chain.chainId();
    if (expectedChainId.isPresent() && expectedChainId.get() != chainId) {
      throw new RegistrationException(
          "preflight: the RPC serves chain "
              + chainId
              + " but "
              + source
              + " is for chain "
              + expectedChainId.get()
              + "; nothing was sent");
    }
    Map<String, String> contracts = named(c);
    for (Map.Entry<String, String> e : contracts.entrySet()) {
      String code = chain.code(e.getValue());
      if (code == null || code.equals("0x") || code.isEmpty()) {
        problems.add("no contract code at " + e.getKey() + " " + e.getValue());
      }
    }
    if (problems.isEmpty()) {
      wiring(chain, c, problems);
    }
    if (!problems.isEmpty()) {
      throw new RegistrationException(
          "preflight failed on chain "
              + chainId
              + " (addresses from "
              + source
              + "); nothing was sent:\n  "
              + String.join("\n  ", problems)
              + (problems.stream().anyMatch(x -> x.startsWith("no contract code"))
                  ? "\n(is the RPC the chain the deployment file describes? was a devnet restarted"
                      + " without redeploying?)"
                  : ""));
    }
    return List.of(
        "preflight: chain "
            + chainId
            + ", code at all "
            + contracts.size()
            + " contracts, AVS wiring consistent");
  }

  private static Map<String, String> named(RegistrationContracts c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DelegationManager", c.delegationManager());
    m.put("StrategyManager", c.strategyManager());
    m.put("AllocationManager", c.allocationManager());
    m.put("Strategy", c.strategy());
    m.put("UnderlyingToken", c.underlyingToken());
    m.put("CToken", c.cToken());
    m.put("CStaking", c.cStaking());
    m.put("CvmServiceManager", c.serviceManager());
    m.put("CvmRegistry", c.registry());
    m.put("CvmTaskManager", c.taskManager());
    return m;
  }

  /** Each getter must return the configured address of the contract it names. */
  private static void wiring(Chain chain, RegistrationContracts c, List<String> problems) {
    expect(
        chain,
        problems,
        "CvmServiceManager",
        c.serviceManager(),
        "registry()",
        "CvmRegistry",
        c.registry());
    expect(
        chain,
        problems,
        "CvmServiceManager",
        c.serviceManager(),
        "allocationManager()",
        "AllocationManager",
        c.allocationManager());
    expect(
        chain,
        problems,
        "CvmTaskManager",
        c.taskManager(),
        "serviceManager()",
        "CvmServiceManager",
        c.serviceManager());
    slasher(chain, c, problems);
    expect(
        chain,
        problems,
        "CvmRegistry",
        c.registry(),
        "serviceManager()",
        "CvmServiceManager",
        c.serviceManager());
    expect(chain, problems, "CvmRegistry", c.registry(), "cStaking()", "CStaking", c.cStaking());
    expect(
        chain,
        problems,
        "CvmTaskManager",
        c.taskManager(),
        "registry()",
        "CvmRegistry",
        c.registry());
    expect(chain, problems, "CStaking", c.cStaking(), "token()", "CToken", c.cToken());
    expect(
        chain,
        problems,
        "Strategy",
        c.strategy(),
        "underlyingToken()",
        "UnderlyingToken",
        c.underlyingToken());
    Optional<Boolean> whitelisted =
        chain.boolView(
            c.strategyManager(), "strategyIsWhitelistedForDeposit(address)", c.strategy());
    if (whitelisted.isEmpty()) {
      problems.add(
          "StrategyManager.strategyIsWhitelistedForDeposit(Strategy) cannot be read: is "
              + c.strategyManager()
              + " EigenLayer's StrategyManager?");
    } else if (!whitelisted.get()) {
      problems.add(
          "the StrategyManager does not accept deposits into Strategy "
              + c.strategy()
              + " (not on its deposit whitelist: StrategyNotWhitelisted); choose a whitelisted strategy"
              + " or have the core's strategy whitelister add it");
    }
    Optional<String> registrar =
        chain.addressView(c.allocationManager(), "getAVSRegistrar(address)", c.serviceManager());
    if (registrar.isEmpty()) {
      problems.add(
          "AllocationManager.getAVSRegistrar(CvmServiceManager) cannot be read: is "
              + c.allocationManager()
              + " EigenLayer's AllocationManager?");
    } else if (!same(registrar.get(), c.registry())) {
      problems.add(
          "the AllocationManager's registrar for CvmServiceManager is "
              + registrar.get()
              + ", not CvmRegistry "
              + c.registry()
              + " (the AVS was not set up with this registry)");
    }
  }

  /**
   * EigenLayer v1.9+ lets only an operator set's slasher slash: the service manager names the AVS's
   * slasher router, the router serves this service manager and lets the task manager slash, the
   * task manager slashes through it, and the AllocationManager has it as quorum 0's slasher.
   */
  private static void slasher(Chain chain, RegistrationContracts c, List<String> problems) {
    Optional<String> router = chain.addressView(c.serviceManager(), "slasher()");
    if (router.isEmpty()) {
      problems.add(
          "CvmServiceManager.slasher() cannot be read at "
              + c.serviceManager()
              + ": an AVS deployed before the slasher router cannot slash on EigenLayer v1.9+;"
              + " redeploy it");
      return;
    }
    String r = router.get();
    expect(chain, problems, "CvmTaskManager", c.taskManager(), "slasher()", "CvmSlasher", r);
    expect(
        chain,
        problems,
        "CvmSlasher",
        r,
        "serviceManager()",
        "CvmServiceManager",
        c.serviceManager());
    Optional<Boolean> allowed = chain.boolView(r, "isAllowed(address)", c.taskManager());
    if (allowed.isEmpty()) {
      problems.add("CvmSlasher.isAllowed(CvmTaskManager) cannot be read at " + r);
    } else if (!allowed.get()) {
      problems.add(
          "the slasher router "
              + r
              + " does not allow CvmTaskManager "
              + c.taskManager()
              + " to slash (CvmSlasher.setAllowed)");
    }
    Optional<String> setSlasher =
        chain.addressView(
            c.allocationManager(), "getSlasher((address,uint32))", c.serviceManager(), "0");
    if (setSlasher.isEmpty()) {
      problems.add(
          "AllocationManager.getSlasher(CvmServiceManager, 0) cannot be read: is "
              + c.allocationManager()
              + " EigenLayer's AllocationManager (v1.9 or newer)?");
    } else if (!same(setSlasher.get(), r)) {
      problems.add(
          "the AllocationManager's slasher for operator set 0 is "
              + setSlasher.get()
              + ", not the AVS's router "
              + r
              + " (slashes would revert with InvalidCaller)");
    }
  }

  private static void expect(
      Chain chain,
      List<String> problems,
      String contract,
      String address,
      String getter,
      String expectedName,
      String expected) {
    Optional<String> actual = chain.addressView(address, getter);
    if (actual.isEmpty()) {
      problems.add(
          contract
              + "."
              + getter
              + " cannot be read at "
              + address
              + ": is it a "
              + contract
              + "?");
    } else if (!same(actual.get(), expected)) {
      problems.add(
          contract
              + "."
              + getter
              + " is "
              + actual.get()
              + ", not the configured "
              + expectedName
              + " "
              + expected);
    }
  }

  private static boolean same(String a, String b) {
    return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }
}
