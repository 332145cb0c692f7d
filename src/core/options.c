/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line's options (options.h). */
#include "trigseq/core/options.h"

#include <string.h>

void ts_opts_begin(ts_opts *p, const ts_option *table, int count, unsigned scope, int argc,
		   char **argv)
{
	*p = (ts_opts){.table = table, .count = count, .scope = scope, .argc = argc, .argv = argv,
		       .last = TS_OPTS_END, .opt = -1};
}

/* The option arg names (its long name up to '=', or its short name alone), or -1. */
static int find(const ts_opts *p, const char *arg)
{
	for (int o = 0; o < p->count; o++) {
		const ts_option *d = &p->table[o];
		if (arg[1] == '-' ? strlen(d->name) == p->name_len - 2 &&
					    strncmp(arg + 2, d->name, p->name_len - 2) == 0
				  : d->short_name && arg[1] == d->short_name && !arg[2])
			return o;
	}
	return -1;
}

static int item(ts_opts *p, int what)
{
	p->last = what;
	return what;
}

int ts_opts_next(ts_opts *p)
{
	p->arg = p->value = NULL;
	p->name_len = 0;
	p->inline_value = false;
	p->opt = -1;
	while (p->next < p->argc) {
		const char *a = p->argv[p->next++];
		p->arg = a;
		if (p->only_args || a[0] != '-' || !a[1]) {
			p->value = a;
			return item(p, TS_OPTS_ARG);
		}
		if (strcmp(a, "--") == 0) {
			p->only_args = true;
			continue;
		}
		p->name_len = a[1] == '-' ? 2 + strcspn(a + 2, "=") : strlen(a);
		p->inline_value = a[1] == '-' && a[p->name_len] == '=';
		p->opt = find(p, a);
		if (p->opt < 0)
			return item(p, TS_OPTS_UNKNOWN);
		const ts_option *d = &p->table[p->opt];
		if (d->scope && p->scope && !(d->scope & p->scope))
			return item(p, TS_OPTS_REFUSED);
		if (!d->has_value)
			return item(p, p->inline_value ? TS_OPTS_NO_VALUE : p->opt);
		if (p->inline_value)
			p->value = a + p->name_len + 1;
		else if (p->next < p->argc)
			p->value = p->argv[p->next++];
		else
			return item(p, TS_OPTS_NEEDS_VALUE);
		return item(p, p->opt);
	}
	p->arg = NULL;
	return item(p, TS_OPTS_END);
}

int ts_opts_complain(const ts_opts *p, const char *cmd, ts_opts_usage_fn usage)
{
	switch (p->last) {
	case TS_OPTS_NEEDS_VALUE:
		return usage(cmd, "option '%s' needs a value", p->arg);
	case TS_OPTS_NO_VALUE:
		return usage(cmd, "option '%s' takes no value", p->arg);
	default:
		return usage(cmd, "unknown option '%s'", p->arg ? p->arg : "");
	}
}

int ts_opts_check(const ts_option *table, int count, unsigned scope, int argc, char **argv,
		  const char *cmd, ts_opts_usage_fn usage)
{
	ts_opts p;
	ts_opts_begin(&p, table, count, scope, argc, argv);
	for (int o; (o = ts_opts_next(&p)) != TS_OPTS_END;)
		if (o < 0 && o != TS_OPTS_ARG)
			return ts_opts_complain(&p, cmd, usage);
	return 0;
}

bool ts_opts_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}
