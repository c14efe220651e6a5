package io.cvmavs.stake.devnet;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.AllocationManager;
import io.cvmavs.contracts.bindings.CStaking;
import io.cvmavs.contracts.bindings.CToken;
import io.cvmavs.contracts.bindings.CvmRegistry;
import io.cvmavs.contracts.bindings.CvmSlasher;
import io.cvmavs.contracts.bindings.DelegationManager;
import io.cvmavs.contracts.bindings.DevnetToken;
import io.cvmavs.contracts.bindings.StrategyManager;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.stake.StakeException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.StaticArray2;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * Drives the devnet contracts from Java through the generated bindings, in the order of {@code
 * contracts/test/utils/CvmFixture.sol}: deposit into the strategy, register as an EigenLayer
 * operator, allocate to operator set 0, bind a consensus key and stake {@code $C}, register with
 * the AVS (BLS key + proof of possession).
 */
public final class DevnetStakeDriver {
  public static final BigInteger E18 = BigInteger.TEN.pow(18);
  private static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(15_000_000));

  private final Web3j web3j;
  private final Deployments d;
  private final Credentials deployer;
  private boolean slasherAllowed;

  public DevnetStakeDriver(Web3j web3j, Deployments deployments, Credentials deployer) {
    this.web3j = web3j;
    this.d = deployments;
    this.deployer = deployer;
  }

  public String strategy() {
    return d.address("Strategy");
  }

  public String avs() {
    return d.address("CvmServiceManager");
  }

  /** A consensus key (ed25519 public key) derived from a seed. */
  public static byte[] consensusKey(int seed) {
    byte[] sk = Hash.sha3(("consensus-" + seed).getBytes(StandardCharsets.US_ASCII));
    byte[] pk = new byte[32];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(sk, 0, pk, 0);
    return pk;
  }

  /** Deposits {@code restake} dETH, registers as an EigenLayer operator, allocates all to set 0. */
  public void eigenOperator(Credentials op, BigInteger restake) {
    if (restake.signum() > 0) {
      tx(
          DevnetToken.load(d.address("UnderlyingToken"), web3j, deployer, GAS)
              .mint(op.getAddress(), restake));
      tx(
          DevnetToken.load(d.address("UnderlyingToken"), web3j, op, GAS)
              .approve(d.address("StrategyManager"), restake));
      tx(
          StrategyManager.load(d.address("StrategyManager"), web3j, op, GAS)
              .depositIntoStrategy(strategy(), d.address("UnderlyingToken"), restake));
    }
    tx(
        DelegationManager.load(d.address("DelegationManager"), web3j, op, GAS)
            .registerAsOperator(
                "0x0000000000000000000000000000000000000000", BigInteger.ZERO, "ipfs://op"));
    allocate(op, E18);
  }

  public void allocate(Credentials op, BigInteger magnitudeWad) {
    tx(
        AllocationManager.load(d.address("AllocationManager"), web3j, op, GAS)
            .modifyAllocations(
                op.getAddress(),
                List.of(
                    new AllocationManager.AllocateParams(
                        new AllocationManager.OperatorSet(avs(), BigInteger.ZERO),
                        List.of(strategy()),
                        List.of(magnitudeWad)))));
  }

  public void setConsensusKey(Credentials op, byte[] key) {
    tx(CStaking.load(d.address("CStaking"), web3j, op, GAS).setConsensusKey(key));
  }

  /** Mints {@code amount} $C to {@code staker} and stakes it to {@code operator}. */
  public void stakeC(Credentials staker, String operator, BigInteger amount) {
    tx(CToken.load(d.address("CToken"), web3j, deployer, GAS).mint(staker.getAddress(), amount));
    tx(CToken.load(d.address("CToken"), web3j, staker, GAS).approve(d.address("CStaking"), amount));
    tx(CStaking.load(d.address("CStaking"), web3j, staker, GAS).stake(operator, amount));
  }

  public void unstakeC(Credentials staker, String operator, BigInteger shares) {
    tx(CStaking.load(d.address("CStaking"), web3j, staker, GAS).unstake(operator, shares));
  }

  /** Registers {@code op} with the AVS in operator set 0 (BLS key from {@code blsSeed}). */
  public void registerWithAvs(Credentials op, int blsSeed) {
    BlsKeyPair key =
        BlsKeyPair.fromSecret(
            new BigInteger(1, Hash.sha3(("bls-" + blsSeed).getBytes(StandardCharsets.US_ASCII)))
                .mod(io.cvmavs.crypto.bn254.Bn254.R));
    CvmRegistry.G1Point h;
    try {
      h =
          CvmRegistry.load(d.address("CvmRegistry"), web3j, op, GAS)
              .pubkeyRegistrationMessageHash(op.getAddress())
              .send();
    } catch (Exception e) {
      throw new StakeException(
          "reading pubkeyRegistrationMessageHash failed: " + e.getMessage(), e);
    }
    G1Point sigma = key.signPoint(G1Point.of(h.X, h.Y));
    byte[] g2 = new byte[G2Point.ENCODED_LENGTH];
    key.publicKeyG2().writeEvmTo(g2, 0);
    G1Point pk1 = key.publicKeyG1();
    DynamicStruct params =
        new DynamicStruct(
            new Utf8String("127.0.0.1:9000"),
            new StaticStruct(
                new StaticStruct(new Uint256(sigma.x()), new Uint256(sigma.y())),
                new StaticStruct(new Uint256(pk1.x()), new Uint256(pk1.y())),
                new StaticStruct(
                    new StaticArray2<>(Uint256.class, word(g2, 0), word(g2, 1)),
                    new StaticArray2<>(Uint256.class, word(g2, 2), word(g2, 3)))));
    byte[] data = Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(List.of(params)));
    tx(
        AllocationManager.load(d.address("AllocationManager"), web3j, op, GAS)
            .registerForOperatorSets(
                op.getAddress(),
                new AllocationManager.RegisterParams(avs(), List.of(BigInteger.ZERO), data)));
  }

  private static void tx(org.web3j.protocol.core.RemoteFunctionCall<?> call) {
    try {
      call.send();
    } catch (Exception e) {
      throw new StakeException("devnet transaction failed: " + e.getMessage(), e);
    }
  }

  private static Uint256 word(byte[] b, int i) {
    return new Uint256(new BigInteger(1, Arrays.copyOfRange(b, 32 * i, 32 * i + 32)));
  }

  public void deregister(Credentials op) {
    tx(
        AllocationManager.load(d.address("AllocationManager"), web3j, op, GAS)
            .deregisterFromOperatorSets(
                new AllocationManager.DeregisterParams(
                    op.getAddress(), avs(), List.of(BigInteger.ZERO))));
  }

  /**
   * Slashes restaked stake as an AVS contract would: through the AVS's slasher router ({@code
   * CvmSlasher}, the operator set's slasher since EigenLayer v1.9), after its owner (the devnet
   * deployer) put the deployer on the router's allow-list.
   */
  public void slashRestaked(String operator, BigInteger wad) {
    CvmSlasher router = CvmSlasher.load(d.address("CvmSlasher"), web3j, deployer, GAS);
    if (!slasherAllowed) {
      tx(router.setAllowed(deployer.getAddress(), true));
      slasherAllowed = true;
    }
    tx(router.slashOperator(operator, BigInteger.ZERO, wad, "stake-aggregator IT"));
  }

  /** Slashes $C stake: the CStaking owner makes the deployer the slasher first. */
  public void slashC(String operator, BigInteger wad) {
    CStaking c = CStaking.load(d.address("CStaking"), web3j, deployer, GAS);
    tx(c.setSlasher(deployer.getAddress()));
    tx(c.slash(operator, wad));
  }
}
