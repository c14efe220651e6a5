// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAggregatorV3} from "../interfaces/oracle/IAggregatorV3.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title DevnetPriceFeed — an owner-set price behind Chainlink's AggregatorV3 read interface (devnet only).
/// @notice Each `setAnswer` starts a new round stamped with the block timestamp; only the latest round is kept.
contract DevnetPriceFeed is IAggregatorV3, Ownable {
    /// @dev Only the latest round is stored.
    error RoundNotAvailable(uint80 roundId);

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    uint8 public immutable decimals;
    string public description;
    uint80 internal _roundId;
    int256 internal _answer;
    uint256 internal _updatedAt;

    constructor(address owner_, uint8 decimals_, string memory description_, int256 answer_) Ownable(owner_) {
        decimals = decimals_;
        description = description_;
        _setAnswer(answer_);
    }

    /// @notice Owner: publishes a new answer (a new round).
    function setAnswer(int256 answer) external onlyOwner {
        _setAnswer(answer);
    }

    /// @inheritdoc IAggregatorV3
    function version() external pure returns (uint256) {
        return 4;
    }

    /// @inheritdoc IAggregatorV3
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId != _roundId) revert RoundNotAvailable(roundId);
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }

    function _setAnswer(int256 answer) internal {
        _roundId += 1;
        _answer = answer;
        _updatedAt = block.timestamp;
        emit AnswerUpdated(answer, _roundId, block.timestamp);
    }
}
