#!/usr/bin/env python3
"""An independent .trz reader (versions 1 and 2) written from man/trz.5 alone (not from
user/trz/*.c).  STRING records (the strings column) are shown with their entry event, as
tracerec-dump's JSON lines show them.

  trz_spec_reader.py FILE.trz        one canonical line per record
  trz_spec_reader.py --jsonl < X     the same canonical lines from `tracerec-dump --format jsonl`

tests/trz_spec.sh compares the two: if they agree, the man page is enough to write a reader.
Problems are printed to stderr as "warning: ..." and reading goes on, as trz(5) requires.
"""
import json
import struct
import sys
import zlib

MAGIC = b"\x89TRZ\r\n\x1a\n"
BLOCK_MAGIC = b"TRZB"
NCOLS = 14
KIND, CPU, TS, TSHI, TID, TIDLIT, TOK, TOKLIT, TSEQ, CSEQ, RET, ARGS, MISC, STR, XSTR = range(15)
M64 = (1 << 64) - 1


class Corrupt(Exception):
    pass


class Col:
    def __init__(self, data):
        self.d, self.p = data, 0

    def byte(self):
        if self.p >= len(self.d):
            raise Corrupt("column ends")
        self.p += 1
        return self.d[self.p - 1]

    def varint(self):
        v = 0
        for i in range(10):
            b = self.byte()
            if i == 9 and b > 1:
                raise Corrupt("bad varint")
            v |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                return v
        raise Corrupt("varint too long")

    def bytes(self, n):
        if self.p + n > len(self.d):
            raise Corrupt("column ends")
        self.p += n
        return self.d[self.p - n:self.p]

    def string(self, maxlen):
        n = self.varint()
        if n >= maxlen:
            raise Corrupt("string too long")
        s = self.bytes(n)
        if b"\0" in s:
            raise Corrupt("NUL in string")
        # bytes that are not UTF-8 are read as Latin-1, as tracerec-dump's JSON does
        t = s.decode("utf-8", "surrogateescape")
        return "".join(chr(ord(ch) - 0xDC00) if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in t)


def unzz(z):
    return (z >> 1) ^ -(z & 1)


def s64(v):
    v &= M64
    return v - (1 << 64) if v >> 63 else v


class State:
    def __init__(self, version):
        self.version = version
        self.prev_ts = 0
        self.prev_thread_tid = 0
        self.threads = []  # [tid, pid, next_tseq, pending, pending_nr]
        self.thread_keys = set()
        self.tokens = []  # [nr, dir, last_ret, last_args]
        self.token_index = {}
        self.slots = {}  # slot -> [thread index or None, next_cseq]

    def slot(self, cpu):
        return self.slots.setdefault(cpu if cpu < 4096 else 4096, [None, 0])

    def timestamp(self, c):
        lo, hi = c[TS].byte(), c[TSHI].varint()
        if hi >= 1 << 56:
            raise Corrupt("TSHI too large")
        self.prev_ts = (self.prev_ts + unzz((hi << 8) | lo)) & M64
        return self.prev_ts

    def add_token(self, nr, d):
        self.token_index[(nr, d)] = len(self.tokens)
        self.tokens.append([nr, d, 0, [0] * 6])
        return len(self.tokens) - 1


def u32_delta(col, base):
    z = col.varint()
    if z > 1 << 34:
        raise Corrupt("delta too large")
    v = base + unzz(z)
    if not 0 <= v <= 0xFFFFFFFF:
        raise Corrupt("u32 out of range")
    return v


def decode_event(st, c, flags):
    v = c[CPU].varint()
    if v > 65535:
        raise Corrupt("cpu")
    cpu = 65535 if v == 0 else v - 1
    slot = st.slot(cpu)
    ts = st.timestamp(c)
    r = c[TID].varint()
    if r == 0:
        if slot[0] is None:
            raise Corrupt("no thread on slot")
        ti = slot[0]
    elif r <= len(st.threads):
        ti = r - 1
    elif r == len(st.threads) + 1:
        tid, pid = c[TIDLIT].varint(), c[TIDLIT].varint()
        if tid > 0xFFFFFFFF or pid > 0xFFFFFFFF or (tid, pid) in st.thread_keys:
            raise Corrupt("thread literal")
        st.thread_keys.add((tid, pid))
        st.threads.append([tid, pid, 0, False, 0])
        ti = len(st.threads) - 1
    else:
        raise Corrupt("thread reference")
    slot[0] = ti
    th = st.threads[ti]
    r = c[TOK].varint()
    if r == 0:
        if not th[3]:
            raise Corrupt("no pending entry")
        key = (th[4], 1)
        ki = st.token_index[key] if key in st.token_index else st.add_token(*key)
    elif r <= len(st.tokens):
        ki = r - 1
    elif r == len(st.tokens) + 1:
        nr, d = unzz(c[TOKLIT].varint()), c[TOKLIT].varint()
        if not -(1 << 31) <= nr < 1 << 31 or d > 1 or (nr, d) in st.token_index:
            raise Corrupt("token literal")
        ki = st.add_token(nr, d)
    else:
        raise Corrupt("token reference")
    tok = st.tokens[ki]
    nr, d = tok[0], tok[1]
    if flags & 0x20 and d != 0:
        raise Corrupt("ENTRY_RET on exit")
    th[3], th[4] = d == 0, nr
    tseq = (th[2] + unzz(c[TSEQ].varint())) & M64
    th[2] = (tseq + 1) & M64
    cseq = (slot[1] + unzz(c[CSEQ].varint())) & M64
    slot[1] = (cseq + 1) & M64
    ret = 0
    if d == 1 or flags & 0x20:
        code, last = c[RET].varint(), tok[2]
        if code == 0:
            ret = last
        elif code & 1:
            ret = unzz((code - 1) // 2)
        elif code == 2:
            ret = unzz(c[RET].varint())
        else:
            ret = s64(last + unzz((code - 2) // 2))
        if flags & 0x20 and ret == 0:
            raise Corrupt("ENTRY_RET with ret 0")
        tok[2] = ret
    args = None
    if flags & 0x10:
        args = []
        for i in range(6):
            a = (tok[3][i] + unzz(c[ARGS].varint())) & M64
            tok[3][i] = a
            args.append(a)
    return dict(ts=ts, cpu=cpu, pid=th[1], tid=th[0], nr=nr, dir=d, ret=ret, tseq=tseq,
                cseq=cseq, args=args)


def token(col):
    nr, d = unzz(col.varint()), col.varint()
    if not -(1 << 31) <= nr < 1 << 31 or d > 1:
        raise Corrupt("sketch token")
    return (nr, d)


def decode_sketch(col, lost):
    flag = col.varint()
    if flag > 1:
        raise Corrupt("sketch flag")
    if flag == 0:
        return None
    n = col.varint()
    if n > 64:
        raise Corrupt("sketch ntoks")
    counts = []
    for _ in range(n):
        t = token(col)
        cnt = col.varint()
        if cnt == 0 or any(t == (a, b) for a, b, _ in counts):
            raise Corrupt("sketch count")
        counts.append((t[0], t[1], cnt))
    other = col.varint()
    ends = []
    for _ in range(2):
        k = col.varint()
        if k > 8:
            raise Corrupt("sketch ends")
        ends.append([token(col) for _ in range(k)])
    t_first = col.varint()
    t_last = t_first + col.varint()
    if t_last > M64 or lost == 0 or sum(x[2] for x in counts) + other != lost:
        raise Corrupt("sketch does not add up")
    return dict(counts=counts, other=other, first=ends[0], last=ends[1], t_first=t_first,
                t_last=t_last)


def decode_state(col):
    what = col.varint()
    if what not in (1, 2):
        raise Corrupt("state what")
    r = dict(what=what, ts=col.varint(), wall=col.varint(), pending=col.varint(),
             other=col.varint())
    n = col.varint()
    if n > 256:
        raise Corrupt("state ncpus")
    r["cpus"] = [(col.varint(), col.varint(), col.varint()) for _ in range(n)]
    n = col.varint()
    if n > 64:
        raise Corrupt("state nthreads")
    r["threads"] = []
    for _ in range(n):
        tid, pid, lost = col.varint(), col.varint(), col.varint()
        if tid > 0xFFFFFFFF or pid > 0xFFFFFFFF:
            raise Corrupt("state thread")
        r["threads"].append((tid, pid, lost))
    return r


def decode_record(st, c):
    k = c[KIND].byte()
    kind, flags = k & 0x0F, k & 0xF0
    if flags & ~0x30 or (flags and kind not in (1, 3)):
        raise Corrupt("kind flags")
    if kind in (1, 3):
        ev = decode_event(st, c, flags)
        if kind == 1:
            return ("event", ev)
        gap_id = c[MISC].varint()
        conf = struct.unpack("<f", c[MISC].bytes(4))[0]
        if gap_id == 0 or not 0.0 <= conf <= 1.0:
            raise Corrupt("synthetic fields")
        return ("synthetic", dict(ev, gap_id=gap_id, confidence=conf))
    if kind == 2:
        v = [c[MISC].varint() for _ in range(10)]
        if v[0] == 0 or v[6] > 0xFFFFFFFF or v[7] > 0xFFFFFFFF or v[8] > 65535 or v[9] > 1:
            raise Corrupt("gap fields")
        names = "id lost seq_first seq_last t_start_ns t_end_ns pid tid cpu attributed"
        g = dict(zip(names.split(), v))
        g["sketch"] = decode_sketch(c[MISC], g["lost"]) if st.version >= 2 else None
        return ("gap", g)
    if kind == 6:
        if st.version < 2:
            raise Corrupt("STATE in version 1")
        return ("state", decode_state(c[MISC]))
    if kind == 4:
        ts = st.timestamp(c)
        tid = u32_delta(c[MISC], st.prev_thread_tid)
        pid = u32_delta(c[MISC], tid)
        ppid = u32_delta(c[MISC], pid)
        what = c[MISC].varint()
        if what > 3:
            raise Corrupt("thread what")
        status = None
        if st.version >= 2:
            code = c[MISC].varint()
            if code > 0x10000 or (code and what != 3):
                raise Corrupt("exit status")
            status = code - 1 if code else None
        st.prev_thread_tid = tid
        comm, path = c[STR].string(16), c[STR].string(4096)
        return ("thread", dict(ts=ts, tid=tid, pid=pid, ppid=ppid, what=what, comm=comm,
                               path=path, status=status))
    if kind == 5:
        key, value = c[STR].string(64), c[STR].string(4096)
        if not key:
            raise Corrupt("empty key")
        return ("meta", dict(key=key, value=value))
    raise Corrupt("kind %d" % kind)


def decode_string(col):
    """One STRING after its position delta (trz(5), STRINGS)."""
    tid, tseq, nr = col.varint(), col.varint(), unzz(col.varint())
    arg, flags = col.varint(), col.varint()
    if tid > 0xFFFFFFFF or not -(1 << 31) <= nr < 1 << 31 or arg > 5 or flags & ~7 or \
            (flags & 4 and not flags & 2):
        raise Corrupt("string fields")
    index = None
    if flags & 2:
        index = col.varint()
        if index > 65535:
            raise Corrupt("string index")
    return dict(tid=tid, tseq=tseq, nr=nr, arg=arg, cut=bool(flags & 1), index=index,
                more=bool(flags & 4), s=col.string(4096))


def decode_block(hdr, zdata, version):
    comp, raw_len, nrec, ts_min, ts_max = struct.unpack_from("<IIIQQ", hdr, 4)
    if zlib.crc32(zdata) != struct.unpack_from("<I", hdr, 32)[0]:
        raise Corrupt("payload CRC")
    d = zlib.decompressobj()
    try:
        raw = d.decompress(zdata, raw_len + 1)
    except zlib.error as e:
        raise Corrupt("zlib: %s" % e)
    if len(raw) != raw_len or not d.eof or d.unused_data:
        raise Corrupt("inflated length")
    dc = Col(raw)
    ncols = dc.varint()
    if not NCOLS <= ncols <= 64:
        raise Corrupt("ncols")
    lens = [dc.varint() for _ in range(ncols)]
    if sum(lens) != len(raw) - dc.p:
        raise Corrupt("directory")
    cols, p = [], dc.p
    for n in lens[:NCOLS + 1]:
        cols.append(Col(raw[p:p + n]))
        p += n
    if ncols == NCOLS:
        cols.append(Col(b""))  # no strings column
    strings, pos = [], 0  # (position, string): the strings column, read first
    while cols[XSTR].p < len(cols[XSTR].d):
        pos += cols[XSTR].varint()
        if pos > nrec:
            raise Corrupt("string position")
        strings.append((pos, decode_string(cols[XSTR])))
    st, recs, tss = State(version), [], []
    for i in range(nrec + 1):
        recs += [("string", x) for at, x in strings if at == i]
        if i == nrec:
            break
        r = decode_record(st, cols)
        recs.append(r)
        if r[0] in ("event", "synthetic", "thread"):
            tss.append(r[1]["ts"])
    if any(c.p != len(c.d) for c in cols):
        raise Corrupt("column not used up")
    if (min(tss), max(tss)) != (ts_min, ts_max) if tss else (ts_min, ts_max) != (0, 0):
        raise Corrupt("ts_min/ts_max")
    return recs


def header_ok(h):
    return len(h) == 40 and h[:4] == BLOCK_MAGIC and \
        zlib.crc32(h[:36]) == struct.unpack_from("<I", h, 36)[0]


def read_file(path):
    data = open(path, "rb").read()
    if not data:
        sys.exit("error: empty file")
    if data[:8] != MAGIC[:len(data[:8])] or len(data) < 8:
        sys.exit("error: not a trz file")
    if len(data) < 16:
        sys.exit("error: truncated header")
    version, hlen = struct.unpack_from("<HH", data, 8)
    if version == 0 or version > 2:
        sys.exit("error: unsupported trz version %d" % version)
    if not 16 <= hlen <= 4096:
        sys.exit("error: header length")
    off = hlen
    while off < len(data):
        h = data[off:off + 40]
        if len(h) < 40:
            print("warning: truncated at %d" % off, file=sys.stderr)
            return
        if not header_ok(h):
            print("warning: corrupt header at %d" % off, file=sys.stderr)
            n = off + 1
            while n < len(data) and not header_ok(data[n:n + 40]):
                n = data.find(BLOCK_MAGIC, n + 1)
                if n < 0:
                    n = len(data)
            off = n
            continue
        comp, raw_len, nrec = struct.unpack_from("<III", h, 4)
        if comp > 68157440 or raw_len > 67108864 or nrec > 1048576 or comp < 1 or nrec > raw_len:
            print("warning: impossible lengths at %d" % off, file=sys.stderr)
            if comp > 68157440:
                n = data.find(BLOCK_MAGIC, off + 1)
                while n >= 0 and not header_ok(data[n:n + 40]):
                    n = data.find(BLOCK_MAGIC, n + 1)
                off = n if n >= 0 else len(data)
            else:
                off += 40 + comp
            continue
        if off + 40 + comp > len(data):
            print("warning: truncated at %d" % off, file=sys.stderr)
            return
        try:
            recs = decode_block(h, data[off + 40:off + 40 + comp], version)
        except Corrupt as e:
            print("warning: corrupt block at %d: %s" % (off, e), file=sys.stderr)
            recs = []
        for r in recs:
            yield r
        off += 40 + comp


def canon(kind, r):
    """One line per record, the same whichever reader produced r."""
    if kind in ("event", "synthetic"):
        args = " ".join(str(a) for a in r["args"]) if r["args"] else "-"
        line = "%s ts=%d cpu=%d pid=%d tid=%d nr=%d dir=%d ret=%d tseq=%d cseq=%d args=%s" % (
            kind, r["ts"], r["cpu"], r["pid"], r["tid"], r["nr"], r["dir"], r["ret"], r["tseq"],
            r["cseq"], args)
        if r.get("strings"):
            line += " strings=" + ",".join("%d/%s/%s%s:%s" % (
                x["arg"], "-" if x["index"] is None else x["index"], "c" if x["cut"] else "",
                "m" if x["more"] else "", json.dumps(x["s"])) for x in r["strings"])
        if kind == "synthetic":
            line += " gap=%d conf=%.4f" % (r["gap_id"], r["confidence"])
        return line
    if kind == "gap":
        who = "pid=%d tid=%d" % (r["pid"], r["tid"]) if r["attributed"] else "-"
        sk = r["sketch"]
        if sk:
            toks = lambda ts: ",".join("%d/%d" % t for t in ts)
            sk = "counts=%s other=%d first=%s last=%s t=%d..%d" % (
                ",".join("%d/%d:%d" % x for x in sk["counts"]), sk["other"], toks(sk["first"]),
                toks(sk["last"]), sk["t_first"], sk["t_last"])
        return "gap id=%d lost=%d seq=%d..%d t=%d..%d cpu=%d attributed=%d %s sketch=%s" % (
            r["id"], r["lost"], r["seq_first"], r["seq_last"], r["t_start_ns"], r["t_end_ns"],
            r["cpu"], r["attributed"], who, sk or "-")
    if kind == "thread":
        return "thread ts=%d pid=%d tid=%d ppid=%d what=%d comm=%s path=%s status=%s" % (
            r["ts"], r["pid"], r["tid"], r["ppid"], r["what"], json.dumps(r["comm"]),
            json.dumps(r["path"]), "-" if r["status"] is None else r["status"])
    if kind == "state":
        return "state what=%d ts=%d wall=%d pending=%d other=%d cpus=%s threads=%s" % (
            r["what"], r["ts"], r["wall"], r["pending"], r["other"],
            ",".join("%d/%d/%d" % c for c in r["cpus"]),
            ",".join("%d/%d/%d" % t for t in r["threads"]))
    return "meta %s=%s" % (json.dumps(r["key"]), json.dumps(r["value"]))


def from_jsonl(line):
    o = json.loads(line)
    k = o["kind"]
    if k in ("event", "synthetic"):
        r = dict(ts=o["ts_ns"], cpu=65535 if o["cpu"] is None else o["cpu"], pid=o["pid"],
                 tid=o["tid"], nr=o["nr"], dir=0 if o["dir"] == "entry" else 1,
                 ret=o.get("ret", 0), tseq=o["tseq"], cseq=o["cseq"], args=o.get("args"),
                 strings=[dict(arg=x["arg"], index=x.get("index"), cut=x.get("cut", False),
                               more=x.get("more", False), s=x["s"]) for x in o.get("strings", [])])
        if k == "synthetic":
            r.update(gap_id=o["gap_id"], confidence=o["confidence"])
        return k, r
    if k == "gap":
        sk = o.get("sketch")
        if sk:
            sk = dict(counts=[tuple(x) for x in sk["counts"]], other=sk["other"],
                      first=[tuple(x) for x in sk["first"]], last=[tuple(x) for x in sk["last"]],
                      t_first=sk["t_first_ns"], t_last=sk["t_last_ns"])
        return k, dict(id=o["id"], lost=o["lost"], seq_first=o["seq_first"],
                       seq_last=o["seq_last"], t_start_ns=o["t_start_ns"],
                       t_end_ns=M64 if o["t_end_ns"] is None else o["t_end_ns"],
                       cpu=65535 if o["cpu"] is None else o["cpu"],
                       attributed=1 if o["attributed"] else 0, pid=o.get("pid", 0),
                       tid=o.get("tid", 0), sketch=sk)
    if k == "state":
        return k, dict(what=1 if o["what"] == "snapshot" else 2, ts=o["ts_ns"], wall=o["wall_ns"],
                       pending=o["pending_lost"], other=o["other_lost"],
                       cpus=[tuple(c) for c in o["cpus"]], threads=[tuple(t) for t in o["threads"]])
    if k == "thread":
        what = ["snapshot", "fork", "exec", "exit"].index(o["what"])
        return k, dict(ts=o["ts_ns"], pid=o["pid"], tid=o["tid"], ppid=o["ppid"], what=what,
                       comm=o["comm"], path=o["path"], status=o.get("exit_status"))
    return k, dict(key=o["key"], value=o["value"])


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--jsonl":
        for line in sys.stdin:
            print(canon(*from_jsonl(line)))
    elif len(sys.argv) == 2:
        waiting = {}  # (tid, tseq) -> strings that come before their entry event
        for kind, r in read_file(sys.argv[1]):
            if kind == "string":
                waiting.setdefault((r["tid"], r["tseq"]), []).append(r)
                continue
            if kind == "event" and r["dir"] == 0:
                r["strings"] = waiting.pop((r["tid"], r["tseq"]), [])
            print(canon(kind, r))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
