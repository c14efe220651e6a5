#!/usr/bin/env bash
# Manual check (not part of bin/test): our rewards submission against EigenLayer's own RewardsCoordinator.
# Builds EigenLayer's core from a checkout OUTSIDE this repository, deploys it and our AVS on a fresh anvil, and
# sends the submission RewardsRunner sends (CvmServiceManager.createOperatorDirectedOperatorSetRewardsSubmission):
# first with their strategy as deployed (expect StrategyNotWhitelisted), then whitelisted (expect success), printing
# whole-transaction gas. See docs/REWARDS.md, "Against EigenLayer's own RewardsCoordinator".
#
#   tools/eigen/rewards-check.sh [SCRATCH_DIR]      (default /tmp/eigen-rewards-check; needs network to clone)
#   EIGEN_DIR=/path/to/eigenlayer-contracts tools/eigen/rewards-check.sh   (an existing v1.12.0 checkout with its
#                                                    lib/ submodules; the script deletes parts of it, see below)
# Env: EIGEN_REF (v1.12.0), ANVIL_PORT (18645). Writes deployments/31337.json (git-ignored); stops its anvil.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
forge="$root/node_modules/.bin/forge" cast="$root/node_modules/.bin/cast" anvil="$root/node_modules/.bin/anvil"
solc="$root/tools/solc/solc"
scratch=${1:-/tmp/eigen-rewards-check}
ref=${EIGEN_REF:-v1.12.0}
port=${ANVIL_PORT:-18645}
rpc="http://127.0.0.1:$port"
key0=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's first dev key
mnemonic="test test test test test test test test test test test junk"

eigen=${EIGEN_DIR:-$scratch/eigenlayer-contracts}
case "$(readlink -f "$eigen")/" in "$root"/*) echo "rewards-check: $eigen is inside the repository" >&2; exit 2 ;; esac
if [ ! -d "$eigen/src/contracts" ]; then
  mkdir -p "$scratch"
  git clone -q https://github.com/Layr-Labs/eigenlayer-contracts "$eigen"
  git -C "$eigen" checkout -q "$ref"
  git -C "$eigen" submodule update -q --init lib/openzeppelin-contracts-v4.9.0 lib/openzeppelin-contracts-upgradeable-v4.9.0
fi
# Only the local deploy script and the core are built: their release scripts need zeus-templates, tests are not needed.
[ -e "$eigen/lib/forge-std/src/Script.sol" ] || { rm -rf "$eigen/lib/forge-std"; mkdir -p "$eigen/lib/forge-std"
  ln -s "$root/node_modules/@layerzerolabs/toolbox-foundry/lib/forge-std" "$eigen/lib/forge-std/src"; }
rm -rf "$eigen"/script/{releases,operations,utils,tasks} "$eigen"/script/deploy/{devnet,multichain}
find "$eigen/src/test" -mindepth 1 -maxdepth 1 ! -name mocks -exec rm -rf {} +

"$anvil" --host 127.0.0.1 --port "$port" --silent & anvil_pid=$!
trap 'kill $anvil_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do "$cast" block-number --rpc-url "$rpc" >/dev/null 2>&1 && break; sleep 0.2; done

(cd "$eigen" && "$forge" script script/deploy/local/deploy_from_scratch.slashing.s.sol --offline --use "$solc" \
  --deny never --rpc-url "$rpc" --private-key $key0 --broadcast --slow --sig "run(string memory configFile)" \
  -- local/deploy_from_scratch.slashing.anvil.config.json >"$scratch/eigen-deploy.log" 2>&1) \
  || { echo "rewards-check: their deploy failed, see $scratch/eigen-deploy.log" >&2; exit 1; }
core="$eigen/script/output/devnet/SLASHING_deploy_from_scratch_deployment_data.json"
j() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['addresses'][sys.argv[2]])" "$core" "$1"; }
export CORE_DELEGATION_MANAGER=$(j delegationManager) CORE_STRATEGY_MANAGER=$(j strategyManager) \
  CORE_AVS_DIRECTORY=$(j avsDirectory) CORE_ALLOCATION_MANAGER=$(j allocationManager) \
  CORE_PERMISSION_CONTROLLER=$(j permissionController) CORE_STRATEGY=$(j strategy) \
  CORE_REWARDS_COORDINATOR=$(j rewardsCoordinator)

(cd "$root" && "$forge" script contracts/script/Deploy.s.sol:Deploy --rpc-url "$rpc" --private-key $key0 \
  --broadcast --slow >"$scratch/avs-deploy.log" 2>&1) \
  || { echo "rewards-check: our deploy failed, see $scratch/avs-deploy.log" >&2; exit 1; }
d() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$root/deployments/31337.json" "$1"; }
sm=$(d CvmServiceManager) ctoken=$(d CToken) strategy=$(d Strategy) deployed=$("$cast" block --rpc-url "$rpc" latest -f timestamp)
W=$("$cast" call --rpc-url "$rpc" "$CORE_REWARDS_COORDINATOR" "CALCULATION_INTERVAL_SECONDS()(uint32)" | awk '{print $1}')
echo "their RewardsCoordinator $CORE_REWARDS_COORDINATOR: calculation interval $W s"

sig="createOperatorDirectedOperatorSetRewardsSubmission(uint32,((address,uint96)[],address,(address,uint256)[],uint32,uint32,string)[])"
submission() { # operators start duration
  local ops rw=""; ops=$(for i in $(seq 1 "$1"); do "$cast" wallet address --mnemonic "$mnemonic" --mnemonic-index "$i"; done | tr 'A-F' 'a-f' | sort)
  for o in $ops; do rw="$rw,($o,10000000000000000000)"; done
  echo "[([($strategy,1000000000000000000)],$ctoken,[${rw#,}],$2,$3,\"rewards-check\")]"; }
next_week() { "$cast" rpc --rpc-url "$rpc" evm_increaseTime $W >/dev/null; "$cast" rpc --rpc-url "$rpc" evm_mine >/dev/null
  now=$("$cast" block --rpc-url "$rpc" latest -f timestamp); end=$(( (now - 1) / W * W )); }
send() { # label operators start duration
  # (the npm cast wrapper does not pass cast's exit status on: a refusal is told by its stderr)
  "$cast" send --rpc-url "$rpc" --private-key $key0 "$sm" "$sig" 0 "$(submission "$2" "$3" "$4")" --json \
    >"$scratch/send.out" 2>"$scratch/send.err" || true
  if grep -q 'Error' "$scratch/send.err" || [ ! -s "$scratch/send.out" ]; then
    echo "$1: refused: $(grep -o 'custom error 0x[0-9a-f]*.*' "$scratch/send.err" | head -1)"; return 1; fi
  echo "$1: $(python3 -c 'import json,sys;r=json.load(open(sys.argv[1]));print("status", r["status"], "gas", int(r["gasUsed"],16))' "$scratch/send.out")"; }

"$cast" send -q --rpc-url "$rpc" --private-key $key0 "$ctoken" "mint(address,uint256)" "$sm" 1000000000000000000000
next_week; next_week
start=$(( deployed / W * W ))
if send "3 operators, strategy as deployed" 3 $start $((end - start)); then
  echo "rewards-check: expected StrategyNotWhitelisted" >&2; exit 1; fi
"$cast" send -q --rpc-url "$rpc" --private-key $key0 "$CORE_STRATEGY_MANAGER" "addStrategiesToDepositWhitelist(address[])" "[$strategy]"
send "3 operators, whitelisted, first submission" 3 $start $((end - start))
start=$end; next_week; send "3 operators, next week" 3 $start $((end - start))
start=$end; next_week; send "10 operators, next week" 10 $start $((end - start))
echo "submissionNonce: $("$cast" call --rpc-url "$rpc" "$CORE_REWARDS_COORDINATOR" "submissionNonce(address)(uint256)" "$sm")"
