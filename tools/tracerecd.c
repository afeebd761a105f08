/* tracerecd.c - record the syscalls of processes with eBPF, with exact loss accounting.
 *
 *   sudo tracerecd -- make -j2          trace a command (and everything it starts)
 *   sudo tracerecd --pid 1234,5678      attach to running processes and their descendants
 *   sudo tracerecd --all --duration 10  every process but tracerecd itself
 *
 * Exit status: see EXIT STATUS in man/tracerecd.8 (the CLI_EX_* table of common/cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "collect/recorder.h"
#include "fill/livefill.h"
#include "collect/tracee.h"
#include "collect/loader.h"
#include "trz/trz.h"
#include "common/outfile.h"
#include "common/cli.h"

#define DEFAULT_RING_BYTES (8ull << 20)
#define MIN_RING_BYTES 4096ull /* one page */
#define MAX_RING_BYTES \
	(2ull << 30) /* the kernel's largest ring: max_entries is a __u32 power of two */
#define MAX_DURATION_S 31536000.0 /* a year */
#define MAX_FILL_TIMEOUT_S 3600.0
#define MAX_TEST_DELAY_US 1000000
#define POLL_MS 100
#define CONSUMER_NICE (-10) /* the consumer must not be starved by the workload it traces */

static const char *prog = "tracerecd";
static volatile sig_atomic_t exiting; /* the signal that stopped tracing */
static int verbose;

struct opts {
	const char *out;
	int force; /* --force: replace an existing regular -o file */
	const char *pids;
	int all, args, quiet, stats, as_root;
	uint64_t ring_bytes;
	double duration;
	long long test_delay_us;
	long long *pid_list; /* --pid, parsed */
	int npid_list;
	int inject_attach, inject_lose; /* hidden --test-inject */
	const char *fill;               /* --fill MODEL (user/livefill.c) */
	double fill_timeout;
	char **cmd;
};

static const char usage_text[] =
	"Usage: tracerecd [OPTION...] (--pid PID[,PID...] | --all | -- COMMAND [ARG...])\n"
	"Record the syscalls of processes with eBPF into a .trz trace that knows exactly\n"
	"which events of which thread it lost.\n"
	"\n"
	"Targets (exactly one):\n"
	"  -p, --pid=PID[,PID...]   trace running processes and their descendants\n"
	"  -a, --all                trace every process but tracerecd itself\n"
	"  -- COMMAND [ARG...]      start COMMAND suspended, trace it and its descendants;\n"
	"                           stop when it exits (under sudo it runs as the invoking\n"
	"                           user unless --as-root)\n"
	"\n"
	"Options:\n"
	"  -o, --output=FILE        trace file, created new, mode 0600, as the invoking user\n"
	"                           under sudo; - is standard output (a pipe), and then\n"
	"                           COMMAND's standard output goes to standard error\n"
	"                           (default: tracerec-YYYYmmdd-HHMMSS.trz)\n"
	"      --force              replace an existing FILE (a regular file or symbolic\n"
	"                           link: a new file is renamed over it)\n"
	"  -b, --buffer-size=SIZE   ring buffer per CPU, K/M/G suffixes (default: 8M)\n"
	"  -d, --duration=SECONDS   stop after SECONDS (default: until the command exits,\n"
	"                           or SIGINT/SIGTERM)\n"
	"  -A, --args               record the raw arguments of every syscall entry\n"
	"  -s, --stats              print events/s and lost/s per CPU every second\n"
	"      --fill=MODEL         fill gaps while tracing, with MODEL: an n-gram model or\n"
	"                           SSSD-S4 checkpoint from tracerec-train, or a .trz of\n"
	"                           another run (default: no live filling)\n"
	"      --fill-timeout=SECONDS  longest wait of a gap for its right context before it\n"
	"                           is filled anyway (default: 2)\n"
	"      --as-root            run COMMAND as root even under sudo\n"
	"  -q, --quiet              no summary at exit\n"
	"  -v, --verbose            libbpf debug output and the verifier log\n"
	"  -h, --help               this help\n"
	"  -V, --version            print the version\n"
	"\n"
	"Examples:\n"
	"  sudo tracerecd -- make -j2\n"
	"  sudo tracerecd -o web.trz --pid 1234,5678 --duration 30\n"
	"  sudo tracerecd --all --stats -o all.trz\n";

enum { OPT_AS_ROOT = 256, OPT_TEST_DELAY, OPT_FILL, OPT_FILL_TIMEOUT, OPT_FORCE, OPT_TEST_INJECT };

static const struct option long_opts[] = {
	{ "pid", required_argument, 0, 'p' },
	{ "all", no_argument, 0, 'a' },
	{ "output", required_argument, 0, 'o' },
	{ "buffer-size", required_argument, 0, 'b' },
	{ "duration", required_argument, 0, 'd' },
	{ "args", no_argument, 0, 'A' },
	{ "stats", no_argument, 0, 's' },
	{ "as-root", no_argument, 0, OPT_AS_ROOT },
	{ "quiet", no_argument, 0, 'q' },
	{ "verbose", no_argument, 0, 'v' },
	{ "help", no_argument, 0, 'h' },
	{ "version", no_argument, 0, 'V' },
	{ "test-consumer-delay-us", required_argument, 0, OPT_TEST_DELAY }, /* hidden */
	{ "test-inject", required_argument, 0, OPT_TEST_INJECT },           /* hidden */
	{ "fill", required_argument, 0, OPT_FILL },
	{ "fill-timeout", required_argument, 0, OPT_FILL_TIMEOUT },
	{ "force", no_argument, 0, OPT_FORCE },
	{ 0, 0, 0, 0 },
};

/* --pid PID[,PID...]: every element a pid, none empty (the processes are looked up later). */
static int parse_pid_list(struct opts *o, const char *arg)
{
	long long *v;
	const char *bad;
	int n = cli_parse_list(arg, 1, TRC_PID_LIMIT - 1, TRC_PID_LIMIT, &v, &bad);

	if (n == -ENOMEM) {
		p_err("out of memory");
		return CLI_EX_FAIL;
	}
	if (n < 0) {
		int len = (int)strcspn(bad, ",");

		if (!len)
			p_err("invalid --pid '%s': empty element (want PID[,PID...])", arg);
		else
			p_err("invalid pid '%.*s' in --pid '%s' (want PID[,PID...], each in 1..%u)",
			      len, bad, arg, TRC_PID_LIMIT - 1);
		return CLI_EX_USAGE;
	}
	free(o->pid_list);
	o->pid_list = v;
	o->npid_list = n;
	o->pids = arg;
	return 0;
}

/* Returns 0, or CLI_EX_USAGE after printing the problem; -1 = --help/--version done. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const char short_opts[] = "+p:ao:b:d:AsqvhV";
	int c, rc = 0;

	o->ring_bytes = DEFAULT_RING_BYTES;
	opterr = 0;
	while (!rc && (c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': rc = parse_pid_list(o, optarg); break;
		case 'a': o->all = 1; break;
		case 'o': o->out = optarg; break;
		case 'A': o->args = 1; break;
		case 's': o->stats = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': verbose = 1; break;
		case OPT_AS_ROOT: o->as_root = 1; break;
		case OPT_FORCE: o->force = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		case 'V': cli_version(); return -1;
		case 'b':
			rc = cli_opt_size(long_opts, c, optarg, MIN_RING_BYTES, MAX_RING_BYTES,
					  &o->ring_bytes);
			break;
		case 'd':
			rc = cli_opt_seconds(long_opts, c, optarg, 0.001, MAX_DURATION_S,
					     &o->duration);
			break;
		case OPT_FILL: o->fill = optarg; break;
		case OPT_FILL_TIMEOUT:
			rc = cli_opt_seconds(long_opts, c, optarg, 0.001, MAX_FILL_TIMEOUT_S,
					     &o->fill_timeout);
			break;
		case OPT_TEST_DELAY:
			rc = cli_opt_ll(long_opts, c, optarg, 0, MAX_TEST_DELAY_US,
					&o->test_delay_us);
			break;
		case OPT_TEST_INJECT: /* failure injection for tests: after-attach, lose-event */
			if (!strcmp(optarg, "after-attach"))
				o->inject_attach = 1;
			else if (!strcmp(optarg, "lose-event"))
				o->inject_lose = 1;
			else
				rc = cli_usage("invalid --test-inject '%s'", optarg);
			break;
		default: return cli_bad_option(long_opts, short_opts, argv);
		}
	}
	if (rc)
		return rc;
	if (optind < argc)
		o->cmd = argv + optind;
	if (!!o->pids + o->all + !!o->cmd != 1)
		return cli_usage("choose exactly one of --pid PID, --all or -- COMMAND");
	if (o->out && !strcmp(o->out, "-") && isatty(STDOUT_FILENO))
		return cli_usage("-o -: standard output is a terminal; pipe the trace "
				 "(| tracerec-dump -) or redirect it");
	return 0;
}

static void on_signal(int sig)
{
	exiting = sig;
}

/* Not SIG_IGN: a handler, so that a -- COMMAND gets the default SIGPIPE back at exec. */
static void on_sigpipe(int sig)
{
	(void)sig;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Root, or CAP_BPF + CAP_PERFMON in the effective set. */
static int have_privileges(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (geteuid() == 0)
		return 1;
	if (syscall(SYS_capget, &h, d))
		return 0;
	return (d[1].effective & (1u << (39 - 32))) && (d[1].effective & (1u << (38 - 32)));
}

/* 1 when the real user could read-trace process pid (the kernel's PTRACE_MODE_READ rule for
 * unprivileged callers): its real, effective and saved ids are our real ids, and it passes the
 * kernel's own check (dumpable, LSMs) for opening /proc/PID/environ with our fs ids. */
static int user_may_trace(pid_t pid)
{
	char path[64], line[256];
	unsigned long id[3];
	int ok = 0, fd;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* NOLINTNEXTLINE(cert-err34-c): the kernel's own decimal ids */
		if (sscanf(line, "Uid: %lu %lu %lu", &id[0], &id[1], &id[2]) == 3)
			ok |= (id[0] == getuid() && id[1] == getuid() && id[2] == getuid()) ? 1 : 4;
		/* NOLINTNEXTLINE(cert-err34-c): the kernel's own decimal ids */
		else if (sscanf(line, "Gid: %lu %lu %lu", &id[0], &id[1], &id[2]) == 3)
			ok |= (id[0] == getgid() && id[1] == getgid() && id[2] == getgid()) ? 2 : 4;
	}
	fclose(f);
	if (ok != 3)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	close(fd);
	return 1;
}

/* Without real root (file capabilities, e.g. setcap cap_bpf,cap_perfmon+ep on a copy), only
 * what the invoking user could trace with ptrace: no --all, every --pid their own.  Prints and
 * returns CLI_EX_PERM, or 0. */
static int check_targets(const struct opts *o, const pid_t *pids, int n)
{
	if (getuid() == 0)
		return 0;
	if (o->all) {
		p_err("--all needs root: without it only your own processes may be traced");
		return CLI_EX_PERM;
	}
	for (int i = 0; i < n; i++)
		if (!user_may_trace(pids[i])) {
			p_err("pid %d: permission denied (not a process you could ptrace; tracing "
			      "other users' processes needs root)",
			      (int)pids[i]);
			return CLI_EX_PERM;
		}
	return 0;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* -o -: the trace goes to standard output through a private descriptor, and fd 1 becomes
 * stderr, so that nothing else (a -- COMMAND inherits fd 1, as under perf record -o -) writes
 * into the trace stream.  The descriptor is close-on-exec: the command never gets it. */
static int trace_to_stdout(struct outfile *of, char *name, size_t size)
{
	int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);

	if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err;
	}
	of->fd = fd;
	snprintf(name, size, "standard output");
	return 0;
}

/* Create the output file new (user/common/outfile.h: O_EXCL|O_NOFOLLOW, 0600, with the invoking
 * user's rights under sudo; --force writes a temporary renamed over FILE once tracing started). */
static int open_output(struct opts *o, struct outfile *of, char *name, size_t size,
		       struct trz_writer **w)
{
	/* zlib level 1: a quarter less consumer CPU than the default 6, ~15% larger files */
	struct trz_writer_opts wo = { .zlevel = 1 };
	int err;

	if (o->out) {
		snprintf(name, size, "%s", o->out);
	} else {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(name, size, "tracerec-%Y%m%d-%H%M%S.trz", &tm);
	}
	err = outfile_open(of, name, OUTFILE_STDOUT_OK | (o->force ? OUTFILE_FORCE : 0));
	if (err)
		return err;
	if (of->is_stdout && (err = trace_to_stdout(of, name, size)))
		return err;
	*w = trz_writer_fdopen(of->fd, &wo);
	if (!*w) {
		err = -errno;
		close(of->fd);
		outfile_discard(of);
		return err;
	}
	return 0;
}

static int write_metadata(struct recorder *r, int argc, char **argv, const struct opts *o,
			  int ncpus, uint64_t ring_bytes)
{
	char buf[TRZ_PATH_MAX], tbuf[64];
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	size_t len = 0;
	int err = 0;

	uname(&u);
	gmtime_r(&t, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (int i = 0; i < argc && len < sizeof(buf) - 1; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", argv[i]);
	err = err ?: recorder_meta(r, "host", u.nodename);
	err = err ?: recorder_meta(r, "kernel", u.release);
	err = err ?: recorder_meta(r, "arch", u.machine);
	err = err ?: recorder_meta(r, "tool", "tracerecd " TRACEREC_VERSION);
	err = err ?: recorder_meta(r, "start_time", tbuf);
	/* the two clocks read back to back: wall clock = trace clock + (realtime - monotonic) */
	uint64_t mono = now_ns(CLOCK_MONOTONIC), real = now_ns(CLOCK_REALTIME);
	snprintf(tbuf, sizeof(tbuf), "%llu", (unsigned long long)mono);
	err = err ?: recorder_meta(r, "start_monotonic_ns", tbuf);
	snprintf(tbuf, sizeof(tbuf), "%llu", (unsigned long long)real);
	err = err ?: recorder_meta(r, "start_realtime_ns", tbuf);
	err = err ?: recorder_meta(r, "clock", "CLOCK_MONOTONIC");
	err = err ?: recorder_meta(r, "cmdline", buf);
	err = err ?: recorder_meta(r, "mode", o->all ? "all" : o->pids ? "pid" : "command");
	snprintf(buf, sizeof(buf), "%d", ncpus);
	err = err ?: recorder_meta(r, "ncpus", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ring_bytes);
	err = err ?: recorder_meta(r, "ring_bytes", buf);
	return err;
}

/* The --pid list (parsed by parse_pid_list()) into tgids; prints and returns CLI_EX_* on a
 * problem. */
static int resolve_pids(const long long *list, int nlist, pid_t **out, int *n)
{
	pid_t *p = calloc(nlist, sizeof(*p));
	int rc = 0;

	*n = 0;
	*out = p;
	if (!p) {
		p_err("out of memory");
		return CLI_EX_FAIL;
	}
	for (int i = 0; i < nlist && !rc; i++) {
		int tgid = tracee_tgid((pid_t)list[i]);

		if (tgid < 0) {
			p_err("pid %lld not found", list[i]);
			rc = CLI_EX_NOTARGET;
		} else if (tgid == getpid()) {
			p_err("pid %lld is tracerecd itself", list[i]);
			rc = CLI_EX_USAGE;
		} else {
			p[(*n)++] = tgid;
		}
	}
	return rc;
}

/* Add pids and their current descendants to the traced set and snapshot their threads. */
static int trace_existing(struct trc_collector *c, struct recorder *r, const pid_t *pids, int n)
{
	pid_t *desc = NULL;
	int nd, err = 0;
	uint64_t ts = now_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < n && !err; i++)
		err = trc_collector_trace_pid(c, pids[i]);
	/* the fork hook is attached: later children are followed by the kernel side */
	nd = err ? 0 : tracee_descendants(pids, n, &desc);
	if (nd < 0)
		err = nd;
	for (int i = 0; i < nd && !err; i++)
		err = trc_collector_trace_pid(c, desc[i]);
	for (int i = 0; i < n && !err; i++)
		if ((err = tracee_snapshot(pids[i], ts, recorder_thread, r)) == -ESRCH)
			err = 0;
	for (int i = 0; i < nd && !err; i++)
		if ((err = tracee_snapshot(desc[i], ts, recorder_thread, r)) == -ESRCH)
			err = 0;
	free(desc);
	return err;
}

static void print_stats_line(struct trc_collector *c, struct recorder *r, uint64_t *prev_ev,
			     uint64_t *prev_drops)
{
	uint64_t ev = recorder_events(r);
	struct trc_cpu_stats cs;

	fprintf(stderr, "%s: %llu events/s, lost/s:", prog, (unsigned long long)(ev - *prev_ev));
	*prev_ev = ev;
	for (int i = 0; i < trc_collector_ncpus(c); i++) {
		trc_collector_cpu_stats(c, i, &cs);
		fprintf(stderr, " cpu%d %llu", i, (unsigned long long)(cs.drops - prev_drops[i]));
		prev_drops[i] = cs.drops;
	}
	fputc('\n', stderr);
}

static void print_summary(const struct recorder_summary *s, double secs, const char *out)
{
	fprintf(stderr,
		"%s: %.2f s, %llu events (%.0f/s), %llu threads, output %s %.1f KiB, %.2f bytes/event\n",
		prog, secs, (unsigned long long)s->events, secs > 0 ? s->events / secs : 0.0,
		(unsigned long long)s->threads, out, s->bytes / 1024.0,
		s->events ? (double)s->bytes / s->events : 0.0);
	fprintf(stderr, "%s: events lost: %llu (%llu in %llu thread gaps, %llu unattributed)", prog,
		(unsigned long long)s->kernel_lost, (unsigned long long)s->lost,
		(unsigned long long)s->gaps, (unsigned long long)s->unattr_lost);
	for (int i = 0; i < s->ncpus; i++)
		fprintf(stderr, "%s cpu%d %llu", i ? "," : ";", i,
			(unsigned long long)s->cpus[i].lost);
	fputc('\n', stderr);
	if (s->lost)
		fprintf(stderr,
			"%s: lost syscalls known: %llu of %llu (sketches of %llu events not delivered, %llu not fitting their gap)\n",
			prog, (unsigned long long)s->lost_known, (unsigned long long)s->lost,
			(unsigned long long)s->sketch_lost, (unsigned long long)s->sketches_dropped);
	for (int i = 0; i < s->ntop; i++)
		fprintf(stderr, "%s:   tid %u (pid %u): %llu lost, %llu recorded\n", prog,
			s->top[i].tid, s->top[i].pid, (unsigned long long)s->top[i].lost,
			(unsigned long long)s->top[i].recorded);
	for (int i = 0; i < s->ncpus; i++)
		fprintf(stderr, "%s: cpu%d: recorded %llu + lost %llu %s attempted %llu\n", prog, i,
			(unsigned long long)s->cpus[i].recorded, (unsigned long long)s->cpus[i].lost,
			s->cpus[i].ok ? "==" : "!=", (unsigned long long)s->cpus[i].attempted);
	fprintf(stderr,
		"%s: invariant recorded + lost == attempted: %s per cpu, %s per thread (%llu threads checked",
		prog, s->cpu_ok ? "holds" : "VIOLATED", s->threads_bad ? "VIOLATED" : "holds",
		(unsigned long long)s->threads_checked);
	if (s->threads_bad)
		fprintf(stderr, ", %llu bad", (unsigned long long)s->threads_bad);
	fprintf(stderr, ")\n");
	if (s->strings || s->strings_lost || s->strings_unreadable)
		fprintf(stderr,
			"%s: string arguments: %llu recorded, %llu lost (ring full), %llu not readable at the entry nor the exit (shown as pointers)\n",
			prog, (unsigned long long)s->strings, (unsigned long long)s->strings_lost,
			(unsigned long long)s->strings_unreadable);
	if (s->ctl_lost || s->no_storage || s->traced_full || s->unexplained)
		fprintf(stderr,
			"%s: also: %llu process records lost, %llu events without task storage, %llu processes not followed (traced set full), %llu unexplained\n",
			prog, (unsigned long long)s->ctl_lost, (unsigned long long)s->no_storage,
			(unsigned long long)s->traced_full, (unsigned long long)s->unexplained);
}

/* Write the per-CPU accounting into the trace as metadata. */
static int write_accounting(struct recorder *r, const struct recorder_summary *s)
{
	char buf[TRZ_PATH_MAX];
	size_t len = 0;

	for (int i = 0; i < s->ncpus && len < sizeof(buf) - 80; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
				"%scpu%d attempted=%llu recorded=%llu lost=%llu", i ? "; " : "", i,
				(unsigned long long)s->cpus[i].attempted,
				(unsigned long long)s->cpus[i].recorded,
				(unsigned long long)s->cpus[i].lost);
	return recorder_meta(r, "cpu_accounting", buf);
}

static int child_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return CLI_EX_FAIL;
}

/* -- COMMAND mode, tracing done: the exit status, and a word when the command outlives its
 * tracing (--duration expired, or tracerecd got SIGINT/SIGTERM that the command did not). */
static int command_outcome(const struct opts *o, pid_t pid, int done, int status, int sig)
{
	if (done) {
		if (!o->quiet)
			fprintf(stderr, "%s: %s exited with status %d\n", prog, o->cmd[0],
				child_status(status));
		return child_status(status);
	}
	if (sig)
		p_err("%s (pid %d) still running, no longer traced: tracerecd got %s", o->cmd[0],
		      (int)pid,
		      sig == SIGINT    ? "SIGINT"
		      : sig == SIGTERM ? "SIGTERM"
				       : "a signal");
	else
		p_err("%s (pid %d) still running, no longer traced: --duration expired", o->cmd[0],
		      (int)pid);
	return sig ? 128 + sig : CLI_EX_DURATION;
}

/* Live filling writes its synthetic events through the recorder's one sink. */
static int fill_sink(void *r, const struct trz_record *rec)
{
	return recorder_sink(r, rec);
}

static void print_fill_summary(struct livefill *lf)
{
	struct livefill_stats st;

	livefill_get_stats(lf, &st);
	fprintf(stderr,
		"%s: live fill (%s): %llu of %llu gaps filled (%llu events), %llu left "
		"unfilled (tracerec-fill can fill them), lag median %.1f ms, max %.1f ms\n",
		prog, st.method ? st.method : "?", (unsigned long long)st.gaps_filled,
		(unsigned long long)st.gaps_seen, (unsigned long long)st.events_filled,
		(unsigned long long)st.gaps_unfilled, st.lag_median_ms, st.lag_max_ms);
	if (st.ring_dropped)
		fprintf(stderr,
			"%s: live fill: %llu records not seen by the imputer (its queue was "
			"full)\n",
			prog, (unsigned long long)st.ring_dropped);
}

/* Everything one tracing run owns, from the options to the closed file. */
struct session {
	struct opts o;
	int argc;
	char **argv;
	struct trc_collector *c;
	struct recorder *r;
	struct trz_writer *w;
	struct outfile of;
	struct livefill *lf;
	struct tracee_child child;
	pid_t *pids;
	int npids, nice0;
	int attached;   /* programs attached: session_finish() must run */
	int child_done; /* the command was reaped; status holds its wait status */
	int status;
	uint64_t *prev_drops, prev_ev, t0;
	char out[4096], cmdpath[4096];
};

/* Test hook (--test-inject lose-event): the consumer drops one event without counting it,
 * as a consumer bug would, so that the invariant check has something to find. */
static int inject_on_event(void *ctx, int cpu, const struct trc_event *ev, const uint64_t *args)
{
	static uint64_t n;

	if (++n == 1000)
		return 0;
	return recorder_on_event(ctx, cpu, ev, args);
}

/* Process records go to the recorder; a process that left the traced set at an exec
 * (file-capability mode: it runs with credentials the user could not ptrace) is said here,
 * and the trace says it too (metadata "untraced"). */
static int on_task(void *r, const struct trc_task_rec *t)
{
	if (t->kind == TRC_TASK_EXEC && t->untraced)
		p_err("pid %u (%.16s) exec'd %.256s with credentials you could not ptrace "
		      "(setuid, setgid, file capabilities or an unreadable program): no longer "
		      "traced, nor its children",
		      t->pid, t->comm, t->path);
	return recorder_on_task(r, t);
}

/* Preconditions, output file, live filling, BPF load.  Prints and returns a CLI_EX_* code. */
static int session_prepare(struct session *s)
{
	struct opts *o = &s->o;
	const char *stage = "";
	struct sigaction sa;
	int err;

	if (!have_privileges()) {
		p_err("need root, or CAP_BPF and CAP_PERFMON (try: sudo tracerecd ...)");
		return CLI_EX_PERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		p_err("kernel BTF not available (/sys/kernel/btf/vmlinux: %s); a kernel built with CONFIG_DEBUG_INFO_BTF=y is needed",
		      strerror(errno));
		return CLI_EX_NOSUPPORT;
	}
	if (o->pids && (err = resolve_pids(o->pid_list, o->npid_list, &s->pids, &s->npids)))
		return err;
	if ((err = check_targets(o, s->pids, s->npids)))
		return err;
	if (o->cmd && (err = tracee_resolve(o->cmd[0], s->cmdpath, sizeof(s->cmdpath)))) {
		p_err(err == -EACCES ? "command not executable: %s" : "command not found: %s",
		      o->cmd[0]);
		return err == -EACCES ? CLI_EX_NOEXEC : CLI_EX_NOCMD;
	}
	libbpf_set_print(libbpf_print);
	errno = 0;
	s->nice0 = getpriority(PRIO_PROCESS, 0);
	if (errno)
		s->nice0 = 0;
	if (s->nice0 > CONSUMER_NICE)
		setpriority(PRIO_PROCESS, 0, CONSUMER_NICE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_sigpipe; /* a reader of -o - that goes away: EPIPE, a clean stop */
	sigaction(SIGPIPE, &sa, NULL);

	/* Output file */
	if ((err = open_output(o, &s->of, s->out, sizeof(s->out), &s->w))) {
		p_err("cannot create %s: %s", s->out, outfile_strerror(err));
		return CLI_EX_FAIL;
	}
	if (!(s->r = recorder_new(s->w))) {
		p_err("out of memory");
		return CLI_EX_FAIL;
	}
	if (o->fill) { /* live filling: an imputation thread fed by the recorder's hook */
		struct livefill_opts lo = { .model = o->fill,
					    .timeout = o->fill_timeout,
					    /* at stop: 5 s, or as long as a gap may wait */
					    .exit_wait = o->fill_timeout > 5 ? o->fill_timeout : 5 };
		if (!(s->lf = livefill_new(&lo))) {
			p_err("--fill: %s", err_text());
			return CLI_EX_FAIL;
		}
		recorder_set_hook(s->r, livefill_hook, s->lf);
	}

	/* Load & verify BPF programs, create the per-CPU rings */
	struct trc_collector_opts co = {
		.all = o->all,
		.args = o->args,
		.own_tgid = getpid(),
		.ring_bytes = o->ring_bytes,
		.on_event = o->inject_lose ? inject_on_event : recorder_on_event,
		.on_task = on_task,
		.on_string = recorder_on_string,
		.ctx = s->r,
		/* without real root, only what the user could ptrace: also after an exec */
		.user_only = getuid() != 0,
		.user_uid = getuid(),
		.user_gid = getgid(),
	};
	if ((err = trc_collector_open(&s->c, &co, &stage))) {
		p_err("failed to %s BPF collector: %s%s", stage, strerror(-err),
		      verbose ? "" : " (run with -v for libbpf's and the verifier's log)");
		return err == -EPERM || err == -EACCES ? CLI_EX_PERM : CLI_EX_FAIL;
	}
	recorder_set_collector(s->r, s->c);
	s->prev_drops = calloc(trc_collector_ncpus(s->c), sizeof(*s->prev_drops));
	if (!s->prev_drops ||
	    (err = write_metadata(s->r, s->argc, s->argv, o, trc_collector_ncpus(s->c),
				  trc_collector_ring_bytes(s->c)))) {
		p_err("writing %s: %s", s->out, strerror(s->prev_drops ? -err : ENOMEM));
		return CLI_EX_FAIL;
	}
	return CLI_EX_OK;
}

/* Start the command suspended: it is traced from the entry of its execve on. */
static int session_spawn(struct session *s)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw;
	int err;

	if (!s->o.as_root && !invoker_ids(&uid, &gid))
		uid = (uid_t)-1, gid = (gid_t)-1;
	pw = uid != (uid_t)-1 ? getpwuid(uid) : NULL;
	if ((err = tracee_spawn(&s->child, s->cmdpath, s->o.cmd, s->nice0, uid, gid,
				pw ? pw->pw_name : NULL))) {
		p_err("cannot start %s: %s", s->o.cmd[0], strerror(-err));
		return CLI_EX_FAIL;
	}
	/* traced from its execve on: its setup before (setuid, the wait for the go byte) is ours */
	if ((err = trc_collector_hold_exec(s->c, s->child.pid))) {
		p_err("cannot trace %s: %s", s->o.cmd[0], strerror(-err));
		return CLI_EX_FAIL;
	}
	return CLI_EX_OK;
}

/* Attach, then add the running targets (their new children are followed from now on) and
 * release the command.  Once this sets s->attached, every failure still goes through
 * session_finish() (detach, drain, accounting). */
static int session_start(struct session *s)
{
	struct opts *o = &s->o;
	int err;

	if ((err = trc_collector_attach(s->c))) {
		p_err("failed to attach BPF programs: %s%s", strerror(-err),
		      verbose ? "" : " (run with -v for details)");
		return CLI_EX_FAIL;
	}
	s->attached = 1;
	if ((err = outfile_commit(&s->of))) { /* --force: the new trace takes FILE's name now */
		p_err("cannot replace %s: %s", s->out, strerror(-err));
		return CLI_EX_FAIL;
	}
	if (o->all &&
	    (err = tracee_snapshot_all(getpid(), now_ns(CLOCK_MONOTONIC), recorder_thread, s->r))) {
		p_err("writing %s: %s", s->out, strerror(-err));
		return CLI_EX_FAIL;
	}
	if (o->pids) {
		err = o->inject_attach ? -EIO : trace_existing(s->c, s->r, s->pids, s->npids);
		if (err) {
			p_err("cannot set up tracing of --pid %s: %s", o->pids, strerror(-err));
			return CLI_EX_FAIL;
		}
	}
	if (o->cmd) {
		struct trz_thread th = { .ts_ns = now_ns(CLOCK_MONOTONIC),
					 .pid = s->child.pid,
					 .tid = s->child.pid,
					 .ppid = getpid(),
					 .what = TRZ_THREAD_FORK };

		snprintf(th.comm, sizeof(th.comm), "tracerecd");
		recorder_thread(s->r, &th);
		if ((err = tracee_release(&s->child))) {
			s->child.pid = 0;
			p_err("cannot run %s: %s", o->cmd[0], strerror(-err));
			return err == -ENOENT   ? CLI_EX_NOCMD
			       : err == -EACCES ? CLI_EX_NOEXEC
						: CLI_EX_FAIL;
		}
	}
	/* parse_opts() returned 0: exactly one of all, pids and cmd is set (the analyzer cannot
	 * see that cli_bad_option() never returns 0) */
	if (!o->quiet)
		fprintf(stderr, "%s: tracing %s%s, writing %s (Ctrl-C to stop)\n", prog,
			o->all    ? "all processes"
			: o->pids ? "pid "
				  : o->cmd[0], // NOLINT(clang-analyzer-core.NullDereference): see above
			o->pids ? o->pids : "", s->out);
	return CLI_EX_OK;
}

/* A write error stops the recording: say so once, with what became of the traced programs. */
static void write_failed(struct session *s, int err)
{
	char what[4200];

	if (s->child.pid > 0 && !s->child_done &&
	    waitpid(s->child.pid, &s->status, WNOHANG) == s->child.pid)
		s->child_done = 1;
	if (s->child.pid > 0 && s->child_done)
		snprintf(what, sizeof(what), "%s exited with status %d", s->o.cmd[0],
			 child_status(s->status));
	else if (s->child.pid > 0)
		snprintf(what, sizeof(what), "%s (pid %d) keeps running, untraced", s->o.cmd[0],
			 (int)s->child.pid);
	else
		snprintf(what, sizeof(what), "the traced processes keep running, untraced");
	p_err("writing %s: %s: recording stopped%s; %s", s->out, strerror(-err),
	      strcmp(s->out, "standard output") ? " (the file ends with its last complete block)" : "",
	      what);
}

/* Once a second: flush a block, --stats, and stop when every --pid target exited.
 * Returns 1 to stop, 0 to go on, or -1 after printing a failure. */
static int session_tick(struct session *s)
{
	int err;

	if ((err = trz_writer_flush(s->w))) {
		write_failed(s, err);
		return -1;
	}
	if (s->o.stats)
		print_stats_line(s->c, s->r, &s->prev_ev, s->prev_drops);
	if (s->o.pids && trc_collector_traced_count(s->c) == 0) {
		if (!s->o.quiet)
			fprintf(stderr, "%s: every traced process exited\n", prog);
		return 1;
	}
	return 0;
}

/* Consume until told to stop: the command exits, --pid targets all exit, --duration,
 * SIGINT/SIGTERM.  Returns CLI_EX_OK or CLI_EX_FAIL (printed). */
static int session_loop(struct session *s)
{
	uint64_t next_tick, now;
	int err, t;

	s->t0 = now_ns(CLOCK_MONOTONIC);
	next_tick = s->t0 + 1000000000ull;
	while (!exiting) {
		if (s->o.test_delay_us)
			usleep(s->o.test_delay_us);
		err = trc_collector_poll(s->c, POLL_MS);
		if (s->lf && !recorder_error(s->r))
			livefill_drain(s->lf, fill_sink,
				       s->r); /* write errors show in recorder_error() */
		if (recorder_error(s->r)) {
			write_failed(s, recorder_error(s->r));
			return CLI_EX_FAIL;
		}
		if (err < 0 && err != -EINTR) {
			p_err("reading the ring buffers: %s", strerror(-err));
			return CLI_EX_FAIL;
		}
		now = now_ns(CLOCK_MONOTONIC);
		if (now >= next_tick) {
			next_tick += 1000000000ull;
			if ((t = session_tick(s)))
				return t > 0 ? CLI_EX_OK : CLI_EX_FAIL;
		}
		if (s->o.duration > 0 && now - s->t0 >= (uint64_t)(s->o.duration * 1e9))
			break;
		if (s->child.pid > 0 && waitpid(s->child.pid, &s->status, WNOHANG) == s->child.pid) {
			s->child_done = 1;
			break;
		}
	}
	return CLI_EX_OK;
}

/* The end-of-run report: the summary (unless -q), the invariant warning exactly once (also
 * with -q and with --fill), the live fill summary. */
static void session_report(struct session *s, struct recorder_summary *sum, double secs)
{
	if (!s->o.quiet)
		print_summary(sum, secs, s->out); /* says "VIOLATED" itself */
	else if (!sum->cpu_ok || sum->threads_bad)
		p_err("invariant recorded + lost == attempted VIOLATED");
	if (s->lf && !s->o.quiet)
		print_fill_summary(s->lf);
}

/* Detach, drain, account, close the file and report.  rc is the run's status so far;
 * returns the final one. */
static int session_finish(struct session *s, int rc)
{
	struct recorder_summary sum;
	double secs;
	int err, cerr, rc2;

	if ((err = trc_collector_detach(s->c)))
		fprintf(stderr,
			"%s: warning: entries of threads blocked in a syscall not recorded: %s\n",
			prog, strerror(-err));
	for (int i = 0;
	     exiting && s->child.pid > 0 && !s->child_done && s->child.go_fd < 0 && i < 30; i++) {
		/* stopped by a signal: the command usually got it too (same terminal) */
		if (waitpid(s->child.pid, &s->status, WNOHANG) == s->child.pid)
			s->child_done = 1;
		else
			usleep(10000);
	}
	err = rc == CLI_EX_FAIL && recorder_error(s->r) ? recorder_error(s->r)
							: recorder_finish(s->r, &sum);
	if (s->lf && !err && rc != CLI_EX_FAIL)
		err = livefill_finish(s->lf, fill_sink, s->r);
	if (!err)
		err = write_accounting(s->r, &sum);
	if (!err)
		err = recorder_end(s->r); /* the END record: this recording closed cleanly */
	if (err && rc != CLI_EX_FAIL) {
		write_failed(s, err);
		rc = CLI_EX_FAIL;
	}
	secs = s->t0 ? (now_ns(CLOCK_MONOTONIC) - s->t0) / 1e9 : 0.0;
	cerr = trz_writer_flush(s->w);
	sum.bytes = trz_writer_bytes(s->w); /* all of it: close adds nothing after a flush */
	rc2 = trz_writer_close(s->w);
	cerr = rc2 ? rc2 : cerr;
	s->w = NULL;
	if (cerr && rc != CLI_EX_FAIL) {
		write_failed(s, cerr);
		rc = CLI_EX_FAIL;
	}
	if (!err)
		session_report(s, &sum, secs);
	if (rc == CLI_EX_OK && s->child.pid > 0 && s->child.go_fd < 0)
		rc = command_outcome(&s->o, s->child.pid, s->child_done, s->status, exiting);
	return rc;
}

static void session_free(struct session *s)
{
	if (s->child.pid > 0 && !s->child_done && s->child.go_fd >= 0)
		tracee_abort(&s->child);
	trc_collector_free(s->c);
	livefill_free(s->lf);
	recorder_free(s->r);
	if (s->w) {
		trz_writer_close(s->w);
		if (!s->attached) /* failed before tracing started: leave no empty trace behind */
			outfile_discard(&s->of); /* (only what this run created) */
	}
	free(s->prev_drops);
	free(s->pids);
	free(s->o.pid_list);
}

int main(int argc, char **argv)
{
	static struct session s = { .child = { 0, -1, -1 }, .of = { .fd = -1 } };
	int rc;

	/* Big buffers (events waiting for another ring) go back to the system when freed */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);

	/* Options */
	rc = parse_opts(argc, argv, &s.o);
	if (rc) {
		free(s.o.pid_list);
		return rc < 0 ? CLI_EX_OK : rc;
	}
	s.argc = argc;
	s.argv = argv;

	/* Preconditions, output, BPF load; the command started suspended */
	rc = session_prepare(&s);
	if (rc == CLI_EX_OK && s.o.cmd)
		rc = session_spawn(&s);

	/* Attach and trace; from attach on, every way out goes through session_finish() */
	if (rc == CLI_EX_OK)
		rc = session_start(&s);
	if (rc == CLI_EX_OK)
		rc = session_loop(&s);
	if (s.attached)
		rc = session_finish(&s, rc);

	session_free(&s);
	return rc;
}
