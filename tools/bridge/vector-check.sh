#!/usr/bin/env bash
# Recomputes the worked checkpoint vector of docs/BRIDGE.md with cast (alloy's ABI encoder and keccak), independently
# of the Solidity code, and compares it with the values pinned in contracts/test/bridge/CvmCheckpointVector.t.sol.
set -euo pipefail
cd "$(dirname "$0")/../.."
C=node_modules/.bin/cast
Z=0x0000000000000000000000000000000000000000000000000000000000000000
h() { $C keccak "$($C concat-hex "$1" "$2")"; }
# depth-32 root over three leaves (the fourth and everything right of it empty)
root3() {
  local n z
  n=$(h "$(h "$1" "$2")" "$(h "$3" $Z)")
  z=$(h "$(h $Z $Z)" "$(h $Z $Z)")
  for _ in $(seq 2 31); do n=$(h "$n" "$z"); z=$(h "$z" "$z"); done
  echo "$n"
}
check() { if [ "$2" = "$3" ]; then echo "ok   $1 $2"; else echo "FAIL $1 got $2 want $3"; FAILED=1; fi; }
FAILED=0
TH=$($C keccak "CvmCheckpoint(uint64 height,bytes32 appHash,bytes32 cvmBlockHash,bytes32 cumulativeRoot,bytes32 withdrawalsRoot,bytes32 nextValidatorSetHash)")
VH=$($C keccak "CvmValidatorSet(uint256 g1x,uint256 g1y,uint256 power)[]")
CID=$($C keccak "cvm-1")
SET=$($C keccak "$($C abi-encode "f(bytes32,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256)" "$VH" \
  0x07e232bb699257c74a20e7cea432c8fe8a2c5c40788f4c5130fdba10f8b884ed 0x162b347d081a906d054709683de87523b8567595ad82e84cca4aa2c174a8e5c5 30 \
  0x194efc4cb30a62dea90fa924890dba0df2f515f23cc891ef4bdab78819518b6f 0x0f636e0129b55f19095c22ce78de0c37219328a98ad501622d159c2abcd9bc8c 10 \
  0x23770744bb054f499d3c29ac5d457409d2882a258474c1029b7047a2650a675d 0x1509605f36e25f19aa5ea3d4ac9269344dda2cae259e0f90ed7642d79d88ada0 20)")
bl() { $C keccak "$($C abi-encode "f(uint64,bytes32,bytes32)" "$1" "$($C keccak "cvm block $1")" "$($C keccak "dataset $1")")"; }
wl() { $C keccak "$($C abi-encode "f(uint64,address,uint256)" "$1" "$2" "$3")"; }
CUM=$(root3 "$(bl 1)" "$(bl 2)" "$(bl 3)")
WD=$(root3 "$(wl 0 0x000000000000000000000000000000000000000a 1000000000000000000)" \
  "$(wl 1 0x000000000000000000000000000000000000000b 2000000000000000000)" \
  "$(wl 2 0x000000000000000000000000000000000000000c 3000000000000000000)")
DIGEST=$($C keccak "$($C abi-encode "f(bytes32,bytes32,uint64,bytes32,bytes32,bytes32,bytes32,bytes32)" "$TH" "$CID" 42 \
  "$($C keccak app)" "$($C keccak "cvm block 3")" "$CUM" "$WD" "$SET")")
check cvmChainId "$CID" 0xfe40cfa40ef4ef67de4bf66eecb9d17fd0e7d2c80e6e2066842c208625a3a8b5
check validatorSetHash "$SET" 0xca7b5e32eda5f77a3a24458f60657783d671e182190b6a9d64ed146d70830ea1
check cumulativeRoot "$CUM" 0x54e3a050df14ca98ed76c5e9cb574a13a976aca592a85d968cccc6976d630e9b
check withdrawalsRoot "$WD" 0x669bff1d84664087a7df18903faaa86f9d85fbfe11222d71a30b500a500f5ae6
check digest "$DIGEST" 0x6a79a2569770f2c825bb32ec7bdc677a0dfe949ca0c1ececaddf1c501e55e217
exit "$FAILED"
