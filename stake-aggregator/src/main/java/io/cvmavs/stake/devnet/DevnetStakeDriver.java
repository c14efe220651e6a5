package io.cvmavs.stake.devnet;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.avs.RegistrationData;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.SlasherWriter;
import io.cvmavs.chain.core.CoreWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.stake.StakeException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;

/**
 * Drives the devnet contracts from Java through chain-io's writers (one {@link Transactor} per
 * account), in the order of {@code contracts/test/utils/CvmFixture.sol}: deposit into the strategy,
 * register as an EigenLayer operator, allocate to operator set 0, bind a consensus key and stake
 * {@code $C}, register with the AVS (BLS key + proof of possession).
 */
public final class DevnetStakeDriver {
  public static final BigInteger E18 = BigInteger.TEN.pow(18);

  private final Web3j web3j;
  private final Deployments d;
  private final Credentials deployer;
  private final Map<String, Transactor> accounts = new HashMap<>();
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
    String token = d.address("UnderlyingToken");
    if (restake.signum() > 0) {
      tx(() -> staking(deployer).mint(token, op.getAddress(), restake));
      tx(() -> staking(op).approve(token, d.address("StrategyManager"), restake));
      tx(() -> core(op).depositIntoStrategy(strategy(), token, restake));
    }
    tx(() -> core(op).registerAsOperator(0, "ipfs://op"));
    allocate(op, E18);
  }

  public void allocate(Credentials op, BigInteger magnitudeWad) {
    tx(() -> core(op).modifyAllocation(avs(), 0, strategy(), magnitudeWad));
  }

  public void setConsensusKey(Credentials op, byte[] key) {
    tx(() -> staking(op).setConsensusKey(key));
  }

  /** Mints {@code amount} $C to {@code staker} and stakes it to {@code operator}. */
  public void stakeC(Credentials staker, String operator, BigInteger amount) {
    String cToken = d.address("CToken");
    tx(() -> staking(deployer).mint(cToken, staker.getAddress(), amount));
    tx(() -> staking(staker).approve(cToken, d.address("CStaking"), amount));
    tx(() -> staking(staker).stake(operator, amount));
  }

  public void unstakeC(Credentials staker, String operator, BigInteger shares) {
    tx(() -> staking(staker).unstake(operator, shares));
  }

  /** Registers {@code op} with the AVS in operator set 0 (BLS key from {@code blsSeed}). */
  public void registerWithAvs(Credentials op, int blsSeed) {
    BlsKeyPair key =
        BlsKeyPair.fromSecret(
            new BigInteger(1, Hash.sha3(("bls-" + blsSeed).getBytes(StandardCharsets.US_ASCII)))
                .mod(io.cvmavs.crypto.bn254.Bn254.R));
    G1Point h =
        tx(
            () ->
                new RegistryReader(account(op).reader(), d.address("CvmRegistry"))
                    .pubkeyRegistrationMessageHash(op.getAddress()));
    byte[] data =
        RegistrationData.encode(
            "127.0.0.1:9000", key.signPoint(h), key.publicKeyG1(), key.publicKeyG2());
    tx(() -> core(op).registerForOperatorSets(avs(), List.of(0L), data));
  }

  public void deregister(Credentials op) {
    tx(() -> core(op).deregisterFromOperatorSets(avs(), List.of(0L)));
  }

  /**
   * Slashes restaked stake as an AVS contract would: through the AVS's slasher router ({@code
   * CvmSlasher}, the operator set's slasher since EigenLayer v1.9), after its owner (the devnet
   * deployer) put the deployer on the router's allow-list.
   */
  public void slashRestaked(String operator, BigInteger wad) {
    SlasherWriter router = new SlasherWriter(account(deployer), d.address("CvmSlasher"));
    if (!slasherAllowed) {
      tx(() -> router.setAllowed(deployer.getAddress(), true));
      slasherAllowed = true;
    }
    tx(() -> router.slashOperator(operator, 0, wad, "stake-aggregator IT"));
  }

  /** Slashes $C stake: the CStaking owner makes the deployer the slasher first. */
  public void slashC(String operator, BigInteger wad) {
    tx(() -> staking(deployer).setSlasher(deployer.getAddress()));
    tx(() -> staking(deployer).slash(operator, wad));
  }

  private synchronized Transactor account(Credentials who) {
    return accounts.computeIfAbsent(who.getAddress(), a -> Transactor.of(web3j, who, d.chainId()));
  }

  private CoreWriter core(Credentials who) {
    return new CoreWriter(
        account(who),
        d.address("DelegationManager"),
        d.address("StrategyManager"),
        d.address("AllocationManager"));
  }

  private StakingWriter staking(Credentials who) {
    return new StakingWriter(account(who), d.address("CStaking"));
  }

  private static <T> T tx(Supplier<T> call) {
    try {
      return call.get();
    } catch (ChainException e) {
      throw new StakeException("devnet transaction failed: " + e.getMessage(), e);
    }
  }
}
