# Shared by iproute2-patch/build and iproute2-patch/refresh (sourced, not
# run). It locates the repository and fetches the pristine Debian source.

PATCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$PATCH_DIR/.." && pwd)
BUILD_DIR=$REPO_ROOT/build

# The upstream release the patches are written against. Debian revisions
# of it (6.1.0-3, a later 6.1.0-3+deb12uN) are accepted.
UPSTREAM_VERSION=6.1.0

# apt-get source output: the .dsc, the tarballs and the unpacked tree with
# Debian's own patches applied. It is never modified after the fetch.
SRC_CACHE=$BUILD_DIR/iproute2-src
PRISTINE_TREE=$SRC_CACHE/iproute2-$UPSTREAM_VERSION

# The patched and built tree, and the git work tree that refresh manages.
BUILT_TREE=$BUILD_DIR/iproute2
WORK_TREE_DEFAULT=$BUILD_DIR/iproute2-work

# The kernel's copy of the uapi header, and where the patch puts its copy.
UAPI_HEADER=$REPO_ROOT/include/uapi/linux/macvx.h
UAPI_IN_TREE=include/uapi/linux/macvx.h

log()
{
	echo "iproute2-patch: $*" >&2
}

die()
{
	log "error: $*"
	exit 1
}

# Serialise runs of build and refresh, because both replace directories
# under build/ and may run at the same time (make check runs build).
lock_build_dir()
{
	mkdir -p "$BUILD_DIR"
	exec 9>"$BUILD_DIR/.iproute2-patch.lock"
	if ! flock -n 9; then
		log "waiting for another build or refresh to finish"
		flock 9
	fi
}

# List the patch files in the order they are applied.
list_patches()
{
	find "$PATCH_DIR" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' |
		LC_ALL=C sort
}

# Wait while scripts/install-deps runs, because it holds the apt and dpkg
# locks and may be adding the deb-src entry that apt-get source needs.
wait_for_install_deps()
{
	local waited=0

	while pgrep -f 'scripts/install-deps' >/dev/null; do
		if [ "$waited" -eq 0 ]; then
			log "waiting for scripts/install-deps to finish"
		fi
		sleep 5
		waited=$((waited + 5))
	done
}

have_iproute2_source()
{
	apt-cache showsrc iproute2 2>/dev/null |
		grep -q "^Version: $UPSTREAM_VERSION-"
}

have_bookworm_deb_src()
{
	# One-line entries ("deb-src URL bookworm main") and deb822 stanzas
	# ("Types: deb-src" with "Suites: bookworm") are both recognised.
	grep -qsE '^[[:space:]]*deb-src[[:space:]].*[[:space:]]bookworm[[:space:]]' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk 'BEGIN { RS = ""; found = 1 }
		     /(^|\n)Types:[^\n]*deb-src/ &&
		     /(^|\n)Suites:[^\n]*[[:space:]]bookworm([[:space:]]|$)/ {
			found = 0
		     }
		     END { exit found }'
}

# Add the bookworm deb-src entry that scripts/install-deps would add, in the
# same file, so a later run of install-deps rewrites it with its full entry.
add_bookworm_deb_src()
{
	local list=/etc/apt/sources.list.d/macvx-build.sources
	local mirror

	if [ -e "$list" ]; then
		die "$list exists but has no deb-src entry for bookworm;" \
			"run scripts/install-deps as root"
	fi
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -vE '^[[:space:]]*#' | grep -oE 'https?://[^ ]+/debian/?' |
		grep -v security | head -n1 || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	log "adding a deb-src entry for bookworm ($mirror) to $list"
	printf '%s\n' "Types: deb-src" "URIs: $mirror" "Suites: bookworm" \
		"Components: main" \
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
		>"$list"
}

ensure_iproute2_source_available()
{
	wait_for_install_deps
	have_iproute2_source && return 0

	[ "$(id -u)" -eq 0 ] ||
		die "apt has no iproute2 $UPSTREAM_VERSION source package;" \
			"run this script as root so it can add a bookworm" \
			"deb-src entry"
	have_bookworm_deb_src || add_bookworm_deb_src
	log "running apt-get update"
	apt-get update -q >&2 || die "apt-get update failed"
	have_iproute2_source ||
		die "apt-get update did not provide the iproute2" \
			"$UPSTREAM_VERSION source package"
}

# Fetch and unpack Debian's iproute2 source once. Later calls reuse it.
fetch_pristine_source()
{
	local marker=$SRC_CACHE/.fetched
	local tmp=$SRC_CACHE.tmp

	if [ -f "$marker" ] && [ -d "$PRISTINE_TREE" ]; then
		return 0
	fi

	command -v dpkg-source >/dev/null ||
		die "dpkg-source is missing; install dpkg-dev" \
			"(scripts/install-deps does)"
	ensure_iproute2_source_available

	log "fetching the Debian iproute2 $UPSTREAM_VERSION source into $SRC_CACHE"
	rm -rf "$tmp" "$SRC_CACHE"
	mkdir -p "$tmp"
	(cd "$tmp" && apt-get source -q iproute2 >&2) ||
		die "apt-get source iproute2 failed"
	[ -d "$tmp/iproute2-$UPSTREAM_VERSION" ] ||
		die "apt-get source did not unpack iproute2-$UPSTREAM_VERSION" \
			"(found: $(ls "$tmp" | tr '\n' ' '))"
	mv "$tmp" "$SRC_CACHE"
	touch "$marker"
}

# Print the Debian version of the fetched source, e.g. 6.1.0-3.
pristine_debian_version()
{
	sed -n 's/^Version: //p' "$SRC_CACHE"/iproute2_*.dsc | head -n1
}
