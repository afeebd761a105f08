/* import_lttng.c - the libbabeltrace2 graph that reads an LTTng CTF trace:
 * src.ctf.fs -> flt.utils.muxer -> a simple sink handing messages to import_lttng_msg.c. */
#define _GNU_SOURCE /* nftw() with FTW_ACTIONRETVAL */
#include "import/import_lttng_int.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/syscalls.h"
#include "common/vec.h"

/* Record what failed, with libbabeltrace2's own reasons (its current thread error), and
 * return err. */
static int fail(int err, const char *what, const char *dir)
{
	const bt_error *e = bt_current_thread_take_error();
	char text[ERR_TEXT_MAX];
	size_t n = 0;
	int len;

	len = snprintf(text, sizeof(text), "%s%s%s", dir ? dir : "", dir ? ": " : "", what);
	if (e)
		n = bt_error_get_cause_count(e);
	/* cause 0 is the innermost (most specific) reason; add the next ones while they fit */
	for (size_t i = 0; i < n && i < 3 && len > 0 && (size_t)len < sizeof(text); i++) {
		const char *m = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, i));
		char msg[512], *a, *c;

		/* the library's own causes only list addresses */
		if (!m || !*m || strstr(m, "comp-addr=") || strstr(m, "iter-addr="))
			continue;
		/* "Reason: msg-it-addr=0x..., key=value": keep the reason */
		snprintf(msg, sizeof(msg), "%s", m);
		a = strstr(msg, "-addr=");
		if (a) {
			*a = '\0';
			c = strrchr(msg, ':');
			if (c && c != msg)
				*c = '\0';
			else
				*a = '-';
		}
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%s%s", i ? "; " : ": ", msg);
	}
	if (e)
		bt_error_release(e);
	err_set("%s", text);
	return err;
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it, void *data)
{
	struct importer *imp = data;
	bt_message_array_const msgs;
	uint64_t count;

	switch (bt_message_iterator_next(it, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK: break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	if (imp->prescan) {
		for (uint64_t i = 0; i < count; i++) {
			if (!imp->err && !imp->prescan_done)
				imp->err = lt_prescan_message(imp, msgs[i]);
			bt_message_put_ref(msgs[i]);
		}
		if (imp->err)
			return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
		return imp->prescan_done ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END
					 : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t before = imp->st->events_read;

		if (!imp->err)
			imp->err = lt_handle_message(imp, msgs[i]);
		bt_message_put_ref(msgs[i]);
		if (imp->opts->progress && imp->st->events_read != before &&
		    (imp->st->events_read & 0xffff) == 0) {
			uint64_t t = (uint64_t)imp->st->t_last_ns, b = imp->range_begin;
			uint64_t total = imp->range_end > b ? imp->range_end - b : 0;

			imp->opts->progress(imp->opts->progress_ctx, t > b ? t - b : 0, total,
					    imp->st);
		}
	}
	return imp->err ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR
			: BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static int64_t map_int(const bt_value *m, const char *key, int64_t dflt)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(m, key);

	if (!v || !bt_value_is_signed_integer(v))
		return dflt;
	return bt_value_integer_signed_get(v);
}

/* Time span of the traces (babeltrace.trace-infos query), for progress; 0/0 when unknown. */
static void query_range(struct importer *imp, const bt_component_class_source *fs,
			const bt_value *params)
{
	bt_query_executor *q =
		bt_query_executor_create(bt_component_class_source_as_component_class_const(fs),
					 "babeltrace.trace-infos", params);
	const bt_value *res = NULL;

	if (!q || bt_query_executor_query(q, &res) != BT_QUERY_EXECUTOR_QUERY_STATUS_OK ||
	    !bt_value_is_array(res))
		goto out;
	for (uint64_t i = 0; i < bt_value_array_get_length(res); i++) {
		const bt_value *t = bt_value_array_borrow_element_by_index_const(res, i);
		const bt_value *sis =
			bt_value_is_map(t) ? bt_value_map_borrow_entry_value_const(t, "stream-infos")
					   : NULL;

		for (uint64_t j = 0;
		     sis && bt_value_is_array(sis) && j < bt_value_array_get_length(sis); j++) {
			const bt_value *si = bt_value_array_borrow_element_by_index_const(sis, j);
			const bt_value *r =
				bt_value_is_map(si)
					? bt_value_map_borrow_entry_value_const(si, "range-ns")
					: NULL;
			int64_t b = r && bt_value_is_map(r) ? map_int(r, "begin", -1) : -1;
			int64_t e = r && bt_value_is_map(r) ? map_int(r, "end", -1) : -1;

			if (b >= 0 && (!imp->range_begin || (uint64_t)b < imp->range_begin))
				imp->range_begin = (uint64_t)b;
			if (e >= 0 && (uint64_t)e > imp->range_end)
				imp->range_end = (uint64_t)e;
		}
	}
out:
	bt_value_put_ref(res);
	bt_query_executor_put_ref(q);
	bt_current_thread_clear_error();
}

/* A plainer reason when dir/metadata is not CTF metadata at all, or NULL. */
static const char *metadata_problem(const char *dir)
{
	static const unsigned char le[4] = { 0x57, 0x1d, 0xd1, 0x75 },
				   be[4] = { 0x75, 0xd1, 0x1d, 0x57 };
	unsigned char buf[8] = { 0 };
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n < 4)
		return "metadata file is empty or truncated";
	if (!memcmp(buf, le, 4) || !memcmp(buf, be, 4) || !memcmp(buf, "/* CTF", 6))
		return NULL;
	return "metadata file is neither packetized CTF metadata nor TSDL text";
}

/* nftw() has no context argument: the directories found by the walk in progress. */
static __thread struct {
	char **dirs;
	size_t n, cap;
	int err;
} walk;

static int walk_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	char *d;

	if (type != FTW_F || !S_ISREG(sb->st_mode) || strcmp(path + f->base, "metadata") != 0)
		return f->level > 8 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (VEC_RESERVE(walk.dirs, walk.cap, walk.n + 1))
		goto nomem;
	d = strndup(path, (size_t)(f->base > 1 ? f->base - 1 : f->base));
	if (!d)
		goto nomem;
	walk.dirs[walk.n++] = d;
	return FTW_CONTINUE;
nomem:
	walk.err = -ENOMEM;
	return FTW_STOP;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The CTF traces under dir: directories holding a "metadata" file (dir itself included),
 * sorted, in *dirs (caller frees each and the array); dir alone when none is found
 * (src.ctf.fs then says why).  Returns the count or -ENOMEM. */
static long find_traces(const char *dir, char ***dirs)
{
	int err;

	memset(&walk, 0, sizeof(walk));
	nftw(dir, walk_one, 16, FTW_PHYS | FTW_ACTIONRETVAL); /* unreadable parts: skipped */
	err = walk.err;
	if (!err && walk.n == 0) {
		walk.dirs = malloc(sizeof(*walk.dirs));
		if (!walk.dirs || !(walk.dirs[0] = strdup(dir)))
			err = -ENOMEM;
		else
			walk.n = 1;
	}
	if (err) {
		for (size_t i = 0; i < walk.n; i++)
			free(walk.dirs[i]);
		free(walk.dirs);
		return err;
	}
	qsort(walk.dirs, walk.n, sizeof(*walk.dirs), cmp_str);
	*dirs = walk.dirs;
	return (long)walk.n;
}

struct lt_graph {
	bt_graph *graph;
	const bt_plugin *ctf, *utils;
	const bt_component_filter *mux;
	const bt_component_sink *sink;
	uint64_t mux_ports; /* muxer input ports connected so far */
};

static void graph_free(struct lt_graph *g)
{
	bt_graph_put_ref(g->graph);
	bt_plugin_put_ref(g->ctf);
	bt_plugin_put_ref(g->utils);
}

/* Add one src.ctf.fs component reading the trace in dirs (the pieces of one trace, e.g. the
 * chunks of a rotated LTTng session; this opens their metadata and indexes) and connect its
 * ports to the muxer. */
static int add_source(struct lt_graph *g, struct importer *imp, const bt_component_class_source *fs,
		      const char *const *dirs, size_t ndirs, int i)
{
	const char *dir = dirs[0];
	bt_logging_level lvl = imp->opts->verbose ? BT_LOGGING_LEVEL_WARNING : BT_LOGGING_LEVEL_NONE;
	const bt_component_source *src;
	bt_value *params = bt_value_map_create(), *inputs = NULL;
	char name[32];
	int err = 0;

	if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) !=
			       BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
		err = -ENOMEM;
	for (size_t k = 0; k < ndirs && !err; k++)
		if (bt_value_array_append_string_element(inputs, dirs[k]) !=
		    BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK)
			err = -ENOMEM;
	if (err) {
		bt_value_put_ref(params);
		return fail(-ENOMEM, "out of memory", NULL);
	}
	if (imp->opts->progress)
		query_range(imp, fs, params);
	snprintf(name, sizeof(name), "src%d", i);
	if (bt_graph_add_source_component(g->graph, fs, name, params, lvl, &src) !=
	    BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		err = fail(-EINVAL,
			   metadata_problem(dir) ? metadata_problem(dir) : "not a readable CTF trace",
			   dir);
	bt_value_put_ref(params);
	for (uint64_t p = 0; !err && p < bt_component_source_get_output_port_count(src); p++) {
		const bt_port_input *in =
			bt_component_filter_borrow_input_port_by_index_const(g->mux, g->mux_ports++);

		if (!in ||
		    bt_graph_connect_ports(
			    g->graph, bt_component_source_borrow_output_port_by_index_const(src, p),
			    in, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
			err = fail(-EINVAL, "cannot connect the trace's streams", dir);
	}
	return err;
}

/* The trace UUID of the trace in dir, as src.ctf.fs groups traces (its babeltrace.support-info
 * query), or NULL when it has none.  Caller frees. */
static char *trace_group(const bt_component_class_source *fs, const char *dir)
{
	bt_value *params = bt_value_map_create();
	const bt_value *res = NULL, *grp;
	bt_query_executor *q = NULL;
	char *out = NULL;

	if (params &&
	    bt_value_map_insert_string_entry(params, "input", dir) ==
		    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
	    bt_value_map_insert_string_entry(params, "type", "directory") ==
		    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
		q = bt_query_executor_create(bt_component_class_source_as_component_class_const(fs),
					     "babeltrace.support-info", params);
	if (q && bt_query_executor_query(q, &res) == BT_QUERY_EXECUTOR_QUERY_STATUS_OK &&
	    bt_value_is_map(res)) {
		grp = bt_value_map_borrow_entry_value_const(res, "group");
		if (grp && bt_value_is_string(grp))
			out = strdup(bt_value_string_get(grp));
	}
	bt_value_put_ref(res);
	bt_query_executor_put_ref(q);
	bt_value_put_ref(params);
	bt_current_thread_clear_error();
	return out;
}

/* One source per trace: directories with the same trace UUID go to the same component, as
 * src.ctf.fs requires for the pieces of one trace. */
static int add_sources(struct lt_graph *g, struct importer *imp,
		       const bt_component_class_source *fs, char **dirs, size_t n)
{
	char **grp = calloc(n, sizeof(*grp));
	const char **set = calloc(n, sizeof(*set));
	uint8_t *done = calloc(n, 1);
	int err = 0, nsrc = 0;

	if (!grp || !set || !done) {
		free(grp);
		free(set);
		free(done);
		return fail(-ENOMEM, "out of memory", NULL);
	}
	for (size_t i = 0; i < n && !err; i++)
		grp[i] = trace_group(fs, dirs[i]);
	for (size_t i = 0; i < n && !err; i++) {
		size_t k = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++) {
			if (j == i || (grp[i] && grp[j] && !done[j] && strcmp(grp[i], grp[j]) == 0)) {
				set[k++] = dirs[j];
				done[j] = 1;
			}
		}
		err = add_source(g, imp, fs, set, k, nsrc++);
	}
	for (size_t i = 0; i < n; i++)
		free(grp[i]);
	free(grp);
	free(set);
	free(done);
	return err;
}

/* The graph: one src.ctf.fs per trace under dir, the muxer, and our sink. */
static int graph_build(struct lt_graph *g, struct importer *imp, const char *dir)
{
	bt_logging_level lvl = imp->opts->verbose ? BT_LOGGING_LEVEL_WARNING : BT_LOGGING_LEVEL_NONE;
	const bt_component_class_source *fs;
	const bt_component_class_filter *muxer;
	char **dirs = NULL;
	long n;
	int err = 0;

	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &g->ctf) !=
		    BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &g->utils) !=
		    BT_PLUGIN_FIND_STATUS_OK)
		return fail(-ENOENT,
			    "libbabeltrace2 plugins 'ctf' and 'utils' not found (babeltrace2 installed?)",
			    NULL);
	fs = bt_plugin_borrow_source_component_class_by_name_const(g->ctf, "fs");
	muxer = bt_plugin_borrow_filter_component_class_by_name_const(g->utils, "muxer");
	if (!fs || !muxer)
		return fail(-ENOENT,
			    "libbabeltrace2 component classes src.ctf.fs or flt.utils.muxer missing",
			    NULL);
	g->graph = bt_graph_create(0);
	if (!g->graph)
		return fail(-ENOMEM, "out of memory", NULL);
	if (bt_graph_add_filter_component(g->graph, muxer, "mux", NULL, lvl, &g->mux) !=
		    BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_add_simple_sink_component(g->graph, "tracerec", NULL, consume, NULL, imp,
					       &g->sink) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return fail(-EINVAL, "cannot build the libbabeltrace2 graph", dir);
	n = find_traces(dir, &dirs);
	if (n < 0)
		return fail((int)n, "out of memory", NULL);
	err = add_sources(g, imp, fs, dirs, (size_t)n);
	for (long i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	if (!err &&
	    bt_graph_connect_ports(g->graph,
				   bt_component_filter_borrow_output_port_by_index_const(g->mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(g->sink, 0),
				   NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
		err = fail(-EINVAL, "cannot connect the muxer to the sink", dir);
	return err;
}

static int graph_run(struct lt_graph *g, struct importer *imp, const char *dir)
{
	for (;;) {
		bt_graph_run_once_status s = bt_graph_run_once(g->graph);

		if (imp->err) {
			bt_current_thread_clear_error();
			err_set("writing the trace: %s", strerror(-imp->err));
			return imp->err;
		}
		if (s == BT_GRAPH_RUN_ONCE_STATUS_END)
			return 0;
		if (s == BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR)
			return fail(-ENOMEM, "out of memory", dir);
		if (s != BT_GRAPH_RUN_ONCE_STATUS_OK && s != BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
			return fail(-EINVAL, "corrupt CTF trace", dir);
	}
}

int lttng_import(const char *dir, struct trz_writer *w, const struct lttng_import_opts *o,
		 struct lttng_import_stats *st)
{
	static const struct lttng_import_opts none;
	struct lt_graph g = { 0 };
	struct importer *imp;
	struct stat sb;
	int err;

	memset(st, 0, sizeof(*st));
	err_clear();
	if (stat(dir, &sb) != 0) {
		err = -errno;
		err_set("%s: %s", dir, strerror(errno));
		return err;
	}
	if (!S_ISDIR(sb.st_mode)) {
		err_set("%s: not a directory (give the CTF trace directory)", dir);
		return -ENOTDIR;
	}
	imp = calloc(1, sizeof(*imp));
	if (!imp) {
		err_set("out of memory");
		return -ENOMEM;
	}
	imp->w = w;
	imp->st = st;
	imp->opts = o ? o : &none;
	imp->nr_exit = syscall_lookup("exit");
	imp->nr_exit_group = syscall_lookup("exit_group");
	for (int i = 0; i < LT_MAX_CPUS; i++)
		imp->cpus[i].cur_tid = -1;
	/* First pass: the state dump at the start of the trace (pids of running threads) */
	imp->prescan = 1;
	err = graph_build(&g, imp, dir);
	if (!err)
		err = graph_run(&g, imp, dir);
	graph_free(&g);
	memset(&g, 0, sizeof(g));
	lt_reset_graph_state(imp);
	imp->prescan = 0;
	imp->range_begin = imp->range_end = 0;
	memset(st, 0, sizeof(*st));
	/* Second pass: everything */
	if (!err)
		err = graph_build(&g, imp, dir);
	if (!err)
		err = graph_run(&g, imp, dir);
	if (!err) {
		err = lt_finish(imp);
		if (err)
			err_set("writing the trace: %s", strerror(-err));
	}
	graph_free(&g);
	lt_free(imp);
	free(imp);
	return err;
}
