// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IAggregatorV3 — the read interface of Chainlink price feeds (AggregatorV3Interface).
/// @notice `answer` is scaled by `decimals()`. The stake aggregator reads `latestRoundData` and `decimals`
///         at the block it computes the validator set for, and refuses answers ≤ 0 or older than its limit.
interface IAggregatorV3 {
    function decimals() external view returns (uint8);

    function description() external view returns (string memory);

    function version() external view returns (uint256);

    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
