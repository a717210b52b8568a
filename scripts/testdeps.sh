#!/usr/bin/env bash
# Installs or builds what the integration tests need, once, and says in one
# line what is missing where it cannot (not root, no apt):
#   - tmux, git, python3            (terminal and benchmark tests)
#   - socat                         (serial lines: a pty pair)
#   - python3-pymodbus, -serial, -serial-asyncio  (Modbus TCP/RTU server)
#   - EPICS base 7 (softIoc, caget, caput, camonitor), built from Debian's
#     epics-base source package into a cache outside the repository:
#     $CONCERT_EPICS_BASE, default /var/cache/concert/epics-base (root) or
#     ${XDG_CACHE_HOME:-~/.cache}/concert/epics-base.
# Tests find softIoc through the same default (internal/testenv).
set -uo pipefail

epics_dir=${CONCERT_EPICS_BASE:-}
if [ -z "$epics_dir" ]; then
	if [ "$(id -u)" = 0 ]; then epics_dir=/var/cache/concert/epics-base
	else epics_dir=${XDG_CACHE_HOME:-$HOME/.cache}/concert/epics-base; fi
fi
softioc="$epics_dir/bin/linux-x86_64/softIoc"

# Two runs at once (make test in two checkouts) would install and build
# into the same places: the second waits for the first.
mkdir -p "$(dirname "$epics_dir")" 2>/dev/null
if command -v flock >/dev/null && exec 9>"$(dirname "$epics_dir")/.testdeps.lock" 2>/dev/null; then
	flock 9
fi

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v git >/dev/null || need+=(git)
command -v socat >/dev/null || need+=(socat)
command -v python3 >/dev/null || need+=(python3)
if ! /usr/bin/python3 -c 'import pymodbus, serial, serial_asyncio' 2>/dev/null; then
	need+=(python3-pymodbus python3-serial python3-serial-asyncio)
fi
if [ ! -x "$softioc" ]; then
	need_epics=1
	# What building EPICS base takes: a C/C++ compiler, make and perl.
	command -v g++ >/dev/null || need+=(g++)
	command -v make >/dev/null || need+=(make)
	command -v perl >/dev/null || need+=(perl)
fi

can_apt=0
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && can_apt=1

if [ ${#need[@]} -gt 0 ]; then
	if [ $can_apt = 1 ]; then
		echo "testdeps: installing ${need[*]}"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
			echo "testdeps: apt-get install ${need[*]} failed; the tests that need them will skip"
	else
		echo "testdeps: missing ${need[*]} (install them as root: apt-get install --no-install-recommends ${need[*]}); the tests that need them skip"
	fi
fi

if [ "${need_epics:-0}" = 1 ]; then
	if [ $can_apt = 1 ] && command -v make >/dev/null && command -v g++ >/dev/null; then
		echo "testdeps: building EPICS base (softIoc) into $epics_dir once; about 7 minutes on 2 cores"
		work=$(mktemp -d)
		trap 'rm -rf "$work"' EXIT
		src="$work/apt"
		mkdir -p "$src/lists/partial"
		# A private deb-src entry copied from the machine's own Debian source.
		sed -n '/^Types:/,/^$/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
			sed 's/^Types:.*/Types: deb-src/' >"$src/debian-src.sources"
		if [ ! -s "$src/debian-src.sources" ]; then
			grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | sed 's/^deb /deb-src /' >"$src/debian-src.list"
		fi
		opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$src" -o Dir::State::Lists="$src/lists")
		if apt-get "${opts[@]}" update -qq >/dev/null 2>&1 &&
			(cd "$work" && apt-get "${opts[@]}" source --download-only epics-base >/dev/null 2>&1); then
			tarball=$(ls "$work"/epics-base_*.orig.tar.* | head -1)
			mkdir -p "$work/base" && tar -xf "$tarball" -C "$work/base" --strip-components=1
			mkdir -p "$(dirname "$epics_dir")"
			build="$work/base"
			log="$work/build.log"
			if (cd "$build" && echo "INSTALL_LOCATION=$epics_dir" >configure/CONFIG_SITE.local &&
				make -j2 -C configure install && make -j2 -C src install && make -j2 -C modules database.install) >"$log" 2>&1; then
				echo "testdeps: EPICS base built: $softioc"
			else
				echo "testdeps: the EPICS base build failed (last lines below); the EPICS tests will skip"
				tail -20 "$log"
				rm -rf "$epics_dir"
			fi
		else
			echo "testdeps: could not download Debian's epics-base source; the EPICS tests will skip"
		fi
	else
		echo "testdeps: no softIoc at $softioc (run 'make testdeps' as root on Debian, or set CONCERT_EPICS_BASE to an EPICS base build); the EPICS tests skip"
	fi
fi
exit 0
