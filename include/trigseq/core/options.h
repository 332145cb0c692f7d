/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options of the command line: one parser for every command (check, fmt, dump, export,
 * render, play and the editor, sysex, import-rytm, export-rytm). A command describes its options
 * in a table and reads its arguments one at a time; what it does with each, and the wording of
 * its own value errors, stays with the command. Pure: it prints only through the usage function
 * it is given. Threads: any but the real-time thread.
 *
 * The spellings: --name VALUE and --name=VALUE (the first '=' splits), -s VALUE for an option
 * with a short name; a short name stands alone (no -sVALUE, no -s=VALUE, no -abc clusters) and a
 * long one is spelled in full (no abbreviations). "--" ends the options: everything after it is
 * an argument, and so is "-" alone. Not getopt_long: it permutes argv, takes abbreviations,
 * clusters and -sVALUE, and words its own errors, so every spelling and message would change.
 *
 *   ts_opts p;
 *   ts_opts_begin(&p, table, count, 0, argc, argv);
 *   for (int o; (o = ts_opts_next(&p)) != TS_OPTS_END;) {
 *           if (o == TS_OPTS_ARG) ...p.value is an argument...
 *           else if (o < 0) return ts_opts_complain(&p, "dump", ts_cli_usage);
 *           else ...option table[o], p.value its value (NULL for a flag)...
 *   }
 */
#ifndef TRIGSEQ_OPTIONS_H
#define TRIGSEQ_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* An option of a command. */
typedef struct {
	const char *name;       /* the long name, without "--" */
	char short_name;        /* 0: none */
	bool has_value;
	unsigned scope;         /* 0: taken by every use of the table; else the uses (bits) that
				 * take it, e.g. play and the editor sharing one table */
} ts_option;

/* What ts_opts_next returns besides an option's index into the table. */
enum {
	TS_OPTS_END = -1,          /* no argument left */
	TS_OPTS_ARG = -2,          /* an argument (not an option): p->value */
	TS_OPTS_UNKNOWN = -3,      /* no option of the table is spelled so */
	TS_OPTS_NEEDS_VALUE = -4,  /* an option that takes a value is the last argument */
	TS_OPTS_NO_VALUE = -5,     /* --flag=value for an option that takes none */
	TS_OPTS_REFUSED = -6,      /* an option of the table outside this use's scope: p->opt; its
				    * value is not looked at */
};

/* The parser's state; the fields below "the item" describe what ts_opts_next last returned. */
typedef struct {
	const ts_option *table;
	int count;
	unsigned scope;            /* this use's bits; 0 takes every option */
	int argc;
	char **argv;
	int next;                  /* the index in argv of the next argument to read */
	bool only_args;            /* "--" was seen */
	int last;                  /* what ts_opts_next last returned */
	/* the item */
	const char *arg;           /* the argument as typed */
	size_t name_len;           /* the option as typed: arg's first name_len bytes (a long one
				    * without its "=value") */
	bool inline_value;         /* the value came after '=' */
	const char *value;         /* the argument, or the option's value (NULL for a flag) */
	int opt;                   /* the option's index, or -1 */
} ts_opts;

/* Start reading argv (the arguments after the command's name) against table. */
void ts_opts_begin(ts_opts *p, const ts_option *table, int count, unsigned scope, int argc,
		   char **argv);

/* The next item: an option's index (p->value its value, or NULL when it takes none), or one of
 * the TS_OPTS_ codes above. An option that takes a value takes the next argument when it has no
 * "=value", whatever that argument looks like. */
int ts_opts_next(ts_opts *p);

/* How a command reports bad usage: prints "trigseq: MESSAGE" and its help hint, returns the exit
 * status (ts_cli_usage). */
typedef int (*ts_opts_usage_fn)(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The usual message for the error ts_opts_next last returned, quoting the argument as typed:
 * "unknown option 'ARG'" (for TS_OPTS_REFUSED too), "option 'ARG' needs a value", "option 'ARG'
 * takes no value". Returns what usage returns. */
int ts_opts_complain(const ts_opts *p, const char *cmd, ts_opts_usage_fn usage);

/* Read every argument once and complain about the first error (an option outside scope as an
 * unknown one), so that a command can report a misspelt option before any bad value: 0, or what
 * usage returns. */
int ts_opts_check(const ts_option *table, int count, unsigned scope, int argc, char **argv,
		  const char *cmd, ts_opts_usage_fn usage);

/* Whether -h or --help comes before any "--": the command then prints its help and nothing
 * else, whatever the other arguments are. */
bool ts_opts_wants_help(int argc, char **argv);

#endif
