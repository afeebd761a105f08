#!/usr/bin/env bash
# sqlite.sh [N] - database-like stand-in (pts/sqlite's kind of work): python3's sqlite3 on a file
# database with a write-ahead log: N rounds (default 30) of 200 inserts in a transaction, an
# indexed range query, an update and a delete, each round committed (fsync), then a VACUUM.
# Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-30}
wl_need python3 python3
wl_timer_start
"$PY" - "$wl_dir" "$size" <<'PY'
import os, sqlite3, sys
d, n = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(os.path.join(d, "bench.db"))
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT)")
db.execute("CREATE INDEX tk ON t (k)")
x = 1
for r in range(n):
    rows = []
    for i in range(200):
        x = (x * 1103515245 + 12345) % 2147483648
        rows.append((x % 10000, "value-%d-%d" % (r, x % 997)))
    with db:
        db.executemany("INSERT INTO t (k, v) VALUES (?, ?)", rows)
    lo = (r * 311) % 9000
    db.execute("SELECT count(*), max(v) FROM t WHERE k BETWEEN ? AND ?", (lo, lo + 500)).fetchone()
    with db:
        db.execute("UPDATE t SET v = v || 'u' WHERE k % 97 = ?", (r % 97,))
        db.execute("DELETE FROM t WHERE k % 89 = ?", (r % 89,))
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("VACUUM")
db.close()
PY
wl_score_seconds
