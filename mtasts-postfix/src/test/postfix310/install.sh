#!/bin/sh
# Makes a runnable Postfix 3.10 tree from Debian trixie's packages on a Debian bookworm machine,
# for Postfix310EndToEndTest (bookworm's own Postfix is 3.7, which rejects the TLSRPT attributes).
#
#   sh install.sh TARGET_DIR      (as root; idempotent)
#
# Nothing is installed on the host but bookworm's patchelf: apt-get reads a sources list, package
# lists and a cache of its own under TARGET_DIR, downloads the .deb files there, and dpkg -x unpacks
# them into TARGET_DIR/root. Trixie's binaries need trixie's glibc, so each ELF file gets trixie's
# dynamic loader as its interpreter and an RPATH to the unpacked libraries (RPATH, not RUNPATH:
# only RPATH also applies to the libraries' own dependencies). The tree is used with
# `postfix -c DIR` and a main.cf that points daemon_directory and friends into it (see
# PostfixLab). The postfix user and the postdrop group must exist (bookworm's postfix makes them).
set -eu

target=${1:?usage: install.sh TARGET_DIR}
case $target in /?*) ;; *) echo "install.sh: TARGET_DIR must be an absolute path" >&2; exit 1 ;; esac
root=$target/root
mirror=${MTASTS_TRIXIE_MIRROR:-http://deb.debian.org/debian}

# Already made: nothing to do.
if [ -x "$root/usr/sbin/postconf" ] \
    && "$root/usr/sbin/postconf" -d mail_version 2>/dev/null | grep -q '= 3\.'; then
  echo "Postfix $("$root/usr/sbin/postconf" -dh mail_version) is ready in $target"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "install.sh: needs root" >&2; exit 1; }
getent passwd postfix >/dev/null && getent group postdrop >/dev/null \
  || { echo "install.sh: the postfix user and postdrop group are missing" >&2; exit 1; }
if ! command -v patchelf >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends patchelf
fi

# Built in a scratch directory next to the target and moved into place at the end, so a failed
# run leaves no half-made tree behind. The paths written into the binaries are the final ones.
work=$target.work
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/tmp" \
  "$work/root"
chmod 1777 "$work/tmp"
chown _apt "$work/debs" 2>/dev/null || true  # apt downloads as _apt where it can
echo "deb $mirror trixie main" > "$work/sources.list"
apt() {
  TMPDIR=$work/tmp "$@" -q -o Dir::Etc::SourceList="$work/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists" \
    -o Dir::Cache="$work/cache" -o Acquire::Languages=none
}
apt apt-get update
# postfix and the libraries its binaries need from trixie (those of bookworm are too old for
# trixie's glibc); anything else they load comes from the host.
(cd "$work/debs" && apt apt-get download postfix libtlsrpt0 libc6 libssl3t64 libicu76 \
  libdb5.3t64 libsasl2-2 libnsl2 libtirpc3t64 libgssapi-krb5-2 libkrb5-3 libk5crypto3 \
  libkrb5support0 libcom-err2 libkeyutils1 libzstd1 libstdc++6 libgcc-s1 zlib1g)
for deb in "$work/debs"/*.deb; do
  dpkg -x "$deb" "$work/root"
done

interp=$root/usr/lib64/ld-linux-x86-64.so.2
rpath=$root/usr/lib/postfix:$root/usr/lib/x86_64-linux-gnu
for f in "$work"/root/usr/sbin/* "$work"/root/usr/lib/postfix/*.so \
    "$work"/root/usr/lib/postfix/sbin/*; do
  [ "$(head -c 4 "$f" | tail -c 3)" = ELF ] || continue
  case $f in *.so) ;; *) patchelf --set-interpreter "$interp" "$f" ;; esac
  patchelf --force-rpath --set-rpath "$rpath" "$f"
done
# As the package's postinst does: postdrop and postqueue are set-group-ID postdrop, and
# dynamicmaps.cf lives in the meta_directory (empty: the lab needs no dynamically loaded maps).
chgrp postdrop "$work/root/usr/sbin/postdrop" "$work/root/usr/sbin/postqueue"
chmod 2755 "$work/root/usr/sbin/postdrop" "$work/root/usr/sbin/postqueue"
echo "# No dynamically loaded maps." > "$work/root/etc/postfix/dynamicmaps.cf"

mkdir -p "$target"
rm -rf "$root"
mv "$work/root" "$root"
version=$("$root/usr/sbin/postconf" -dh mail_version) \
  || { echo "install.sh: the unpacked postconf does not run" >&2; exit 1; }
echo "Postfix $version is ready in $target"
