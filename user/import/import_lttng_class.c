/* import_lttng_class.c - payload field access and what each LTTng event class is (decided once
 * from its name). */
#include "import/import_lttng_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"
#include "common/vec.h"

/* ---- field access ---------------------------------------------------------------------- */

const bt_field *lt_field(const bt_field *s, const char *name)
{
	if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return NULL;
	return bt_field_structure_borrow_member_field_by_name_const(s, name);
}

/* Integer member name of struct s in *v: 0, or -1 when absent or not an integer. */
int lt_get_int(const bt_field *s, const char *name, int64_t *v)
{
	const bt_field *f = lt_field(s, name);
	bt_field_class_type t;

	if (!f)
		return -1;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*v = bt_field_integer_signed_get_value(f);
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*v = (int64_t)bt_field_integer_unsigned_get_value(f);
	else
		return -1;
	return 0;
}

const char *lt_get_str(const bt_field *s, const char *name)
{
	const bt_field *f = lt_field(s, name);

	if (!f || bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
		return NULL;
	return bt_field_string_get_value(f);
}

/* ---- event classes ---------------------------------------------------------------------- */

static int has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n) != 0)
		return 0;
	*rest = s + n;
	return 1;
}

/* Syscall name part of an event name: sets kind, compat, by_entry; NULL if not a syscall. */
static const char *syscall_part(const char *name, struct lt_class *c)
{
	const char *x;

	if (has_prefix(name, "compat_", &x)) {
		c->compat = 1;
		name = x;
	}
	if (has_prefix(name, "syscall_entry_", &x) || has_prefix(name, "sys_", &x)) {
		c->kind = LT_ENTRY;
		return x;
	}
	if (has_prefix(name, "syscall_exit_", &x)) {
		c->kind = LT_EXIT;
		return x;
	}
	if (strcmp(name, "exit_syscall") == 0) {
		c->kind = LT_EXIT;
		c->by_entry = 1;
		return "";
	}
	c->compat = 0;
	return NULL;
}

static int classify(struct importer *imp, const char *name, struct lt_class *c)
{
	static const struct {
		const char *name;
		enum lt_kind kind;
	} others[] = {
		{ "sched_switch", LT_SCHED_SWITCH },
		{ "lttng_statedump_process_state", LT_STATEDUMP },
		{ "sched_process_fork", LT_FORK },
		{ "sched_process_exec", LT_EXEC },
		{ "sched_process_exit", LT_PROC_EXIT },
		{ "lttng_statedump_end", LT_STATEDUMP_END },
	};
	const char *x = name ? syscall_part(name, c) : NULL;

	if (!x) {
		for (size_t i = 0; name && i < sizeof(others) / sizeof(others[0]); i++)
			if (strcmp(name, others[i].name) == 0)
				c->kind = others[i].kind;
		return 0;
	}
	if (c->by_entry)
		return 0;
	if (strcmp(x, "unknown") == 0) {
		c->by_id = 1;
		return 0;
	}
	if (c->compat) {
		char buf[128];

		/* compat syscalls are mapped by name to the x86_64 number of the same syscall */
		if (syscall_lookup(x) >= 0)
			return import_syscall_nr(&imp->priv, x, &c->nr);
		snprintf(buf, sizeof(buf), "compat_%s", x);
		return import_private_nr(&imp->priv, buf, &c->nr);
	}
	return import_syscall_nr(&imp->priv, x, &c->nr);
}

/* The class info of ec (decided on first sight), or NULL on ENOMEM. */
struct lt_class *lt_class_of(struct importer *imp, const bt_event_class *ec)
{
	int32_t n = imp->cls_at.n, i;

	if ((i = tidmap_find(&imp->cls_at, (uintptr_t)ec)) >= 0)
		return &imp->cls[i];
	if (VEC_RESERVE(imp->cls, imp->cls_cap, (size_t)n + 1) ||
	    (i = tidmap_index(&imp->cls_at, (uintptr_t)ec)) < 0)
		return NULL;
	imp->cls[i] = (struct lt_class){ .key = ec, .nr = -1 };
	if (classify(imp, bt_event_class_get_name(ec), &imp->cls[i]))
		return NULL;
	return &imp->cls[i];
}

/* First event of a syscall class: add its syscall name to the distinct names. */
int lt_count_name(struct importer *imp, const bt_event_class *ec, struct lt_class *c)
{
	struct lt_class tmp = { 0 };
	const char *x;
	char buf[160];
	int nr;

	c->seen = 1;
	if (c->by_entry)
		return 0;
	x = syscall_part(bt_event_class_get_name(ec), &tmp);
	snprintf(buf, sizeof(buf), "%s%s", c->compat ? "compat_" : "", x ? x : "");
	return import_private_nr(&imp->names, buf, &nr);
}
