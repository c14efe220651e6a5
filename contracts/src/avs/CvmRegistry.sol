// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmTaskManager} from "../interfaces/avs/ICvmTaskManager.sol";
import {IAVSRegistrar} from "../interfaces/core/IAVSRegistrar.sol";
import {IAllocationManager} from "../interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {BN254} from "../libraries/BN254.sol";
import {OperatorSet} from "../libraries/OperatorSetLib.sol";
import {CvmRegistryStorage} from "./CvmRegistryStorage.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title CvmRegistry — BN254 pubkey, stake and APK registry of the CVM AVS; the AllocationManager's registrar.
contract CvmRegistry is Initializable, EIP712, CvmRegistryStorage {
    using BN254 for BN254.G1Point;

    uint256 internal constant WAD = 1e18;

    modifier onlyServiceManager() {
        if (msg.sender != address(serviceManager)) revert OnlyServiceManager(msg.sender);
        _;
    }

    modifier onlyAllocationManager() {
        if (msg.sender != address(allocationManager)) revert OnlyAllocationManager(msg.sender);
        _;
    }

    constructor(
        IAllocationManager allocationManager_,
        ICvmServiceManager serviceManager_,
        ICvmTaskManager taskManager_,
        ICStaking cStaking_
    ) EIP712("CvmRegistry", "1") CvmRegistryStorage(allocationManager_, serviceManager_, taskManager_, cStaking_) {
        _disableInitializers();
    }

    function initialize() external initializer {}

    // ---------------------------------------------------------------- quorums

    /// @inheritdoc ICvmRegistry
    function createQuorum(QuorumConfig calldata config, StrategyParams[] calldata strategies)
        external
        onlyServiceManager
        returns (uint8 quorumNumber)
    {
        quorumNumber = quorumCount;
        if (quorumNumber == type(uint8).max) revert TooManyQuorums();
        if (strategies.length == 0) revert InvalidStrategyParams(quorumNumber);
        for (uint256 i; i < strategies.length; ++i) {
            if (strategies[i].multiplier == 0) revert InvalidStrategyParams(quorumNumber);
            _strategyParams[quorumNumber].push(strategies[i]);
        }
        quorumCount = quorumNumber + 1;
        _quorumConfig[quorumNumber] = config;
        _pushStake(_totalStakeHistory[quorumNumber], 0, true);
        _pushApk(quorumNumber, BN254.G1Point(0, 0));
        emit QuorumCreated(quorumNumber, config, strategies);
    }

    /// @inheritdoc ICvmRegistry
    function setQuorumConfig(uint8 quorumNumber, QuorumConfig calldata config) external onlyServiceManager {
        _checkQuorum(quorumNumber);
        _quorumConfig[quorumNumber] = config;
        emit QuorumConfigUpdated(quorumNumber, config);
    }

    // ---------------------------------------------------------------- registrar

    /// @inheritdoc IAVSRegistrar
    function registerOperator(address operator, address avs, uint32[] calldata operatorSetIds, bytes calldata data)
        external
        onlyAllocationManager
    {
        if (avs != address(serviceManager)) revert InvalidAVS(avs);
        if (serviceManager.paused()) revert RegistrationPaused();
        RegistrationParams memory params = abi.decode(data, (RegistrationParams));
        bytes32 operatorId = _getOrRegisterPubkey(operator, params.pubkey);
        _socket[operatorId] = params.socket;
        emit OperatorSocketUpdate(operatorId, params.socket);
        for (uint256 i; i < operatorSetIds.length; ++i) {
            _joinQuorum(operator, operatorId, _quorumFromSetId(operatorSetIds[i]));
        }
        // Interaction last: reset the operator's liveness record in the task manager.
        taskManager.onOperatorRegistered(operatorId);
    }

    /// @inheritdoc IAVSRegistrar
    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds)
        external
        onlyAllocationManager
    {
        if (avs != address(serviceManager)) revert InvalidAVS(avs);
        bytes32 operatorId = _operatorToId[operator];
        BN254.G1Point memory negPk = _pubkeyG1[operator].negate();
        for (uint256 i; i < operatorSetIds.length; ++i) {
            uint8 q = _quorumFromSetId(operatorSetIds[i]);
            StakeHistory storage h = _stakeHistory[operatorId][q];
            if (h.length == 0 || !h.entries[h.length - 1].active) revert OperatorNotInQuorum(operator, q);
            uint96 old = h.entries[h.length - 1].stake;
            _pushStake(h, 0, false);
            _addToTotal(q, -int256(uint256(old)));
            _pushApk(q, _currentApk[q].plus(negPk));
            _operatorCount[q] -= 1;
            emit OperatorRemovedFromQuorum(operator, operatorId, q);
            emit OperatorStakeUpdate(operatorId, q, 0);
        }
    }

    /// @inheritdoc IAVSRegistrar
    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(serviceManager);
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc ICvmRegistry
    function updateSocket(string calldata newSocket) external {
        bytes32 operatorId = _operatorToId[msg.sender];
        if (operatorId == bytes32(0)) revert NotRegistered(msg.sender);
        _socket[operatorId] = newSocket;
        emit OperatorSocketUpdate(operatorId, newSocket);
    }

    /// @inheritdoc ICvmRegistry
    function updateOperators(address[] calldata operators) external {
        uint8 qc = quorumCount;
        for (uint256 i; i < operators.length; ++i) {
            bytes32 operatorId = _operatorToId[operators[i]];
            if (operatorId == bytes32(0)) continue;
            for (uint8 q; q < qc; ++q) {
                StakeHistory storage h = _stakeHistory[operatorId][q];
                if (h.length == 0) continue;
                StakeUpdate memory last = h.entries[h.length - 1];
                if (!last.active) continue;
                uint96 stake = weightOfOperator(operators[i], q);
                if (stake < _quorumConfig[q].minimumStake) stake = 0;
                if (stake == last.stake) continue;
                _pushStake(h, stake, true);
                _addToTotal(q, int256(uint256(stake)) - int256(uint256(last.stake)));
                emit OperatorStakeUpdate(operatorId, q, stake);
            }
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICvmRegistry
    function weightOfOperator(address operator, uint8 quorumNumber) public view returns (uint96) {
        StrategyParams[] memory sp = _strategyParams[quorumNumber];
        IStrategy[] memory strategies = new IStrategy[](sp.length);
        for (uint256 i; i < sp.length; ++i) {
            strategies[i] = sp[i].strategy;
        }
        address[] memory ops = new address[](1);
        ops[0] = operator;
        uint256[][] memory slashable = allocationManager.getMinimumSlashableStake(
            OperatorSet(address(serviceManager), quorumNumber), ops, strategies, uint32(block.number)
        );
        uint256 weight;
        for (uint256 i; i < sp.length; ++i) {
            weight += slashable[0][i] * sp[i].multiplier / WAD;
        }
        weight += cStaking.operatorStake(operator) * _quorumConfig[quorumNumber].cStakeMultiplier / WAD;
        return SafeCast.toUint96(weight);
    }

    /// @inheritdoc ICvmRegistry
    function quorumConfig(uint8 quorumNumber) external view returns (QuorumConfig memory) {
        return _quorumConfig[quorumNumber];
    }

    /// @inheritdoc ICvmRegistry
    function strategyParams(uint8 quorumNumber) external view returns (StrategyParams[] memory) {
        return _strategyParams[quorumNumber];
    }

    /// @inheritdoc ICvmRegistry
    function operatorCount(uint8 quorumNumber) external view returns (uint32) {
        return _operatorCount[quorumNumber];
    }

    /// @inheritdoc ICvmRegistry
    function getOperatorId(address operator) external view returns (bytes32) {
        return _operatorToId[operator];
    }

    /// @inheritdoc ICvmRegistry
    function getOperatorFromId(bytes32 operatorId) external view returns (address) {
        return _idToOperator[operatorId];
    }

    /// @inheritdoc ICvmRegistry
    function getRegisteredPubkey(address operator) external view returns (BN254.G1Point memory, bytes32) {
        return (_pubkeyG1[operator], _operatorToId[operator]);
    }

    /// @inheritdoc ICvmRegistry
    function socket(bytes32 operatorId) external view returns (string memory) {
        return _socket[operatorId];
    }

    /// @inheritdoc ICvmRegistry
    function isActive(address operator, uint8 quorumNumber) public view returns (bool) {
        StakeHistory storage h = _stakeHistory[_operatorToId[operator]][quorumNumber];
        return h.length != 0 && h.entries[h.length - 1].active;
    }

    /// @inheritdoc ICvmRegistry
    function getActiveQuorums(address operator) external view returns (uint8[] memory quorums) {
        uint8 qc = quorumCount;
        uint8[] memory tmp = new uint8[](qc);
        uint256 n;
        for (uint8 q; q < qc; ++q) {
            if (isActive(operator, q)) tmp[n++] = q;
        }
        quorums = new uint8[](n);
        for (uint256 i; i < n; ++i) {
            quorums[i] = tmp[i];
        }
    }

    /// @inheritdoc ICvmRegistry
    function getCurrentStake(bytes32 operatorId, uint8 quorumNumber) external view returns (uint96) {
        StakeHistory storage h = _stakeHistory[operatorId][quorumNumber];
        return h.length == 0 ? 0 : h.entries[h.length - 1].stake;
    }

    /// @inheritdoc ICvmRegistry
    function getCurrentTotalStake(uint8 quorumNumber) external view returns (uint96) {
        StakeHistory storage h = _totalStakeHistory[quorumNumber];
        return h.length == 0 ? 0 : h.entries[h.length - 1].stake;
    }

    /// @inheritdoc ICvmRegistry
    function getCurrentApk(uint8 quorumNumber) external view returns (BN254.G1Point memory) {
        return _currentApk[quorumNumber];
    }

    /// @inheritdoc ICvmRegistry
    function getStakeHistoryLength(bytes32 operatorId, uint8 quorumNumber) external view returns (uint256) {
        return _stakeHistory[operatorId][quorumNumber].length;
    }

    /// @inheritdoc ICvmRegistry
    function getStakeUpdateAtIndex(bytes32 operatorId, uint8 quorumNumber, uint256 index)
        external
        view
        returns (StakeUpdate memory)
    {
        return _stakeHistory[operatorId][quorumNumber].entries[index];
    }

    /// @inheritdoc ICvmRegistry
    function getTotalStakeUpdateAtIndex(uint8 quorumNumber, uint256 index) external view returns (StakeUpdate memory) {
        return _totalStakeHistory[quorumNumber].entries[index];
    }

    /// @inheritdoc ICvmRegistry
    function getApkUpdateAtIndex(uint8 quorumNumber, uint256 index) external view returns (ApkUpdate memory) {
        return _apkHistory[quorumNumber][index];
    }

    /// @inheritdoc ICvmRegistry
    function getStakeUpdateIndexAtBlock(bytes32 operatorId, uint8 quorumNumber, uint32 blockNumber)
        public
        view
        returns (uint32)
    {
        return _findStakeIndex(_stakeHistory[operatorId][quorumNumber], blockNumber);
    }

    /// @inheritdoc ICvmRegistry
    function getTotalStakeIndexAtBlock(uint8 quorumNumber, uint32 blockNumber) public view returns (uint32) {
        return _findStakeIndex(_totalStakeHistory[quorumNumber], blockNumber);
    }

    /// @inheritdoc ICvmRegistry
    function getApkIndexAtBlock(uint8 quorumNumber, uint32 blockNumber) public view returns (uint32) {
        ApkUpdate[] storage h = _apkHistory[quorumNumber];
        for (uint256 i = h.length; i > 0; --i) {
            if (h[i - 1].updateBlockNumber <= blockNumber) return uint32(i - 1);
        }
        return 0;
    }

    /// @inheritdoc ICvmRegistry
    function getStakeAtBlockAndIndex(bytes32 operatorId, uint8 quorumNumber, uint32 blockNumber, uint32 index)
        public
        view
        returns (uint96 stake, bool active)
    {
        StakeUpdate memory u = _operatorStakeAt(_stakeHistory[operatorId][quorumNumber], blockNumber, index);
        return (u.stake, u.active);
    }

    /// @inheritdoc ICvmRegistry
    function quorumSnapshot(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint32 apkIndex,
        uint32 totalStakeIndex,
        bytes32[] calldata nonSignerIds,
        uint32[] calldata nonSignerStakeIndices
    ) external view returns (QuorumSnapshot memory snap) {
        snap.apkHash = _apkAt(quorumNumber, blockNumber, apkIndex);
        snap.totalStake = _checkedAt(_totalStakeHistory[quorumNumber], blockNumber, totalStakeIndex).stake;
        (snap.nonSignerStake, snap.nonSignerActiveBitmap) =
            _nonSignerStakes(quorumNumber, blockNumber, nonSignerIds, nonSignerStakeIndices);
    }

    /// @inheritdoc ICvmRegistry
    function getCheckSignaturesIndices(
        bytes calldata quorumNumbers,
        uint32 blockNumber,
        bytes32[] calldata nonSignerIds
    )
        external
        view
        returns (uint32[] memory apkIndices, uint32[] memory totalStakeIndices, uint32[][] memory nonSignerIndices)
    {
        apkIndices = new uint32[](quorumNumbers.length);
        totalStakeIndices = new uint32[](quorumNumbers.length);
        nonSignerIndices = new uint32[][](quorumNumbers.length);
        for (uint256 i; i < quorumNumbers.length; ++i) {
            uint8 q = uint8(quorumNumbers[i]);
            apkIndices[i] = getApkIndexAtBlock(q, blockNumber);
            totalStakeIndices[i] = getTotalStakeIndexAtBlock(q, blockNumber);
            nonSignerIndices[i] = new uint32[](nonSignerIds.length);
            for (uint256 j; j < nonSignerIds.length; ++j) {
                nonSignerIndices[i][j] = getStakeUpdateIndexAtBlock(nonSignerIds[j], q, blockNumber);
            }
        }
    }

    /// @inheritdoc ICvmRegistry
    function pubkeyRegistrationMessageHash(address operator) public view returns (BN254.G1Point memory) {
        return BN254.hashToG1(_hashTypedDataV4(keccak256(abi.encode(PUBKEY_REGISTRATION_TYPEHASH, operator))));
    }

    // ---------------------------------------------------------------- internals

    function _getOrRegisterPubkey(address operator, PubkeyRegistrationParams memory p)
        internal
        returns (bytes32 operatorId)
    {
        operatorId = _operatorToId[operator];
        if (operatorId != bytes32(0)) return operatorId;
        if (p.pubkeyG1.X == 0 && p.pubkeyG1.Y == 0) revert ZeroPubkey();
        operatorId = p.pubkeyG1.hashG1Point();
        if (_idToOperator[operatorId] != address(0)) revert PubkeyAlreadyRegistered(operatorId);
        // Randomised check: proves possession of sk and that the G1 and G2 keys agree, in one pairing.
        bool ok = BN254.verifyPossession(
            pubkeyRegistrationMessageHash(operator), p.pubkeyG1, p.pubkeyG2, p.pubkeyRegistrationSignature
        );
        if (!ok) revert InvalidProofOfPossession(operator);
        _operatorToId[operator] = operatorId;
        _idToOperator[operatorId] = operator;
        _pubkeyG1[operator] = p.pubkeyG1;
        emit NewPubkeyRegistration(operator, p.pubkeyG1, p.pubkeyG2);
    }

    function _joinQuorum(address operator, bytes32 operatorId, uint8 q) internal {
        StakeHistory storage h = _stakeHistory[operatorId][q];
        if (h.length != 0 && h.entries[h.length - 1].active) revert OperatorAlreadyInQuorum(operator, q);
        QuorumConfig memory cfg = _quorumConfig[q];
        uint32 count = _operatorCount[q] + 1;
        if (count > cfg.maxOperatorCount) revert MaxOperatorCountReached(q, cfg.maxOperatorCount);
        _operatorCount[q] = count;
        uint96 stake = weightOfOperator(operator, q);
        if (stake < cfg.minimumStake) revert InsufficientStake(operator, q, stake, cfg.minimumStake);
        _pushStake(h, stake, true);
        _addToTotal(q, int256(uint256(stake)));
        _pushApk(q, _currentApk[q].plus(_pubkeyG1[operator]));
        emit OperatorAddedToQuorum(operator, operatorId, q);
        emit OperatorStakeUpdate(operatorId, q, stake);
    }

    function _quorumFromSetId(uint32 operatorSetId) internal view returns (uint8 q) {
        if (operatorSetId >= quorumCount) revert QuorumDoesNotExist(uint8(operatorSetId % 256));
        q = uint8(operatorSetId);
    }

    function _checkQuorum(uint8 q) internal view {
        if (q >= quorumCount) revert QuorumDoesNotExist(q);
    }

    function _addToTotal(uint8 q, int256 delta) internal {
        StakeHistory storage h = _totalStakeHistory[q];
        uint256 current = h.entries[h.length - 1].stake;
        _pushStake(h, SafeCast.toUint96(uint256(int256(current) + delta)), true);
    }

    function _pushStake(StakeHistory storage h, uint96 stake, bool active) internal {
        uint256 n = h.length;
        uint32 bn = uint32(block.number);
        if (n != 0) {
            StakeUpdate storage last = h.entries[n - 1];
            if (last.updateBlockNumber == bn) {
                last.stake = stake;
                last.active = active;
                return;
            }
            last.nextUpdateBlockNumber = bn;
        }
        h.entries[n] = StakeUpdate({updateBlockNumber: bn, nextUpdateBlockNumber: 0, stake: stake, active: active});
        h.length = n + 1;
    }

    function _pushApk(uint8 q, BN254.G1Point memory apk) internal {
        _currentApk[q] = apk;
        ApkUpdate[] storage h = _apkHistory[q];
        bytes24 apkHash = bytes24(apk.hashG1Point());
        uint256 n = h.length;
        uint32 bn = uint32(block.number);
        if (n != 0) {
            ApkUpdate storage last = h[n - 1];
            if (last.updateBlockNumber == bn) {
                last.apkHash = apkHash;
                return;
            }
            last.nextUpdateBlockNumber = bn;
        }
        h.push(ApkUpdate({apkHash: apkHash, updateBlockNumber: bn, nextUpdateBlockNumber: 0}));
    }

    function _apkAt(uint8 q, uint32 blockNumber, uint32 index) internal view returns (bytes24) {
        ApkUpdate[] storage h = _apkHistory[q];
        if (index >= h.length) revert CheckpointIndexMismatch(blockNumber, index);
        ApkUpdate memory a = h[index];
        if (
            a.updateBlockNumber > blockNumber
                || (a.nextUpdateBlockNumber != 0 && a.nextUpdateBlockNumber <= blockNumber)
        ) {
            revert CheckpointIndexMismatch(blockNumber, index);
        }
        return a.apkHash;
    }

    function _nonSignerStakes(uint8 q, uint32 blockNumber, bytes32[] calldata ids, uint32[] calldata indices)
        internal
        view
        returns (uint96 stake, uint256 bitmap)
    {
        for (uint256 j; j < ids.length; ++j) {
            StakeUpdate memory u = _operatorStakeAt(_stakeHistory[ids[j]][q], blockNumber, indices[j]);
            if (u.active) {
                bitmap |= 1 << j;
                stake += u.stake;
            }
        }
    }

    function _checkedAt(StakeHistory storage h, uint32 blockNumber, uint32 index)
        internal
        view
        returns (StakeUpdate memory u)
    {
        if (index >= h.length) revert CheckpointIndexMismatch(blockNumber, index);
        u = h.entries[index];
        if (
            u.updateBlockNumber > blockNumber
                || (u.nextUpdateBlockNumber != 0 && u.nextUpdateBlockNumber <= blockNumber)
        ) {
            revert CheckpointIndexMismatch(blockNumber, index);
        }
    }

    /// @dev Like `_checkedAt`, but an operator with no checkpoint at or before `blockNumber` (index 0) was simply
    ///      not a member then: returns an inactive zero update.
    function _operatorStakeAt(StakeHistory storage h, uint32 blockNumber, uint32 index)
        internal
        view
        returns (StakeUpdate memory u)
    {
        u = h.entries[index];
        if (index == 0 && (u.updateBlockNumber == 0 || u.updateBlockNumber > blockNumber)) {
            return StakeUpdate(0, 0, 0, false);
        }
        if (
            u.updateBlockNumber == 0 || u.updateBlockNumber > blockNumber
                || (u.nextUpdateBlockNumber != 0 && u.nextUpdateBlockNumber <= blockNumber)
        ) {
            revert CheckpointIndexMismatch(blockNumber, index);
        }
    }

    function _findStakeIndex(StakeHistory storage h, uint32 blockNumber) internal view returns (uint32) {
        for (uint256 i = h.length; i > 0; --i) {
            if (h.entries[i - 1].updateBlockNumber <= blockNumber) return uint32(i - 1);
        }
        return 0;
    }
}
