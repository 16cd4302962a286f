# shellcheck shell=bash
# A private apt for Debian 13 (trixie), sourced by build-kernel,
# fetch-qemu10 and fetch-l2-kernel: its own sources.list (deb + deb-src),
# lists, package cache and an empty dpkg status, all under
# $PASSVM_CACHE/apt-trixie. The host's sources, lists and installed
# packages are never read or touched; nothing is installed with it (only
# `apt-get download`, `apt-get source --download-only`, `apt-cache`).
#
#   trixie_apt_init        create it; `apt-get update` when the lists are
#                          missing or older than TRIXIE_APT_MAX_AGE minutes
#   trixie_apt ARGS...     apt-get with it
#   trixie_cache ARGS...   apt-cache with it
#   trixie_download DIR PKG...   the .debs into DIR (kept: a cache)

PASSVM_CACHE=${PASSVM_CACHE:-$HOME/.cache/passvm}
TRIXIE_APT_DIR=$PASSVM_CACHE/apt-trixie
TRIXIE_MIRROR=${TRIXIE_MIRROR:-http://deb.debian.org/debian}
TRIXIE_SECURITY=${TRIXIE_SECURITY:-http://deb.debian.org/debian-security}
TRIXIE_APT_MAX_AGE=${TRIXIE_APT_MAX_AGE:-720}
TRIXIE_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
TRIXIE_APT=()

trixie_apt_init() {
	local d=$TRIXIE_APT_DIR k
	[ -r "$TRIXIE_KEYRING" ] ||
		{ echo "trixie-apt: no $TRIXIE_KEYRING (apt-get install debian-archive-keyring)" >&2; return 1; }
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/cache"
	[ -e "$d/status" ] || : >"$d/status"
	{
		for k in deb deb-src; do
			echo "$k [signed-by=$TRIXIE_KEYRING] $TRIXIE_MIRROR trixie main"
			echo "$k [signed-by=$TRIXIE_KEYRING] $TRIXIE_MIRROR trixie-updates main"
			echo "$k [signed-by=$TRIXIE_KEYRING] $TRIXIE_SECURITY trixie-security main"
		done
	} >"$d/sources.list.new"
	if cmp -s "$d/sources.list.new" "$d/sources.list"; then
		rm "$d/sources.list.new"
	else
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/lists/"*_Release # the sources changed: update below
	fi
	TRIXIE_APT=(
		-o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$d/lists" -o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d/cache" -o "Dir::Cache::Archives=$d/archives"
		-o "APT::Sandbox::User=$(id -un)" -o APT::Architecture=amd64
		-o Acquire::Languages=none -q
	)
	# one update at a time; skipped while the lists are fresh
	(
		flock 7
		if [ -z "$(find "$d/lists" -maxdepth 1 -name '*trixie_InRelease' -mmin "-$TRIXIE_APT_MAX_AGE" 2>/dev/null)" ]; then
			echo "trixie-apt: apt-get update (lists in $d/lists)" >&2
			if ! apt-get "${TRIXIE_APT[@]}" update >&2; then
				# stale lists still name what is cached
				if compgen -G "$d/lists/*trixie_InRelease" >/dev/null; then
					echo "trixie-apt: warning: apt-get update failed; using the old lists" >&2
				else
					echo "trixie-apt: apt-get update failed (network? $TRIXIE_MIRROR)" >&2
					exit 1
				fi
			fi
		fi
	) 7>"$d/.lock"
}

trixie_apt() { apt-get "${TRIXIE_APT[@]}" "$@"; }
trixie_cache() { apt-cache "${TRIXIE_APT[@]}" "$@"; }

# trixie_candidate PKG: its candidate version ("" if none)
trixie_candidate() {
	trixie_cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '^(none)$' || true
}

# trixie_download DIR PKG...: PKG_VERSION_ARCH.deb into DIR unless there
# already; prints nothing but progress.
trixie_download() {
	local dir=$1 p v
	shift
	mkdir -p "$dir"
	local -a want=()
	for p in "$@"; do
		v=$(trixie_candidate "$p")
		[ -n "$v" ] || { echo "trixie-apt: no package $p in trixie" >&2; return 1; }
		# (an epoch is "1%3a" in the file name)
		compgen -G "$dir/${p}_*${v#*:}_*.deb" >/dev/null || want+=("$p=$v")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	echo "trixie-apt: downloading ${#want[@]} packages into $dir" >&2
	(cd "$dir" && trixie_apt download "${want[@]}" >&2)
}
