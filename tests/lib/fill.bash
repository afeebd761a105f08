# Shared by the gap-repair end-to-end tests (sourced, not run): the tracerecd tests' helpers
# (B, TOP, trd, dump, progs, fail, check, need_root_btf) plus the ones below.
. "$(dirname "${BASH_SOURCE[0]}")/tracerecd.bash"
fill=$B/tracerec-fill
# jget KEY < json: the number after "KEY":
jget() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

# Per gap: synthetic events written for it == its lost count, tseqs exactly its range.
# Prints "gaps N bad M".
check_gap_counts() { # CSV
  awk -F, '
    $1 == "gap" && $20 == "attributed" { lost[$14] = $16; lo[$14] = $17; hi[$14] = $18 }
    $1 == "synthetic" { n[$14]++; if ($11 < lo[$14] || $11 > hi[$14]) out[$14]++ }
    END { g = 0; bad = 0
      for (id in lost) { g++; if (n[id] != lost[id] || out[id]) bad++ }
      print "gaps", g, "bad", bad }' "$1"
}

# Entry/exit consistency of every thread once repaired: in tseq order, an entry is followed
# by the exit of the same syscall and an exit by an entry.  Counts the violations next to a
# synthetic event (recorded neighbours are the tracer's business).  Prints "pairs N bad M".
check_consistency() { # CSV
  awk -F, '$1 == "event" || $1 == "synthetic" { print $5, $11, $7, $9, ($1 == "synthetic") }' "$1" |
    sort -k1,1n -k2,2n |
    awk '{ if ($1 == tid && $2 == seq + 1 && (syn || $5)) {
             pairs++
             if (dir == "entry" && ($4 != "exit" || $3 != sc) && sc != "exit_group" && sc != "exit") bad++
             if (dir == "exit" && $4 != "entry") bad++ }
           tid = $1; seq = $2; sc = $3; dir = $4; syn = $5 }
         END { print "pairs", pairs + 0, "bad", bad + 0 }'
}

# fill_pattern threads (tids in TIDS, "tid loops" lines): the share of synthetic events inside
# the loop that equal the known pattern (iteration i: getppid, getuid, getgid x (1 + i % 3),
# geteuid).  The pattern's phase is anchored on the first recorded getppid entry that starts a
# recorded run of 30 events matching it.  Prints "synthetic N right M".
check_pattern() { # CSV TIDS
  awk -F, '$1 == "event" || $1 == "synthetic" { print $5, $11, $7 ":" $9, ($1 == "synthetic") }' "$1" |
    sort -k1,1n -k2,2n |
    awk -v tids="$(cut -d' ' -f1 "$2" | tr '\n' ' ')" '
      BEGIN { n = split(tids, t, " "); for (i = 1; i <= n; i++) want[t[i]] = 1
        np = 0
        for (it = 0; it < 3; it++) {
          P[np++] = "getppid:entry"; P[np++] = "getppid:exit"
          P[np++] = "getuid:entry"; P[np++] = "getuid:exit"
          for (k = 0; k <= it; k++) { P[np++] = "getgid:entry"; P[np++] = "getgid:exit" }
          P[np++] = "geteuid:entry"; P[np++] = "geteuid:exit" } }
      function flush(   i, j, ok, a, last) {
        if (!cur || !(cur in want)) return
        a = -1
        for (i = 0; i < m && a < 0; i++) {
          if (tok[i] != P[0] || syn[i]) continue
          ok = 1
          for (j = 0; j < np && ok; j++) ok = i + j < m && !syn[i + j] && seqs[i + j] == seqs[i] + j && tok[i + j] == P[j]
          if (ok) a = i }
        if (a < 0) return
        last = a
        for (i = a; i < m; i++) if (!syn[i] && tok[i] == P[(seqs[i] - seqs[a]) % np]) last = i
        for (i = a; i <= last; i++) if (syn[i]) { S++; if (tok[i] == P[(seqs[i] - seqs[a]) % np]) R++ } }
      $1 != cur { flush(); cur = $1; m = 0 }
      { seqs[m] = $2; tok[m] = $3; syn[m] = $4; m++ }
      END { flush(); print "synthetic", S + 0, "right", R + 0 }'
}
