// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../libraries/BN254.sol";
import {IAVSRegistrar} from "../core/IAVSRegistrar.sol";
import {IStrategy} from "../core/IStrategy.sol";

interface ICvmRegistryTypes {
    /// @notice A strategy counted in a quorum; `multiplier` is WAD-scaled (1e18 = one unit of weight per share).
    struct StrategyParams {
        IStrategy strategy;
        uint96 multiplier;
    }

    /// @notice Quorum limits and the `$C` multiplier (WAD-scaled, per `$C` wei).
    struct QuorumConfig {
        uint32 maxOperatorCount;
        uint96 minimumStake;
        uint96 cStakeMultiplier;
    }

    struct PubkeyRegistrationParams {
        BN254.G1Point pubkeyRegistrationSignature;
        BN254.G1Point pubkeyG1;
        BN254.G2Point pubkeyG2;
    }

    /// @notice `data` of `registerForOperatorSets`, ABI-encoded. The pubkey is only read at the first registration.
    struct RegistrationParams {
        string socket;
        PubkeyRegistrationParams pubkey;
    }

    /// @notice One checkpoint of an operator's (or a quorum's total) stake; `nextUpdateBlockNumber == 0` = latest.
    struct StakeUpdate {
        uint32 updateBlockNumber;
        uint32 nextUpdateBlockNumber;
        uint96 stake;
        bool active;
    }

    /// @notice One checkpoint of a quorum's aggregate pubkey, stored as the first 24 bytes of keccak(X ‖ Y).
    struct ApkUpdate {
        bytes24 apkHash;
        uint32 updateBlockNumber;
        uint32 nextUpdateBlockNumber;
    }

    /// @notice What the task manager needs of one quorum at a reference block.
    struct QuorumSnapshot {
        bytes24 apkHash;
        uint96 totalStake;
        uint96 nonSignerStake;
        uint256 nonSignerActiveBitmap;
    }
}

interface ICvmRegistryErrors {
    error OnlyAllocationManager(address caller);
    error OnlyServiceManager(address caller);
    error InvalidAVS(address avs);
    error RegistrationPaused();
    error QuorumDoesNotExist(uint8 quorumNumber);
    error TooManyQuorums();
    error InvalidStrategyParams(uint8 quorumNumber);
    error OperatorAlreadyInQuorum(address operator, uint8 quorumNumber);
    error OperatorNotInQuorum(address operator, uint8 quorumNumber);
    error MaxOperatorCountReached(uint8 quorumNumber, uint32 maxOperatorCount);
    error InsufficientStake(address operator, uint8 quorumNumber, uint96 stake, uint96 minimumStake);
    error ZeroPubkey();
    error PubkeyAlreadyRegistered(bytes32 operatorId);
    error InvalidProofOfPossession(address operator);
    error NotRegistered(address operator);
    /// @dev The checkpoint at `index` does not cover `blockNumber`.
    error CheckpointIndexMismatch(uint32 blockNumber, uint32 index);
}

interface ICvmRegistryEvents is ICvmRegistryTypes {
    event QuorumCreated(uint8 indexed quorumNumber, QuorumConfig config, StrategyParams[] strategies);
    event QuorumConfigUpdated(uint8 indexed quorumNumber, QuorumConfig config);
    event NewPubkeyRegistration(address indexed operator, BN254.G1Point pubkeyG1, BN254.G2Point pubkeyG2);
    event OperatorSocketUpdate(bytes32 indexed operatorId, string socket);
    event OperatorAddedToQuorum(address indexed operator, bytes32 indexed operatorId, uint8 indexed quorumNumber);
    event OperatorRemovedFromQuorum(address indexed operator, bytes32 indexed operatorId, uint8 indexed quorumNumber);
    event OperatorStakeUpdate(bytes32 indexed operatorId, uint8 indexed quorumNumber, uint96 stake);
}

/// @title ICvmRegistry — BN254 pubkeys, operator ids, sockets and checkpointed per-quorum stake and APK.
/// @notice Quorum q is operator set q of the CVM service manager. Operator weight in quorum q:
///
///             stake = Σ_s ⌊slashable_s × multiplier_s / 1e18⌋ + ⌊cStake × cStakeMultiplier / 1e18⌋
///
///         where slashable_s is the operator's shares in strategy s allocated to operator set q
///         (`AllocationManager.getMinimumSlashableStake` at the current block) and cStake is its active `$C`
///         stake in CStaking (dual staking). A weight below `minimumStake` is recorded as 0 (the operator stays a
///         member; registration itself requires the minimum). Weights are refreshed on registration and by
///         `updateOperators` (anyone). Stake, total stake and APK are checkpointed per block so signatures are
///         checked against the state at a task's reference block, with indices found by the `get*IndexAtBlock`
///         views (or `getCheckSignaturesIndices`).
///         Pubkeys need a proof of possession: a BLS signature over
///         `hashToG1(EIP712 digest of BN254PubkeyRegistration(address operator))`, domain name "CvmRegistry",
///         version "1". `operatorId = keccak256(pkG1.X ‖ pkG1.Y)`.
interface ICvmRegistry is IAVSRegistrar, ICvmRegistryErrors, ICvmRegistryEvents {
    /// @notice Service manager: creates the next quorum (number = current quorum count).
    function createQuorum(QuorumConfig calldata config, StrategyParams[] calldata strategies)
        external
        returns (uint8 quorumNumber);

    /// @notice Service manager: updates a quorum's limits and `$C` multiplier.
    function setQuorumConfig(uint8 quorumNumber, QuorumConfig calldata config) external;

    /// @notice Operator: updates its socket (how the aggregator reaches it).
    function updateSocket(string calldata socket) external;

    /// @notice Anyone: recomputes the weights of registered operators in each quorum they are active in.
    function updateOperators(address[] calldata operators) external;

    function quorumCount() external view returns (uint8);

    function quorumConfig(uint8 quorumNumber) external view returns (QuorumConfig memory);

    function strategyParams(uint8 quorumNumber) external view returns (StrategyParams[] memory);

    function operatorCount(uint8 quorumNumber) external view returns (uint32);

    function getOperatorId(address operator) external view returns (bytes32);

    function getOperatorFromId(bytes32 operatorId) external view returns (address);

    function getRegisteredPubkey(address operator) external view returns (BN254.G1Point memory, bytes32);

    function socket(bytes32 operatorId) external view returns (string memory);

    function isActive(address operator, uint8 quorumNumber) external view returns (bool);

    /// @notice Quorums in which `operator` is currently active.
    function getActiveQuorums(address operator) external view returns (uint8[] memory);

    /// @notice Live weight per the formula above (before the minimum-stake cut).
    function weightOfOperator(address operator, uint8 quorumNumber) external view returns (uint96);

    function getCurrentStake(bytes32 operatorId, uint8 quorumNumber) external view returns (uint96);

    function getCurrentTotalStake(uint8 quorumNumber) external view returns (uint96);

    function getCurrentApk(uint8 quorumNumber) external view returns (BN254.G1Point memory);

    function getStakeHistoryLength(bytes32 operatorId, uint8 quorumNumber) external view returns (uint256);

    function getStakeUpdateAtIndex(bytes32 operatorId, uint8 quorumNumber, uint256 index)
        external
        view
        returns (StakeUpdate memory);

    function getTotalStakeUpdateAtIndex(uint8 quorumNumber, uint256 index) external view returns (StakeUpdate memory);

    function getApkUpdateAtIndex(uint8 quorumNumber, uint256 index) external view returns (ApkUpdate memory);

    /// @notice Index of the operator's checkpoint covering `blockNumber` (0 if it had none then).
    function getStakeUpdateIndexAtBlock(bytes32 operatorId, uint8 quorumNumber, uint32 blockNumber)
        external
        view
        returns (uint32);

    function getTotalStakeIndexAtBlock(uint8 quorumNumber, uint32 blockNumber) external view returns (uint32);

    function getApkIndexAtBlock(uint8 quorumNumber, uint32 blockNumber) external view returns (uint32);

    /// @notice Operator stake and membership at `blockNumber`, with the checkpoint index as a hint.
    function getStakeAtBlockAndIndex(bytes32 operatorId, uint8 quorumNumber, uint32 blockNumber, uint32 index)
        external
        view
        returns (uint96 stake, bool active);

    /// @notice Everything `respondToTask` needs of one quorum at `blockNumber`; bit j of the bitmap is set if
    ///         non-signer j was active in the quorum then.
    function quorumSnapshot(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint32 apkIndex,
        uint32 totalStakeIndex,
        bytes32[] calldata nonSignerIds,
        uint32[] calldata nonSignerStakeIndices
    ) external view returns (QuorumSnapshot memory);

    /// @notice All checkpoint hints for a `respondToTask` call (an aggregator convenience; not gas-optimised).
    function getCheckSignaturesIndices(
        bytes calldata quorumNumbers,
        uint32 blockNumber,
        bytes32[] calldata nonSignerIds
    )
        external
        view
        returns (uint32[] memory apkIndices, uint32[] memory totalStakeIndices, uint32[][] memory nonSignerIndices);

    /// @notice The G1 message an operator signs as proof of possession of its BLS key.
    function pubkeyRegistrationMessageHash(address operator) external view returns (BN254.G1Point memory);
}
