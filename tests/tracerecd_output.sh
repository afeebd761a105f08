#!/usr/bin/env bash
# tracerecd's output file under sudo cannot be turned against the system (man/tracerecd.8, FILES):
# created new (O_EXCL|O_NOFOLLOW) with the invoking user's rights, mode 0600, never chowned,
# chmod-ed, truncated or removed when it existed before; --force renames a new file over a
# regular file or symbolic link (the link is replaced, never its target), and nothing else.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
T=$(realpath "$trd")
d=$(mktemp -d)
chmod 755 "$d"
trap 'rm -rf "$d"' EXIT
nob=$(id -u nobody) nog=$(id -g nobody)
ud="$d/user" # a directory the invoking user (nobody) may write
mkdir "$ud" && chown "$nob:$nog" "$ud" && chmod 700 "$ud"
sudo_as_nobody() { SUDO_UID=$nob SUDO_GID=$nog SUDO_USER=nobody "$@"; }
fp() { stat -c '%u:%g:%a:%s' "$1"; }

# A file owned by root that the user must not get: a stand-in for /etc/shadow
secret="$d/secret"
echo "root-only" >"$secret" && chmod 640 "$secret"
before=$(fp "$secret")

# 1. -o naming an existing file is refused; the file is untouched
sudo_as_nobody "$T" -q -o "$secret" -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && grep -q "already exists (--force replaces it)" "$d/err" && [ "$(fp "$secret")" = "$before" ] &&
  [ "$(cat "$secret")" = "root-only" ]
check "existing -o refused, untouched" $? "exit $rc, $(cat "$d/err"), $(fp "$secret")"

# 2. a symbolic link planted under the output name: refused without --force
ln -s "$secret" "$ud/trace.trz"
sudo_as_nobody "$T" -q -o "$ud/trace.trz" -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && [ "$(fp "$secret")" = "$before" ] && [ -L "$ud/trace.trz" ]
check "symlink -o refused, target untouched" $? "exit $rc, $(cat "$d/err"), $(fp "$secret")"

# 3. --force replaces the link itself with a new trace owned by the user, 0600
sudo_as_nobody "$T" -q --force -o "$ud/trace.trz" -- true 2>"$d/err"
rc=$?
[ $rc -eq 0 ] && [ ! -L "$ud/trace.trz" ] && [ "$(fp "$secret")" = "$before" ] &&
  [ "$(cat "$secret")" = "root-only" ] &&
  [ "$(stat -c '%u:%g:%a' "$ud/trace.trz")" = "$nob:$nog:600" ] && "$dump" "$ud/trace.trz" >/dev/null
check "--force replaces the link, not its target; new file $nob:$nog 0600" $? \
  "exit $rc, $(cat "$d/err"), $(ls -l "$ud")"
[ -z "$(find "$ud" -name 'trace.trz.*')" ]
check "--force leaves no temporary behind" $? "$(ls "$ud")"

# 4. the user's rights decide where a trace may be created: not in a root-only directory
rd="$d/rootonly"
mkdir "$rd" && chmod 755 "$rd"
sudo_as_nobody "$T" -q -o "$rd/t.trz" -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && [ ! -e "$rd/t.trz" ] && grep -q "Permission denied" "$d/err"
check "no trace where the invoking user may not create one" $? "exit $rc, $(cat "$d/err")"
sudo_as_nobody "$T" -q --force -o "$rd/t.trz" -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && [ -z "$(ls -A "$rd")" ]
check "... nor with --force" $? "exit $rc, $(ls -A "$rd")"

# 5. not under sudo: created by root, 0600, never chowned
"$T" -q -o "$d/plain.trz" -- true 2>"$d/err"
[ "$(stat -c '%u:%a' "$d/plain.trz")" = "0:600" ]
check "plain root run: 0:600" $? "$(stat -c '%u:%a' "$d/plain.trz")"

# 6. device nodes, FIFOs and directories are never outputs, even with --force
mkfifo "$d/fifo"
for target in /dev/null "$d/fifo" "$d"; do
  "$T" -q --force -o "$target" -- true 2>"$d/err"
  rc=$?
  [ $rc -ne 0 ] && grep -q "not a regular file" "$d/err"
  check "--force -o $target refused" $? "exit $rc, $(cat "$d/err")"
done
[ -c /dev/null ] && [ -p "$d/fifo" ]
check "/dev/null and the FIFO are still what they were" $? "$(ls -l /dev/null "$d/fifo")"

# 7. a startup failure keeps a file that existed before (it used to be unlinked)
echo "keep me" >"$d/old.trz"
old=$(fp "$d/old.trz")
"$T" -q -o "$d/old.trz" --fill /nonexistent/model -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && [ "$(cat "$d/old.trz" 2>/dev/null)" = "keep me" ]
check "startup failure (--fill /typo) keeps the existing -o" $? "exit $rc, $(cat "$d/err"), $(ls "$d")"
"$T" -q --force -o "$d/old.trz" --fill /nonexistent/model -- true 2>"$d/err"
rc=$?
[ $rc -ne 0 ] && [ "$(cat "$d/old.trz")" = "keep me" ] && [ "$(fp "$d/old.trz")" = "$old" ] &&
  [ -z "$(find "$d" -maxdepth 1 -name 'old.trz.*')" ]
check "startup failure keeps the existing -o and leaves no temporary" $? \
  "exit $rc, $(cat "$d/err"), $(ls "$d")"
# ... and removes the trace it created itself
"$T" -q -o "$d/new.trz" --fill /nonexistent/model -- true 2>"$d/err"
[ ! -e "$d/new.trz" ]
check "startup failure removes only the file it created" $? "$(ls "$d")"
exit $fail
