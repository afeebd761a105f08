#!/usr/bin/env bash
# tracerecd without real root, with file capabilities (setcap cap_bpf,cap_perfmon+ep on a copy
# of the binary), run as an unprivileged user (nobody): only what that user could ptrace may be
# traced.  --all and --pid of another user's process (root's sleep, pid 1) are refused with
# exit 4 and no output file; the user's own process (--pid) and command (-- CMD) are traced.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
command -v setcap >/dev/null || { echo "skip: setcap missing (libcap2-bin)"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: setpriv missing (util-linux)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skip: no user nobody"; exit 77; }
d=$(mktemp -d)
chmod 755 "$d"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$d"' EXIT
cp "$trd" "$d/tracerecd" && chmod 755 "$d/tracerecd"
setcap cap_bpf,cap_perfmon+ep "$d/tracerecd" 2>"$d/err" ||
  { echo "skip: setcap failed here: $(cat "$d/err")"; exit 77; }
nob=$(id -u nobody) nog=$(id -g nobody)
out="$d/out" && mkdir "$out" && chown "$nob:$nog" "$out"
as_nobody() { setpriv --reuid "$nob" --regid "$nog" --clear-groups "$@"; }
T="$d/tracerecd"
DUMP=$(realpath "$dump")

# another user's processes: root's sleep and pid 1
sleep 60 & rootpid=$!
pids+=("$rootpid")
for target in "$rootpid" 1; do
  as_nobody "$T" -q -o "$out/p$target.trz" --pid "$target" --duration 1 2>"$d/err"
  rc=$?
  [ $rc = 4 ] && grep -q "pid $target: permission denied" "$d/err" && [ ! -e "$out/p$target.trz" ]
  check "nobody with file caps: --pid $target (root's) refused, exit 4, no output" $? "exit $rc: $(cat "$d/err")"
done
# a list with one foreign pid is refused as a whole
setpriv --reuid "$nob" --regid "$nog" --clear-groups sleep 60 & ownpid=$!
pids+=("$ownpid")
sleep 0.2
as_nobody "$T" -q -o "$out/mixed.trz" --pid "$ownpid,$rootpid" --duration 1 2>"$d/err"
rc=$?
[ $rc = 4 ] && [ ! -e "$out/mixed.trz" ]
check "nobody with file caps: --pid OWN,ROOT refused" $? "exit $rc: $(cat "$d/err")"
# --all
as_nobody "$T" -q -o "$out/all.trz" --all --duration 1 2>"$d/err"
rc=$?
[ $rc = 4 ] && grep -q -- "--all needs root" "$d/err" && [ ! -e "$out/all.trz" ]
check "nobody with file caps: --all refused, exit 4, no output" $? "exit $rc: $(cat "$d/err")"

# the user's own process and command are traced
as_nobody "$T" -q -o "$out/own.trz" --pid "$ownpid" --duration 1 2>"$d/err"
rc=$?
[ $rc = 0 ] && [ "$(stat -c %u "$out/own.trz")" = "$nob" ] && "$DUMP" --stats "$out/own.trz" >/dev/null
check "nobody with file caps: --pid of its own sleep traced" $? "exit $rc: $(cat "$d/err")"
# (a copy the unprivileged user can reach: the build tree may sit under a 0700 home, e.g. /root)
cp "$progs/syscall_pattern" "$d/syscall_pattern" && chmod 755 "$d/syscall_pattern"
P="$d/syscall_pattern"
(cd "$out" && as_nobody "$T" -q -o "$out/cmd.trz" -- "$P" 5 >/dev/null 2>"$d/err")
rc=$?
ev=$("$DUMP" --stats --json "$out/cmd.trz" 2>/dev/null | grep -o '"events":[0-9]*' | head -n 1 | cut -d: -f2)
[ $rc = 0 ] && [ "${ev:-0}" -gt 0 ]
check "nobody with file caps: -- COMMAND traced ($ev events)" $? "exit $rc: $(cat "$d/err")"
# children that exec into credentials the user could not ptrace are not followed from their
# exec on (nor their children): a setuid-root copy, a file-capability copy and an unreadable
# (0711, root's) copy of syscall_pattern; the command's last child, the user's own copy, is
for k in suid fcap noread; do cp "$progs/syscall_pattern" "$d/$k" || exit 1; done
chmod 4755 "$d/suid" && chmod 755 "$d/fcap" && chmod 711 "$d/noread" &&
  setcap cap_net_raw+ep "$d/fcap" || { echo "FAIL cannot prepare the setuid/setcap copies"; exit 1; }
(cd "$out" && as_nobody "$T" -q -o "$out/kids.trz" -- sh -c "$d/suid 2; $d/fcap 2; $d/noread 2; $P 2" \
  >"$d/kids.out" 2>"$d/err")
rc=$?
"$DUMP" --format csv --order file "$out/kids.trz" >"$d/kids.csv" 2>/dev/null
python3 - "$d/kids.csv" "$d" "$P" "$d/err" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="latin-1")) if len(r) >= 20]
d, own, err = sys.argv[2], sys.argv[3], open(sys.argv[4]).read()
ok = True
def check(name, cond, detail=""):
    global ok
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))
    ok &= bool(cond)
execs = {}  # path -> (pid, ts)
for r in rows:
    if r[0] == "thread" and r[19].startswith("exec ") and " path=" in r[19]:
        execs[r[19].split(" path=", 1)[1]] = (int(r[3]), int(r[1]))
def after(pid, ts):
    return [r for r in rows if r[0] == "event" and int(r[3]) == pid and int(r[1]) > ts]
def kids(pid):
    return [r for r in rows if r[0] == "thread" and r[19].startswith("fork ppid=%d " % pid)]
for k in ("suid", "fcap", "noread"):
    path = d + "/" + k
    pid, ts = execs.get(path, (None, None))
    check("%s: its exec is recorded" % k, pid is not None, sorted(execs))
    if pid is None:
        continue
    a, c = after(pid, ts), kids(pid)
    check("%s: no event of pid %d after its exec (%d), no child followed (%d)" % (k, pid, len(a), len(c)),
          not a and not c, (a + c)[:2])
    check("%s: tracerecd says so" % k, ("pid %d " % pid) in err and path in err and "no longer traced" in err,
          err[:300])
    check("%s: the trace says so (metadata untraced)" % k,
          any(r[0] == "meta" and r[19].startswith("untraced=pid %d " % pid) for r in rows))
pid, ts = execs.get(own, (None, None))
n = len(after(pid, ts)) if pid is not None else 0
f = len(kids(pid)) if pid is not None else 0
check("the user's own program is still followed (%d events, %d children/threads)" % (n, f), n > 20 and f >= 1)
sys.exit(0 if ok else 1)
PY
prc=$?
check "nobody with file caps: children with other credentials not followed (exit $rc)" \
  $([ $rc = 0 ] && [ $prc = 0 ]; echo $?) "exit $rc: $(head -5 "$d/err")"

# without the capabilities: the usual message
cp "$trd" "$d/plain" && chmod 755 "$d/plain"
as_nobody "$d/plain" -q -o "$out/plain.trz" -- /bin/true 2>"$d/err"
rc=$?
[ $rc = 4 ] && grep -q "need root, or CAP_BPF and CAP_PERFMON" "$d/err"
check "nobody without capabilities: exit 4" $? "exit $rc: $(cat "$d/err")"
exit $fail
