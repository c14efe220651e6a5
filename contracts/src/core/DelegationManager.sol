// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAllocationManager} from "../interfaces/core/IAllocationManager.sol";
import {IDelegationManager} from "../interfaces/core/IDelegationManager.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../interfaces/core/IStrategyManager.sol";
import {OperatorSet} from "../libraries/OperatorSetLib.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title DelegationManager — devnet stand-in for EigenLayer's DelegationManager.
/// @notice Operators register and are delegated to themselves; stakers delegate their deposit shares, which are
///         added to `operatorShares`. A slash scales an operator's shares by newMaxMagnitude / prevMaxMagnitude and
///         hands the difference to the StrategyManager as burn-or-redistributable shares of that slash, so
///         Σ operatorShares + Σ undelegated deposits + pending slashed shares = strategy total shares.
///         Undelegation and withdrawals are not part of the stand-in.
contract DelegationManager is Initializable, IDelegationManager {
    bytes32 public constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)");
    bytes32 public constant DELEGATION_APPROVAL_TYPEHASH = keccak256(
        "DelegationApproval(address delegationApprover,address staker,address operator,bytes32 salt,uint256 expiry)"
    );

    IStrategyManager public immutable strategyManager;
    IAllocationManager public immutable allocationManager;

    mapping(address operator => mapping(IStrategy strategy => uint256)) public operatorShares;
    mapping(address staker => address operator) public delegatedTo;
    mapping(address operator => address approver) internal _delegationApprover;
    mapping(address approver => mapping(bytes32 salt => bool)) public delegationApproverSaltIsSpent;

    constructor(IStrategyManager strategyManager_, IAllocationManager allocationManager_) {
        strategyManager = strategyManager_;
        allocationManager = allocationManager_;
        _disableInitializers();
    }

    function initialize() external initializer {}

    /// @inheritdoc IDelegationManager
    function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string calldata metadataURI)
        external
    {
        if (delegatedTo[msg.sender] != address(0)) revert ActivelyDelegated();
        _delegationApprover[msg.sender] = initDelegationApprover;
        emit OperatorRegistered(msg.sender, initDelegationApprover);
        allocationManager.setAllocationDelay(msg.sender, allocationDelay);
        emit OperatorMetadataURIUpdated(msg.sender, metadataURI);
        _delegate(msg.sender, msg.sender);
    }

    /// @inheritdoc IDelegationManager
    function updateOperatorMetadataURI(address operator, string calldata metadataURI) external {
        if (!isOperator(operator)) revert OperatorNotRegistered();
        if (msg.sender != operator) revert InvalidPermissions();
        emit OperatorMetadataURIUpdated(operator, metadataURI);
    }

    /// @inheritdoc IDelegationManager
    function delegateTo(address operator, SignatureWithExpiry memory approverSignatureAndExpiry, bytes32 approverSalt)
        external
    {
        if (delegatedTo[msg.sender] != address(0)) revert ActivelyDelegated();
        if (!isOperator(operator)) revert OperatorNotRegistered();
        address approver = _delegationApprover[operator];
        if (approver != address(0) && msg.sender != approver) {
            // forge-lint: disable-next-line(block-timestamp)
            if (approverSignatureAndExpiry.expiry < block.timestamp) revert SignatureExpired();
            if (delegationApproverSaltIsSpent[approver][approverSalt]) revert SaltSpent();
            bytes32 digest = calculateDelegationApprovalDigestHash(
                msg.sender, operator, approver, approverSalt, approverSignatureAndExpiry.expiry
            );
            if (!SignatureChecker.isValidSignatureNow(approver, digest, approverSignatureAndExpiry.signature)) {
                revert InvalidSignature();
            }
            delegationApproverSaltIsSpent[approver][approverSalt] = true;
        }
        _delegate(msg.sender, operator);
    }

    /// @inheritdoc IDelegationManager
    function increaseDelegatedShares(address staker, IStrategy strategy, uint256, uint256 addedShares) external {
        if (msg.sender != address(strategyManager)) revert OnlyStrategyManagerOrEigenPodManager();
        address operator = delegatedTo[staker];
        if (operator == address(0)) return;
        _increaseOperatorShares(operator, staker, strategy, addedShares);
    }

    /// @inheritdoc IDelegationManager
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external returns (uint256 totalDepositSharesToSlash) {
        if (msg.sender != address(allocationManager)) revert OnlyAllocationManager();
        uint256 current = operatorShares[operator][strategy];
        // Rounds the remaining shares down, i.e. the slashed amount up (never under-slashes).
        uint256 remaining = current * newMaxMagnitude / prevMaxMagnitude;
        totalDepositSharesToSlash = current - remaining;
        operatorShares[operator][strategy] = remaining;
        emit OperatorSharesDecreased(operator, address(0), strategy, totalDepositSharesToSlash);
        emit OperatorSharesSlashed(operator, strategy, totalDepositSharesToSlash);
        // Interaction last; like EigenLayer, also for 0 shares (the slash still gets its entry).
        strategyManager.increaseBurnOrRedistributableShares(operatorSet, slashId, strategy, totalDepositSharesToSlash);
    }

    /// @inheritdoc IDelegationManager
    function isOperator(address operator) public view returns (bool) {
        return operator != address(0) && delegatedTo[operator] == operator;
    }

    /// @inheritdoc IDelegationManager
    function isDelegated(address staker) external view returns (bool) {
        return delegatedTo[staker] != address(0);
    }

    /// @inheritdoc IDelegationManager
    function delegationApprover(address operator) external view returns (address) {
        return _delegationApprover[operator];
    }

    /// @inheritdoc IDelegationManager
    function getOperatorShares(address operator, IStrategy[] memory strategies)
        public
        view
        returns (uint256[] memory shares)
    {
        shares = new uint256[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) {
            shares[i] = operatorShares[operator][strategies[i]];
        }
    }

    /// @inheritdoc IDelegationManager
    function getOperatorsShares(address[] memory operators, IStrategy[] memory strategies)
        external
        view
        returns (uint256[][] memory shares)
    {
        shares = new uint256[][](operators.length);
        for (uint256 i; i < operators.length; ++i) {
            shares[i] = getOperatorShares(operators[i], strategies);
        }
    }

    /// @inheritdoc IDelegationManager
    function calculateDelegationApprovalDigestHash(
        address staker,
        address operator,
        address approver,
        bytes32 approverSalt,
        uint256 expiry
    ) public view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(DELEGATION_APPROVAL_TYPEHASH, approver, staker, operator, approverSalt, expiry)
        );
        bytes32 domain = keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("EigenLayer"), block.chainid, address(this)));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _delegate(address staker, address operator) internal {
        delegatedTo[staker] = operator;
        emit StakerDelegated(staker, operator);
        (IStrategy[] memory strategies, uint256[] memory shares) = strategyManager.getDeposits(staker);
        for (uint256 i; i < strategies.length; ++i) {
            _increaseOperatorShares(operator, staker, strategies[i], shares[i]);
        }
    }

    function _increaseOperatorShares(address operator, address staker, IStrategy strategy, uint256 shares) internal {
        // An operator whose magnitude was slashed to zero cannot take new stake (EigenLayer: FullySlashed).
        if (allocationManager.getMaxMagnitude(operator, strategy) == 0) revert FullySlashed();
        operatorShares[operator][strategy] += shares;
        emit OperatorSharesIncreased(operator, staker, strategy, shares);
    }
}
