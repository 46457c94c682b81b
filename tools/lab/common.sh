# Shared by the lab's L0 scripts (sourced): cache location, messages, and
# cache keys.  The scripts run as root on L0 with `set -euo pipefail`.

lab_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # for the scripts sourcing this
lab_dir=$lab_top/tools/lab
lab_cache=${HYV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyv}/lab

lab_log() { echo "hyv-lab: $*" >&2; }
lab_die() { echo "hyv-lab: error: $*" >&2; exit 1; }

# lab_key INPUT...: a short hash naming a cache entry; each input is a file
# (hashed by content) or a literal string.
lab_key() {
	local input
	for input; do
		if [ -f "$input" ]; then
			sha256sum < "$input"
		else
			printf '%s\n' "$input"
		fi
	done | sha256sum | cut -c1-16
}

# lab_use ENTRY GLOB: mark cache ENTRY as just used and delete all but the
# two most recently used entries matching GLOB (older kernels, superseded
# package lists), so the cache does not grow with every change.  Callers
# hold images.lock (tools/hyv-lab), so no entry is pruned while another
# run is choosing it.
lab_use() {
	local entry=$1 glob=$2 old
	touch "$entry"
	find "$lab_cache" -maxdepth 1 -name "$glob" ! -name '*.tmp' ! -name '*.log' \
		-printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
		while read -r old; do
			lab_log "pruning the superseded ${old##*/}"
			rm -rf "$old" "$old.log"
		done
}
