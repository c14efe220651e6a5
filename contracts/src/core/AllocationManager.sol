// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAVSRegistrar} from "../interfaces/core/IAVSRegistrar.sol";
import {IAllocationManager} from "../interfaces/core/IAllocationManager.sol";
import {IDelegationManager} from "../interfaces/core/IDelegationManager.sol";
import {IPermissionController} from "../interfaces/core/IPermissionController.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {OperatorSet, OperatorSetLib} from "../libraries/OperatorSetLib.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @title AllocationManager — devnet stand-in for EigenLayer's AllocationManager (v1.9+ slashing rules).
/// @notice Operator sets, magnitude allocations with delays, and slashing. Like EigenLayer since v1.9 only the
///         set's slasher (`getSlasher`, named at creation, changed by `updateSlasher` after a delay) may slash.
///         Simplifications against EigenLayer:
///         matured deallocations are cleared automatically before an allocation increase of the same operator and
///         strategy (there is no public `clearDeallocationQueue`), and magnitude history is not checkpointed (only
///         the latest values are kept).
contract AllocationManager is Initializable, IAllocationManager {
    using EnumerableSet for EnumerableSet.AddressSet;
    using OperatorSetLib for OperatorSet;

    uint64 internal constant WAD = 1e18;

    struct RegistrationStatus {
        bool registered;
        uint32 slashableUntil;
    }

    struct SlasherParams {
        address slasher;
        address pendingSlasher;
        uint32 effectBlock;
    }

    struct AllocationDelayInfo {
        uint32 delay;
        bool isSet;
        uint32 pendingDelay;
        uint32 effectBlock;
    }

    IDelegationManager public immutable delegation;
    IPermissionController public immutable permissionController;
    /// @inheritdoc IAllocationManager
    uint32 public immutable DEALLOCATION_DELAY;
    /// @inheritdoc IAllocationManager
    uint32 public immutable ALLOCATION_CONFIGURATION_DELAY;

    mapping(address avs => bool) internal _avsRegisteredMetadata;
    mapping(address avs => IAVSRegistrar) internal _avsRegistrar;
    mapping(bytes32 setKey => bool) internal _operatorSetExists;
    mapping(bytes32 setKey => EnumerableSet.AddressSet) internal _setStrategies;
    mapping(bytes32 setKey => EnumerableSet.AddressSet) internal _setMembers;
    mapping(address operator => mapping(bytes32 setKey => RegistrationStatus)) internal _registration;
    mapping(address operator => mapping(bytes32 setKey => mapping(IStrategy => Allocation))) internal _allocations;
    mapping(address operator => mapping(IStrategy => uint64)) internal _magnitudeLost;
    mapping(address operator => mapping(IStrategy => uint64)) internal _encumbered;
    mapping(address operator => AllocationDelayInfo) internal _allocationDelay;
    /// @dev Sets with a pending (delayed) deallocation, per operator and strategy; cleared before increases.
    mapping(address operator => mapping(IStrategy => bytes32[])) internal _deallocationQueue;
    mapping(bytes32 setKey => SlasherParams) internal _slashers;
    mapping(bytes32 setKey => uint256) internal _slashIds;

    constructor(
        IDelegationManager delegation_,
        IPermissionController permissionController_,
        uint32 deallocationDelay,
        uint32 allocationConfigurationDelay
    ) {
        delegation = delegation_;
        permissionController = permissionController_;
        DEALLOCATION_DELAY = deallocationDelay;
        ALLOCATION_CONFIGURATION_DELAY = allocationConfigurationDelay;
        _disableInitializers();
    }

    function initialize() external initializer {}

    /// @inheritdoc IAllocationManager
    function SLASHER_CONFIGURATION_DELAY() external view returns (uint32) {
        return ALLOCATION_CONFIGURATION_DELAY;
    }

    /// @inheritdoc IAllocationManager
    function slashOperator(address avs, SlashingParams calldata params)
        external
        returns (uint256 slashId, uint256[] memory shares)
    {
        OperatorSet memory os = OperatorSet(avs, params.operatorSetId);
        bytes32 k = os.key();
        if (params.strategies.length != params.wadsToSlash.length) revert InputArrayLengthMismatch();
        if (!_operatorSetExists[k]) revert InvalidOperatorSet();
        if (!isOperatorSlashable(params.operator, os)) revert OperatorNotSlashable();
        // v1.9+: the set's slasher only; the AVS and its PermissionController appointees no longer count.
        if (msg.sender != getSlasher(os)) revert InvalidCaller();
        slashId = ++_slashIds[k];
        shares = new uint256[](params.strategies.length);
        uint256[] memory wadSlashed = new uint256[](params.strategies.length);
        for (uint256 i; i < params.strategies.length; ++i) {
            IStrategy s = params.strategies[i];
            if (i != 0 && address(s) <= address(params.strategies[i - 1])) revert StrategiesMustBeInAscendingOrder();
            uint256 wad = params.wadsToSlash[i];
            if (wad == 0 || wad > WAD) revert InvalidWadToSlash();
            if (!_setStrategies[k].contains(address(s))) revert StrategyNotInOperatorSet();
            (wadSlashed[i], shares[i]) = _slashStrategy(params.operator, os, k, s, wad, slashId);
        }
        emit OperatorSlashed(params.operator, os, params.strategies, wadSlashed, params.description);
    }

    /// @inheritdoc IAllocationManager
    function modifyAllocations(address operator, AllocateParams[] calldata params) external {
        _checkCanCall(operator);
        (bool isSet, uint32 delay) = getAllocationDelay(operator);
        if (!isSet) revert UninitializedAllocationDelay();
        for (uint256 i; i < params.length; ++i) {
            AllocateParams calldata p = params[i];
            bytes32 k = p.operatorSet.key();
            if (!_operatorSetExists[k]) revert InvalidOperatorSet();
            if (p.strategies.length != p.newMagnitudes.length) revert InputArrayLengthMismatch();
            bool slashable = isOperatorSlashable(operator, p.operatorSet);
            for (uint256 j; j < p.strategies.length; ++j) {
                if (!_setStrategies[k].contains(address(p.strategies[j]))) revert StrategyNotInOperatorSet();
                _modifyAllocation(operator, p.operatorSet, k, p.strategies[j], p.newMagnitudes[j], delay, slashable);
            }
        }
    }

    /// @inheritdoc IAllocationManager
    function registerForOperatorSets(address operator, RegisterParams calldata params) external {
        _checkCanCall(operator);
        if (!delegation.isOperator(operator)) revert InvalidOperator();
        for (uint256 i; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory os = OperatorSet(params.avs, params.operatorSetIds[i]);
            bytes32 k = os.key();
            if (!_operatorSetExists[k]) revert InvalidOperatorSet();
            if (!_setMembers[k].add(operator)) revert AlreadyMemberOfSet();
            _registration[operator][k] = RegistrationStatus({registered: true, slashableUntil: 0});
            emit OperatorAddedToOperatorSet(operator, os);
        }
        // Interaction last: the registrar may refuse (revert) the whole registration.
        getAVSRegistrar(params.avs).registerOperator(operator, params.avs, params.operatorSetIds, params.data);
    }

    /// @inheritdoc IAllocationManager
    function deregisterFromOperatorSets(DeregisterParams calldata params) external {
        if (!_canCall(params.operator) && !_canCall(params.avs)) revert InvalidCaller();
        for (uint256 i; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory os = OperatorSet(params.avs, params.operatorSetIds[i]);
            bytes32 k = os.key();
            if (!_operatorSetExists[k]) revert InvalidOperatorSet();
            if (!_setMembers[k].remove(params.operator)) revert NotMemberOfSet();
            _registration[params.operator][k] =
                RegistrationStatus({registered: false, slashableUntil: uint32(block.number) + DEALLOCATION_DELAY});
            emit OperatorRemovedFromOperatorSet(params.operator, os);
        }
        getAVSRegistrar(params.avs).deregisterOperator(params.operator, params.avs, params.operatorSetIds);
    }

    /// @inheritdoc IAllocationManager
    function setAllocationDelay(address operator, uint32 delay) external {
        bool newlyRegistered = msg.sender == address(delegation);
        if (!newlyRegistered) {
            _checkCanCall(operator);
            if (!delegation.isOperator(operator)) revert InvalidOperator();
        }
        AllocationDelayInfo storage info = _allocationDelay[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) {
            info.delay = info.pendingDelay;
            info.isSet = true;
        }
        info.pendingDelay = delay;
        if (newlyRegistered) {
            // A newly registered operator's delay applies at once (EigenLayer since v1.9).
            info.delay = delay;
            info.isSet = true;
            info.effectBlock = uint32(block.number);
        } else {
            info.effectBlock = uint32(block.number) + ALLOCATION_CONFIGURATION_DELAY + 1;
        }
        emit AllocationDelaySet(operator, delay, info.effectBlock);
    }

    /// @inheritdoc IAllocationManager
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external {
        _checkCanCall(avs);
        if (!registrar.supportsAVS(avs)) revert InvalidAVSRegistrar();
        _avsRegistrar[avs] = registrar;
        emit AVSRegistrarSet(avs, registrar);
    }

    /// @inheritdoc IAllocationManager
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external {
        _checkCanCall(avs);
        _avsRegisteredMetadata[avs] = true;
        emit AVSMetadataURIUpdated(avs, metadataURI);
    }

    /// @inheritdoc IAllocationManager
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external {
        _checkCanCall(avs);
        if (!_avsRegisteredMetadata[avs]) revert NonexistentAVSMetadata();
        for (uint256 i; i < params.length; ++i) {
            _createSet(avs, params[i].operatorSetId, params[i].strategies, avs);
        }
    }

    /// @inheritdoc IAllocationManager
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external {
        _checkCanCall(avs);
        if (!_avsRegisteredMetadata[avs]) revert NonexistentAVSMetadata();
        for (uint256 i; i < params.length; ++i) {
            _createSet(avs, params[i].operatorSetId, params[i].strategies, params[i].slasher);
        }
    }

    /// @inheritdoc IAllocationManager
    function updateSlasher(OperatorSet memory operatorSet, address slasher) external {
        _checkCanCall(operatorSet.avs);
        if (!_operatorSetExists[operatorSet.key()]) revert InvalidOperatorSet();
        if (getSlasher(operatorSet) == address(0)) revert SlasherNotSet();
        _updateSlasher(operatorSet, slasher, false);
    }

    /// @inheritdoc IAllocationManager
    function getSlasher(OperatorSet memory operatorSet) public view returns (address) {
        SlasherParams memory p = _slashers[operatorSet.key()];
        if (p.effectBlock != 0 && block.number >= p.effectBlock) return p.pendingSlasher;
        return p.slasher;
    }

    /// @inheritdoc IAllocationManager
    function getPendingSlasher(OperatorSet memory operatorSet)
        external
        view
        returns (address pendingSlasher, uint32 effectBlock)
    {
        SlasherParams memory p = _slashers[operatorSet.key()];
        if (p.effectBlock == 0 || block.number >= p.effectBlock) return (address(0), 0);
        return (p.pendingSlasher, p.effectBlock);
    }

    /// @inheritdoc IAllocationManager
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _slashIds[operatorSet.key()];
    }

    /// @inheritdoc IAllocationManager
    function addStrategiesToOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies) external {
        _checkCanCall(avs);
        OperatorSet memory os = OperatorSet(avs, operatorSetId);
        bytes32 k = os.key();
        if (!_operatorSetExists[k]) revert InvalidOperatorSet();
        _addStrategies(os, k, strategies);
    }

    /// @inheritdoc IAllocationManager
    function getAVSRegistrar(address avs) public view returns (IAVSRegistrar) {
        IAVSRegistrar r = _avsRegistrar[avs];
        return address(r) == address(0) ? IAVSRegistrar(avs) : r;
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSet(OperatorSet memory operatorSet) external view returns (bool) {
        return _operatorSetExists[operatorSet.key()];
    }

    /// @inheritdoc IAllocationManager
    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory) {
        return _setMembers[operatorSet.key()].values();
    }

    /// @inheritdoc IAllocationManager
    function getMemberCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _setMembers[operatorSet.key()].length();
    }

    /// @inheritdoc IAllocationManager
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool) {
        return _setMembers[operatorSet.key()].contains(operator);
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) public view returns (bool) {
        RegistrationStatus memory r = _registration[operator][operatorSet.key()];
        return r.registered || block.number <= r.slashableUntil;
    }

    /// @inheritdoc IAllocationManager
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet) external view returns (IStrategy[] memory out) {
        address[] memory values = _setStrategies[operatorSet.key()].values();
        out = new IStrategy[](values.length);
        for (uint256 i; i < values.length; ++i) {
            out[i] = IStrategy(values[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function getAllocation(address operator, OperatorSet memory operatorSet, IStrategy strategy)
        public
        view
        returns (Allocation memory)
    {
        return _matured(_allocations[operator][operatorSet.key()][strategy]);
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitude(address operator, IStrategy strategy) public view returns (uint64) {
        return WAD - _magnitudeLost[operator][strategy];
    }

    /// @inheritdoc IAllocationManager
    function getEncumberedMagnitude(address operator, IStrategy strategy) external view returns (uint64) {
        return _encumbered[operator][strategy];
    }

    /// @inheritdoc IAllocationManager
    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64) {
        return getMaxMagnitude(operator, strategy) - _encumbered[operator][strategy];
    }

    /// @inheritdoc IAllocationManager
    function getAllocationDelay(address operator) public view returns (bool isSet, uint32 delay) {
        AllocationDelayInfo memory info = _allocationDelay[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) return (true, info.pendingDelay);
        return (info.isSet, info.delay);
    }

    /// @inheritdoc IAllocationManager
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake) {
        slashableStake = new uint256[][](operators.length);
        uint256[][] memory delegated = delegation.getOperatorsShares(operators, strategies);
        for (uint256 i; i < operators.length; ++i) {
            slashableStake[i] = new uint256[](strategies.length);
            if (!isOperatorSlashable(operators[i], operatorSet)) continue;
            for (uint256 j; j < strategies.length; ++j) {
                uint64 maxMagnitude = getMaxMagnitude(operators[i], strategies[j]);
                if (maxMagnitude == 0) continue;
                Allocation memory a = getAllocation(operators[i], operatorSet, strategies[j]);
                // Only pending decreases count towards the minimum; pending increases do not.
                if (a.pendingDiff < 0 && a.effectBlock <= futureBlock) {
                    a.currentMagnitude = uint64(uint128(int128(uint128(a.currentMagnitude)) + a.pendingDiff));
                }
                slashableStake[i][j] = Math.mulDiv(delegated[i][j], a.currentMagnitude, maxMagnitude);
            }
        }
    }

    function _slashStrategy(
        address operator,
        OperatorSet memory os,
        bytes32 k,
        IStrategy s,
        uint256 wad,
        uint256 slashId
    ) internal returns (uint256 wadSlashed, uint256 shares) {
        Allocation memory a = _applyPending(operator, k, s);
        if (a.currentMagnitude == 0) return (0, 0);
        uint64 slashed = SafeCast.toUint64(Math.mulDiv(a.currentMagnitude, wad, WAD, Math.Rounding.Ceil));
        uint64 prevMax = getMaxMagnitude(operator, s);
        a.currentMagnitude -= slashed;
        if (a.pendingDiff < 0) {
            uint256 slashedPending = Math.mulDiv(uint256(uint128(-a.pendingDiff)), wad, WAD, Math.Rounding.Ceil);
            a.pendingDiff += SafeCast.toInt128(SafeCast.toInt256(slashedPending));
        }
        _allocations[operator][k][s] = a;
        _magnitudeLost[operator][s] += slashed;
        uint64 newMax = prevMax - slashed;
        uint64 encumbered = _encumbered[operator][s] - slashed;
        _encumbered[operator][s] = encumbered;
        emit AllocationUpdated(operator, os, s, a.currentMagnitude, uint32(block.number));
        emit EncumberedMagnitudeUpdated(operator, s, encumbered);
        emit MaxMagnitudeUpdated(operator, s, newMax);
        wadSlashed = Math.mulDiv(slashed, WAD, prevMax);
        shares = delegation.slashOperatorShares(operator, os, slashId, s, prevMax, newMax);
    }

    function _createSet(address avs, uint32 id, IStrategy[] calldata strategies, address slasher) internal {
        OperatorSet memory os = OperatorSet(avs, id);
        bytes32 k = os.key();
        if (_operatorSetExists[k]) revert InvalidOperatorSet();
        _operatorSetExists[k] = true;
        emit OperatorSetCreated(os);
        _addStrategies(os, k, strategies);
        _updateSlasher(os, slasher, true);
    }

    /// @dev `instant`: at creation; otherwise after SLASHER_CONFIGURATION_DELAY + 1 blocks. Re-proposing the pending
    ///      slasher before it takes effect is a no-op (the countdown is not restarted).
    function _updateSlasher(OperatorSet memory os, address slasher, bool instant) internal {
        if (slasher == address(0)) revert InputAddressZero();
        bytes32 k = os.key();
        SlasherParams memory p = _slashers[k];
        if (p.effectBlock != 0 && block.number >= p.effectBlock) p.slasher = p.pendingSlasher;
        if (slasher == p.pendingSlasher && block.number < p.effectBlock) return;
        p.pendingSlasher = slasher;
        if (instant) {
            p.slasher = slasher;
            p.effectBlock = uint32(block.number);
        } else {
            p.effectBlock = uint32(block.number) + ALLOCATION_CONFIGURATION_DELAY + 1;
        }
        _slashers[k] = p;
        emit SlasherUpdated(os, slasher, p.effectBlock);
    }

    function _modifyAllocation(
        address operator,
        OperatorSet calldata os,
        bytes32 k,
        IStrategy s,
        uint64 newMagnitude,
        uint32 delay,
        bool slashable
    ) internal {
        Allocation memory a = _applyPending(operator, k, s);
        if (a.pendingDiff != 0) revert ModificationAlreadyPending();
        if (newMagnitude == a.currentMagnitude) revert SameMagnitude();
        if (newMagnitude > a.currentMagnitude) _clearDeallocationQueue(operator, s);
        uint64 encumbered = _encumbered[operator][s];
        if (newMagnitude > a.currentMagnitude) {
            uint64 diff = newMagnitude - a.currentMagnitude;
            if (encumbered + diff > getMaxMagnitude(operator, s)) revert InsufficientMagnitude();
            encumbered += diff;
            a.pendingDiff = int128(uint128(diff));
            a.effectBlock = uint32(block.number) + delay;
        } else {
            uint64 diff = a.currentMagnitude - newMagnitude;
            if (slashable) {
                // Stays slashable (and encumbered) until the deallocation delay has passed.
                a.pendingDiff = -int128(uint128(diff));
                a.effectBlock = uint32(block.number) + DEALLOCATION_DELAY + 1;
                _deallocationQueue[operator][s].push(k);
            } else {
                a.currentMagnitude = newMagnitude;
                a.effectBlock = uint32(block.number);
                encumbered -= diff;
            }
        }
        _allocations[operator][k][s] = a;
        _encumbered[operator][s] = encumbered;
        emit AllocationUpdated(operator, os, s, newMagnitude, a.effectBlock);
        emit EncumberedMagnitudeUpdated(operator, s, encumbered);
    }

    /// @dev Applies every matured deallocation of (operator, strategy), freeing its encumbered magnitude.
    function _clearDeallocationQueue(address operator, IStrategy s) internal {
        bytes32[] storage q = _deallocationQueue[operator][s];
        uint256 i;
        while (i < q.length) {
            Allocation memory a = _applyPending(operator, q[i], s);
            if (a.pendingDiff < 0) {
                ++i;
                continue;
            }
            q[i] = q[q.length - 1];
            q.pop();
        }
    }

    /// @dev Applies a matured pending change to storage; a matured decrease frees its encumbered magnitude.
    function _applyPending(address operator, bytes32 k, IStrategy s) internal returns (Allocation memory a) {
        a = _allocations[operator][k][s];
        if (a.pendingDiff != 0 && block.number >= a.effectBlock) {
            if (a.pendingDiff < 0) _encumbered[operator][s] -= uint64(uint128(-a.pendingDiff));
            a = _matured(a);
            _allocations[operator][k][s] = a;
        }
    }

    function _matured(Allocation memory a) internal view returns (Allocation memory) {
        if (a.pendingDiff != 0 && block.number >= a.effectBlock) {
            a.currentMagnitude = uint64(uint128(int128(uint128(a.currentMagnitude)) + a.pendingDiff));
            a.pendingDiff = 0;
        }
        return a;
    }

    function _addStrategies(OperatorSet memory os, bytes32 k, IStrategy[] calldata strategies) internal {
        for (uint256 i; i < strategies.length; ++i) {
            if (!_setStrategies[k].add(address(strategies[i]))) revert StrategyAlreadyInOperatorSet();
            emit StrategyAddedToOperatorSet(os, strategies[i]);
        }
    }

    function _canCall(address account) internal view returns (bool) {
        return msg.sender == account || permissionController.canCall(account, msg.sender, address(this), msg.sig);
    }

    function _checkCanCall(address account) internal view {
        if (!_canCall(account)) revert InvalidCaller();
    }
}
