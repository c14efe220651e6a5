// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {IAllocationManager, IAllocationManagerTypes} from "../interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {OperatorSet} from "../libraries/OperatorSetLib.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title CvmSlasher — the slasher of the CVM AVS's operator sets (see ICvmSlasher).
contract CvmSlasher is Initializable, OwnableUpgradeable, ICvmSlasher {
    /// @inheritdoc ICvmSlasher
    IAllocationManager public immutable allocationManager;
    /// @inheritdoc ICvmSlasher
    ICvmServiceManager public immutable serviceManager;

    /// @inheritdoc ICvmSlasher
    mapping(address account => bool) public isAllowed;

    uint256[49] private __gap;

    constructor(IAllocationManager allocationManager_, ICvmServiceManager serviceManager_) {
        allocationManager = allocationManager_;
        serviceManager = serviceManager_;
        _disableInitializers();
    }

    /// @notice Sets the owner and the first allowed AVS contracts (the task manager).
    function initialize(address initialOwner, address[] calldata allowed) external initializer {
        __Ownable_init(initialOwner);
        for (uint256 i; i < allowed.length; ++i) {
            _setAllowed(allowed[i], true);
        }
    }

    modifier onlyAllowed() {
        if (!isAllowed[msg.sender]) revert NotAllowedToSlash(msg.sender);
        _;
    }

    /// @inheritdoc ICvmSlasher
    function setAllowed(address account, bool allowed) external onlyOwner {
        _setAllowed(account, allowed);
    }

    /// @inheritdoc ICvmSlasher
    function slashOperator(address operator, uint32 operatorSetId, uint256 wadToSlash, string calldata description)
        external
        onlyAllowed
        returns (uint256 slashId, uint256[] memory shares)
    {
        OperatorSet memory os = OperatorSet(address(serviceManager), operatorSetId);
        if (!allocationManager.isOperatorSlashable(operator, os)) return (0, shares);
        IStrategy[] memory strategies = _sorted(allocationManager.getStrategiesInOperatorSet(os));
        uint256[] memory wads = new uint256[](strategies.length);
        for (uint256 i; i < wads.length; ++i) {
            wads[i] = wadToSlash;
        }
        (slashId, shares) = allocationManager.slashOperator(
            address(serviceManager),
            IAllocationManagerTypes.SlashingParams({
                operator: operator,
                operatorSetId: operatorSetId,
                strategies: strategies,
                wadsToSlash: wads,
                description: description
            })
        );
        emit SlashRouted(msg.sender, operator, operatorSetId, slashId);
    }

    /// @inheritdoc ICvmSlasher
    function ejectOperator(address operator) external onlyAllowed {
        emit EjectionRouted(msg.sender, operator);
        serviceManager.ejectOperator(operator);
    }

    function _setAllowed(address account, bool allowed) internal {
        if (account == address(0)) revert ZeroAddress();
        isAllowed[account] = allowed;
        emit SlashingContractSet(account, allowed);
    }

    /// @dev Insertion sort by address (operator sets hold a handful of strategies); EigenLayer wants them ascending.
    function _sorted(IStrategy[] memory s) internal pure returns (IStrategy[] memory) {
        for (uint256 i = 1; i < s.length; ++i) {
            IStrategy v = s[i];
            uint256 j = i;
            while (j > 0 && address(s[j - 1]) > address(v)) {
                s[j] = s[j - 1];
                --j;
            }
            s[j] = v;
        }
        return s;
    }
}
