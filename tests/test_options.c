/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line's option parser (core/options.h): every spelling it takes, the errors and
 * their messages; then the offline commands' options on top of it (app/offline.h): the ranges of
 * the values and the order of the errors.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/app/offline.h"
#include "trigseq/core/options.h"

/* ---- the parser ---- */

enum { OPT_OUT, OPT_BARS, OPT_FILL, OPT_ONLY_A, OPT_ONLY_B, OPT_LONG, NOPT };

static const ts_option table[NOPT] = {
	[OPT_OUT] = {"output", 'o', true, 0},
	[OPT_BARS] = {"bars", 'b', true, 0},
	[OPT_FILL] = {"fill", 'f', false, 0},
	[OPT_ONLY_A] = {"only-a", 0, false, 1},
	[OPT_ONLY_B] = {"only-b", 'B', true, 2},
	[OPT_LONG] = {"long-only", 0, true, 0},
};

/* The last usage message, as ts_cli_usage would print it. */
static char said[512];
static const char *said_cmd;

static int capture(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(said, sizeof(said), fmt, ap);
	va_end(ap);
	said_cmd = cmd;
	return 2;
}

/* Parse argv (NULL-terminated) with scope; the items as text, e.g. "bars=4 ARG:x fill END". */
static const char *items(unsigned scope, char **argv)
{
	static char out[512];
	int argc = 0;
	while (argv[argc])
		argc++;
	out[0] = '\0';
	ts_opts p;
	ts_opts_begin(&p, table, NOPT, scope, argc, argv);
	for (;;) {
		int o = ts_opts_next(&p);
		char one[128];
		switch (o) {
		case TS_OPTS_END:
			strcat(out, "END");
			return out;
		case TS_OPTS_ARG:
			snprintf(one, sizeof(one), "ARG:%s ", p.value);
			break;
		case TS_OPTS_UNKNOWN:
			snprintf(one, sizeof(one), "UNKNOWN:%s ", p.arg);
			break;
		case TS_OPTS_NEEDS_VALUE:
			snprintf(one, sizeof(one), "NEEDS:%s ", p.arg);
			break;
		case TS_OPTS_NO_VALUE:
			snprintf(one, sizeof(one), "NOVALUE:%s ", p.arg);
			break;
		case TS_OPTS_REFUSED:
			snprintf(one, sizeof(one), "REFUSED:%s ", table[p.opt].name);
			break;
		default:
			if (p.value)
				snprintf(one, sizeof(one), "%s=%s ", table[o].name, p.value);
			else
				snprintf(one, sizeof(one), "%s ", table[o].name);
		}
		strcat(out, one);
	}
}

#define ARGS(...) ((char *[]){__VA_ARGS__, NULL})

static void test_spellings(void **state)
{
	(void)state;
	/* --opt value, --opt=value, -s value; the first '=' splits; an empty value is a value */
	assert_string_equal(items(0, ARGS("--bars", "4", "--bars=5", "-b", "6", "--output=a=b",
					  "--output=", "-o", "")),
			    "bars=4 bars=5 bars=6 output=a=b output= output= END");
	/* a value is taken whatever it looks like */
	assert_string_equal(items(0, ARGS("-o", "--fill", "--bars", "-b", "-o", "--")),
			    "output=--fill bars=-b output=-- END");
	/* flags; repeated options come as often as they are given */
	assert_string_equal(items(0, ARGS("-f", "--fill", "x", "-f")), "fill fill ARG:x fill END");
	/* a long-only option has no short name */
	assert_string_equal(items(0, ARGS("--long-only", "v", "--long-only=w")),
			    "long-only=v long-only=w END");
	/* arguments anywhere, "-" is one */
	assert_string_equal(items(0, ARGS("a", "-", "-b", "1", "b")), "ARG:a ARG:- bars=1 ARG:b END");
	assert_string_equal(items(0, ARGS("")), "ARG: END");
	assert_string_equal(items(0, (char *[]){NULL}), "END");
}

static void test_double_dash(void **state)
{
	(void)state;
	assert_string_equal(items(0, ARGS("-f", "--", "-f", "--bars", "--", "x")),
			    "fill ARG:-f ARG:--bars ARG:-- ARG:x END");
	assert_string_equal(items(0, ARGS("--")), "END");
	/* "--" as a value is a value, not the end of the options */
	assert_string_equal(items(0, ARGS("--bars", "--", "-f")), "bars=-- fill END");
}

static void test_not_taken(void **state)
{
	(void)state;
	/* no abbreviations, clusters, -sVALUE, -s=VALUE, --s, or a third dash */
	assert_string_equal(items(0, ARGS("--bar", "1")), "UNKNOWN:--bar ARG:1 END");
	assert_string_equal(items(0, ARGS("-fb")), "UNKNOWN:-fb END");
	assert_string_equal(items(0, ARGS("-b4")), "UNKNOWN:-b4 END");
	assert_string_equal(items(0, ARGS("-b=4")), "UNKNOWN:-b=4 END");
	assert_string_equal(items(0, ARGS("--b")), "UNKNOWN:--b END");
	assert_string_equal(items(0, ARGS("---bars")), "UNKNOWN:---bars END");
	assert_string_equal(items(0, ARGS("--=x")), "UNKNOWN:--=x END");
	assert_string_equal(items(0, ARGS("-x")), "UNKNOWN:-x END");
	assert_string_equal(items(0, ARGS("--Fill")), "UNKNOWN:--Fill END");
	/* missing values and values for flags */
	assert_string_equal(items(0, ARGS("x", "--bars")), "ARG:x NEEDS:--bars END");
	assert_string_equal(items(0, ARGS("-o")), "NEEDS:-o END");
	assert_string_equal(items(0, ARGS("--fill=1")), "NOVALUE:--fill=1 END");
	assert_string_equal(items(0, ARGS("--fill=")), "NOVALUE:--fill= END");
	assert_string_equal(items(0, ARGS("-f=1")), "UNKNOWN:-f=1 END");
}

static void test_scope(void **state)
{
	(void)state;
	/* scope 0 takes everything; else an option of another use is refused, its value unread */
	assert_string_equal(items(0, ARGS("--only-a", "--only-b", "v")), "only-a only-b=v END");
	assert_string_equal(items(1, ARGS("--only-a", "--only-b", "v")), "only-a REFUSED:only-b ARG:v END");
	assert_string_equal(items(2, ARGS("--only-a=1", "-B", "v")), "REFUSED:only-a only-b=v END");
	/* refused before its value is looked at */
	assert_string_equal(items(1, ARGS("--only-b")), "REFUSED:only-b END");
	assert_string_equal(items(3, ARGS("--only-a", "-B", "v", "-f")), "only-a only-b=v fill END");
}

static void test_state(void **state)
{
	(void)state;
	ts_opts p;
	char **argv = ARGS("--output=x.mid", "--fill", "-b", "2");
	ts_opts_begin(&p, table, NOPT, 0, 4, argv);
	assert_int_equal(ts_opts_next(&p), OPT_OUT);
	assert_true(p.inline_value);
	assert_int_equal(p.name_len, strlen("--output"));
	assert_ptr_equal(p.arg, argv[0]);
	assert_ptr_equal(p.value, argv[0] + 9);
	assert_int_equal(ts_opts_next(&p), OPT_FILL);
	assert_null(p.value);
	assert_false(p.inline_value);
	assert_int_equal(ts_opts_next(&p), OPT_BARS);
	assert_ptr_equal(p.value, argv[3]);
	assert_int_equal(p.next, 4);
	assert_int_equal(ts_opts_next(&p), TS_OPTS_END);
	assert_int_equal(ts_opts_next(&p), TS_OPTS_END);
	assert_null(p.arg);
}

static void test_messages(void **state)
{
	(void)state;
	ts_opts p;
	ts_opts_begin(&p, table, NOPT, 1, 6, ARGS("--nope=1", "--bars", "--fill=2", "-B", "x", "-o"));
	assert_int_equal(ts_opts_next(&p), TS_OPTS_UNKNOWN);
	assert_int_equal(ts_opts_complain(&p, "dump", capture), 2);
	assert_string_equal(said, "unknown option '--nope=1'");
	assert_string_equal(said_cmd, "dump");
	assert_int_equal(ts_opts_next(&p), OPT_BARS); /* takes "--fill=2" as its value */
	assert_string_equal(p.value, "--fill=2");
	assert_int_equal(ts_opts_next(&p), TS_OPTS_REFUSED);
	ts_opts_complain(&p, NULL, capture);
	assert_string_equal(said, "unknown option '-B'");
	assert_null(said_cmd);
	assert_int_equal(ts_opts_next(&p), TS_OPTS_ARG);
	assert_int_equal(ts_opts_next(&p), TS_OPTS_NEEDS_VALUE);
	ts_opts_complain(&p, "x", capture);
	assert_string_equal(said, "option '-o' needs a value");
	ts_opts_begin(&p, table, NOPT, 0, 1, ARGS("--fill=2"));
	assert_int_equal(ts_opts_next(&p), TS_OPTS_NO_VALUE);
	ts_opts_complain(&p, "x", capture);
	assert_string_equal(said, "option '--fill=2' takes no value");
}

static void test_check(void **state)
{
	(void)state;
	said[0] = '\0';
	assert_int_equal(ts_opts_check(table, NOPT, 0, 4, ARGS("a", "--bars", "x", "-f"), "c", capture), 0);
	assert_string_equal(said, "");
	/* the first error, whatever follows it */
	assert_int_equal(ts_opts_check(table, NOPT, 0, 3, ARGS("--bars", "0", "--x", "-o"), "c", capture), 2);
	assert_string_equal(said, "unknown option '--x'");
	assert_int_equal(ts_opts_check(table, NOPT, 2, 1, ARGS("--only-a"), "c", capture), 2);
	assert_string_equal(said, "unknown option '--only-a'");
	assert_int_equal(ts_opts_check(NULL, 0, 0, 2, ARGS("a", "-f"), "c", capture), 2);
	assert_string_equal(said, "unknown option '-f'");
	assert_int_equal(ts_opts_check(NULL, 0, 0, 3, ARGS("a", "--", "-f"), "c", capture), 0);
}

static void test_wants_help(void **state)
{
	(void)state;
	assert_true(ts_opts_wants_help(2, ARGS("x", "--help")));
	assert_true(ts_opts_wants_help(3, ARGS("--bars", "-h", "x")));
	assert_false(ts_opts_wants_help(2, ARGS("--", "--help")));
	assert_false(ts_opts_wants_help(2, ARGS("--help=1", "-hh")));
	assert_false(ts_opts_wants_help(0, ARGS("")));
}

/* ---- the offline commands' options (app/offline.c) ---- */

/* ts_offline_parse with stderr caught: its exit status, the message in *err. */
static int offline(const char *cmd, unsigned mask, uint64_t min_rate, char **argv,
		   ts_offline_opts *o, char *err, size_t errlen)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	fflush(stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	int rc = ts_offline_parse(cmd, argc, argv, mask, min_rate, "OUT.x", o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(err, 1, errlen - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

static void expect_usage(const char *cmd, unsigned mask, uint64_t min_rate, char **argv,
			 const char *message)
{
	ts_offline_opts o;
	char err[512], want[512];
	assert_int_equal(offline(cmd, mask, min_rate, argv, &o, err, sizeof(err)), 2);
	snprintf(want, sizeof(want), "trigseq: %s\nTry 'trigseq %s --help'.\n", message, cmd);
	assert_string_equal(err, want);
	free(o.files);
}

static void expect_ok(unsigned mask, char **argv, ts_offline_opts *o)
{
	char err[512];
	assert_int_equal(offline("dump", mask, 1000, argv, o, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_offline_values(void **state)
{
	(void)state;
	const unsigned all = TS_OFFLINE_OUT | TS_OFFLINE_RATE | TS_OFFLINE_CLOCK | TS_OFFLINE_CLICK;
	ts_offline_opts o;
	expect_ok(all, ARGS("a.tsq", "-o", "x", "-b", "1", "-r", "1000", "-t", "30", "-s", "0",
			    "-f", "-c", "-k", "b.tsq"), &o);
	assert_int_equal(o.nfiles, 2);
	assert_string_equal(o.files[1], "b.tsq");
	assert_string_equal(o.out, "x");
	assert_int_equal(o.bars, 1);
	assert_int_equal(o.rate, 1000);
	assert_int_equal(o.tempo10, 300);
	assert_true(o.fill && o.clock && o.click);
	free(o.files);
	/* the upper ends, and the last of a repeated option wins */
	expect_ok(all, ARGS("--bars=7", "--bars=100000", "--rate=384000", "--bpm=300.0",
			    "--seed=18446744073709551615", "--output=y", "a"), &o);
	assert_int_equal(o.bars, 100000);
	assert_int_equal(o.rate, 384000);
	assert_int_equal(o.tempo10, 3000);
	assert_true(o.seed == UINT64_MAX);
	assert_string_equal(o.out, "y");
	assert_false(o.fill || o.clock || o.click);
	free(o.files);
	/* the defaults */
	expect_ok(TS_OFFLINE_RATE, ARGS("a"), &o);
	assert_int_equal(o.bars, 4);
	assert_int_equal(o.rate, 48000);
	assert_int_equal(o.tempo10, 0);
	assert_true(o.seed == 0);
	assert_null(o.out);
	free(o.files);

	expect_usage("dump", all, 1000, ARGS("a", "--bars", "0"),
		     "--bars '0': expected a whole number 1 ... 100000");
	expect_usage("dump", all, 1000, ARGS("a", "--bars=100001"),
		     "--bars '100001': expected a whole number 1 ... 100000");
	expect_usage("dump", all, 1000, ARGS("a", "-b", "+1"),
		     "--bars '+1': expected a whole number 1 ... 100000");
	expect_usage("dump", all, 1000, ARGS("a", "-r", "999"),
		     "--rate '999': expected a rate in Hz, 1000 ... 384000");
	expect_usage("render", all, 8000, ARGS("a", "-r", "7999"),
		     "--rate '7999': expected a rate in Hz, 8000 ... 384000");
	expect_usage("dump", all, 1000, ARGS("a", "-r", "384001"),
		     "--rate '384001': expected a rate in Hz, 1000 ... 384000");
	expect_usage("dump", all, 1000, ARGS("a", "-t", "29.9"),
		     "--bpm '29.9': expected a tempo 30.0 ... 300.0 with at most one decimal");
	expect_usage("dump", all, 1000, ARGS("a", "-t", "120.25"),
		     "--bpm '120.25': expected a tempo 30.0 ... 300.0 with at most one decimal");
	expect_usage("dump", all, 1000, ARGS("a", "-s", "18446744073709551616"),
		     "--seed '18446744073709551616': expected a whole number 0 ... 18446744073709551615");
	expect_usage("dump", all, 1000, ARGS("a", "-s", "-1"),
		     "--seed '-1': expected a whole number 0 ... 18446744073709551615");
	expect_usage("dump", all, 1000, ARGS("a", "--bars="),
		     "--bars '': expected a whole number 1 ... 100000");
}

static void test_offline_errors(void **state)
{
	(void)state;
	/* a misspelt option before any bad value, wherever it is */
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("a", "--bars", "0", "--nope"),
		     "unknown option '--nope'");
	/* values in order */
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("a", "-t", "1", "--bars", "0"),
		     "--bpm '1': expected a tempo 30.0 ... 300.0 with at most one decimal");
	/* the options outside the mask are unknown */
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("a", "-o", "x"), "unknown option '-o'");
	expect_usage("export", TS_OFFLINE_OUT, 0, ARGS("a", "-o", "x", "--rate=1"),
		     "unknown option '--rate=1'");
	expect_usage("export", TS_OFFLINE_OUT, 0, ARGS("a", "-c"), "unknown option '-c'");
	expect_usage("export", TS_OFFLINE_OUT, 0, ARGS("a", "-k"), "unknown option '-k'");
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("a", "--bars"), "option '--bars' needs a value");
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("a", "--fill=no"),
		     "option '--fill=no' takes no value");
	/* then the files and the output */
	expect_usage("dump", TS_OFFLINE_RATE, 1000, ARGS("-f"), "no pattern file given");
	char *many[TS_CHAIN_MAX + 2];
	for (int i = 0; i <= TS_CHAIN_MAX; i++)
		many[i] = "a";
	many[TS_CHAIN_MAX + 1] = NULL;
	char msg[80];
	snprintf(msg, sizeof(msg), "at most %d pattern files in a chain", TS_CHAIN_MAX);
	expect_usage("dump", TS_OFFLINE_RATE, 1000, many, msg);
	expect_usage("export", TS_OFFLINE_OUT, 0, ARGS("a"), "no output file: -o OUT.x");
	ts_offline_opts o;
	expect_ok(TS_OFFLINE_OUT, ARGS("--output", "--", "--", "-o", "-"), &o);
	assert_int_equal(o.nfiles, 2);
	assert_string_equal(o.files[0], "-o");
	assert_string_equal(o.out, "--");
	free(o.files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_not_taken),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_wants_help),
		cmocka_unit_test(test_offline_values),
		cmocka_unit_test(test_offline_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
