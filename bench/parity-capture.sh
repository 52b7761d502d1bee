#!/bin/bash
# parity-capture.sh: record what libcni 1.1.2 (through the Go harness's cnitool mode, see
# ../shared/peers/go-harness) sends each plugin for every scenario in test/fixtures/parity, and
# store it next to the scenario as captured.json. The committed captures are what
# test/cnitool-parity.test.ts replays through `multinet cnitool`; CI needs no Go.
#
#   H=/tmp/cni-peers/bin/go-harness bench/parity-capture.sh [scenario...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
H=${H:-/tmp/cni-peers/bin/go-harness}
fixtures=$repo/test/fixtures/parity
netns=/var/run/netns/multinet-parity
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=($(cd "$fixtures" && ls -d [0-9]*))
for s in "${scenarios[@]}"; do
	d=$fixtures/$s
	w=$(mktemp -d)
	mkdir -p "$w/bin" "$w/cache"
	cp "$fixtures/plugins/recorder" "$w/bin/"
	steps=$(jq -c '.steps[]' "$d/scenario.json")
	out="[]"
	while IFS= read -r step; do
		verb=$(jq -r .verb <<<"$step")
		: >"$w/log"
		envargs=()
		while IFS= read -r kv; do [ -n "$kv" ] && envargs+=("$kv"); done < <(jq -r '(.env // {}) | to_entries[] | "\(.key)=\(.value)"' <<<"$step")
		set +e
		stdout=$(env -i PATH="$PATH" RECORD_LOG="$w/log" NETCONFPATH="$d/net.d" CNI_PATH="$w/bin" "${envargs[@]}" \
			"$H" -mode cnitool -cachedir "$w/cache" "$verb" "$(jq -r .network "$d/scenario.json")" "$netns" 2>"$w/stderr")
		code=$?
		set -e
		execs=$(jq -s --arg p "$w/bin" '[.[] | .env.CNI_PATH |= (if . == $p then "<CNI_PATH>" else . end) | . + {stdin: (.stdinBase64 | @base64d)}]' "$w/log")
		out=$(jq -c --arg verb "$verb" --argjson code "$code" --arg stdout "$stdout" --arg stderr "$(cat "$w/stderr")" --argjson execs "$execs" \
			'. + [{verb: $verb, exitCode: $code, stdout: $stdout, stderr: $stderr, execs: $execs}]' <<<"$out")
	done <<<"$steps"
	jq --arg by "libcni 1.1.2 via go-harness -mode cnitool ($(date -u +%F))" '{capturedWith: $by, netns: "'"$netns"'", steps: .}' <<<"$out" >"$d/captured.json"
	echo "$s: $(jq -r '[.steps[] | "\(.verb)=\(.exitCode)/\(.execs | length)"] | join(" ")' "$d/captured.json")"
	rm -rf "$w"
done
