/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq sysex send | recv` (sysex_io.h): options, the JACK client, progress and summaries.
 *
 * How bytes go out. JACK MIDI has no wire, so nothing but the sender paces a dump: a synth on
 * USB takes bytes as fast as they come and may drop what it cannot digest. So every byte is
 * written at the frame when a DIN cable would carry it (ts_sysex_due): a JACK event at each frame
 * where bytes are due, holding the bytes due at that frame (one byte per event at 3125 bytes/s
 * and 48 kHz; several when the rate is above the sample rate), never past the end of a message
 * nor above the port's largest event. A message is thus spread over many events, F0 in the
 * first and F7 in the last, with nothing else in between: what a MIDI byte-stream receiver
 * (ours, a hardware port, jack_midi_dump) reassembles as it would the cable's bytes. A byte
 * JACK refuses (a full port buffer) is written at the start of the next cycle and counted late.
 *
 * How bytes come in. The process callback copies every event's bytes into a byte ring
 * (ts_sysex_ring, 1 MiB); the main thread drains it every 20 ms into the assembler
 * (ts_sysex_rx), which keeps complete messages only. A full ring loses bytes: counted, and the
 * recording is refused rather than written with a hole in it.
 *
 * Threads. As in `trigseq play`: signals are blocked while JACK creates its threads, and SIGINT,
 * SIGTERM and JACK's shutdown notice only set an atomic flag and write a byte to a pipe the main
 * thread polls. The process callback talks to the main thread through _Atomic variables only.
 */
#define _DEFAULT_SOURCE /* mlockall, pthread_sigmask, clock_gettime */
#include "trigseq/app/sysex_io.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/options.h"
#include "trigseq/rt/jackport.h"
#include "trigseq/core/sysex.h"
#include "trigseq/app/wakeup.h"

#define EXIT_FAIL 1
#define RING_BYTES ((size_t)1 << 20)
#define MAX_PORTS 16

static const char *const usage_sysex =
	"usage: trigseq sysex send FILE.syx --to PORT [--gap-ms N] [--rate BYTES_PER_SEC]\n"
	"       trigseq sysex recv -o FILE.syx [--from PORT] [--timeout S] [--force]\n"
	"\n"
	"A SysEx librarian on JACK MIDI.\n"
	"\n"
	"send: check FILE.syx (F0 ... F7 messages and nothing else; the first problem is named\n"
	"with its byte offset and nothing is sent), then send every message, paced: each byte\n"
	"at the time a DIN MIDI cable would carry it, and a pause between messages.\n"
	"  --to PORT            the JACK MIDI input to send to: a full port name, or an extended\n"
	"                       regular expression (every match); repeatable\n"
	"  --gap-ms N           silence between messages, 0 ... 60000 ms (default 100)\n"
	"  --rate B             bytes a second, 1 ... 1000000 (default 3125, DIN MIDI's rate)\n"
	"\n"
	"recv: record the SysEx messages that arrive on our sysex_in port into FILE.syx: clock,\n"
	"notes and other traffic are ignored, real-time bytes inside a message are left out of\n"
	"it, a message cut off by another status byte is reported and not written. Stops S\n"
	"seconds after the last SysEx byte (or after the start, when none comes), or at SIGINT;\n"
	"then writes the complete messages, atomically.\n"
	"  -o, --output FILE    the file to write; an existing one only with --force\n"
	"  --from PORT          connect this JACK MIDI output (full name or regex) to sysex_in;\n"
	"                       repeatable (without it, others connect to us)\n"
	"  --timeout S          seconds, 0.1 ... 86400 (default 10)\n"
	"  --force              replace FILE if it exists\n"
	"\n"
	"both:\n"
	"  --name NAME          JACK client name (default trigseq-sysex)\n"
	"  --server NAME        JACK server (default: $JACK_DEFAULT_SERVER, else the default)\n"
	"On a terminal a progress line is shown on stderr; a summary goes to stdout.\n"
	"Exit status: 0 success; 1 a malformed or unreadable file, nothing received, a broken\n"
	"message, a JACK problem; 2 bad usage.\n";


/* ---- options ---- */

typedef struct {
	bool send;
	const char *file;        /* send: the input; recv: -o */
	const char *ports[MAX_PORTS]; /* --to, --from */
	int nports;
	const char *name;
	const char *server;
	uint64_t gap_ms, rate;
	double timeout;
	bool force;
} sysex_opts;


/* Who takes an option: send, recv, or both (scope 0). */
enum { FOR_SEND = 1, FOR_RECV = 2 };

enum { OPT_TO, OPT_GAP_MS, OPT_RATE, OPT_FROM, OPT_TIMEOUT, OPT_FORCE, OPT_OUTPUT, OPT_NAME,
       OPT_SERVER, NOPT };

static const ts_option options[NOPT] = {
	[OPT_TO] = {"to", 0, true, FOR_SEND},
	[OPT_GAP_MS] = {"gap-ms", 0, true, FOR_SEND},
	[OPT_RATE] = {"rate", 0, true, FOR_SEND},
	[OPT_FROM] = {"from", 0, true, FOR_RECV},
	[OPT_TIMEOUT] = {"timeout", 0, true, FOR_RECV},
	[OPT_FORCE] = {"force", 0, false, FOR_RECV},
	[OPT_OUTPUT] = {"output", 'o', true, FOR_RECV},
	[OPT_NAME] = {"name", 0, true, 0},
	[OPT_SERVER] = {"server", 0, true, 0},
};

/*
 * The usage error of an option that is not right, in sysex's words: the option is quoted as
 * typed but without its "=value", cut at 31 characters, and an unknown option is taken to need a
 * value, so that as the last argument it is said to need one.
 */
static int option_error(const ts_opts *p, bool send, int what)
{
	int len = p->name_len < 32 ? (int)p->name_len : 31;
	switch (what) {
	case TS_OPTS_REFUSED:
		return ts_cli_usage("sysex", "'%.*s' is for 'sysex %s'", len, p->arg,
				    send ? "recv" : "send");
	case TS_OPTS_NO_VALUE:
		return ts_cli_usage("sysex", "option '%.*s' takes no value", len, p->arg);
	case TS_OPTS_UNKNOWN:
		if (p->inline_value || p->next < p->argc)
			return ts_cli_usage("sysex", "unknown option '%s'", p->arg);
		/* fall through */
	default:
		return ts_cli_usage("sysex", "option '%.*s' needs a value", len, p->arg);
	}
}

/* One option's value into *o: 0, or the usage exit status. */
static int apply_option(sysex_opts *o, int opt, const ts_opts *p)
{
	const char *v = p->value;
	int len = (int)p->name_len;
	switch (opt) {
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_TO:
	case OPT_FROM:
		if (!*v)
			return ts_cli_usage("sysex", "%.*s: the port is empty", len, p->arg);
		if (o->nports == MAX_PORTS)
			return ts_cli_usage("sysex", "at most %d %.*s options", MAX_PORTS, len, p->arg);
		o->ports[o->nports++] = v;
		break;
	case OPT_OUTPUT:
		o->file = v;
		break;
	case OPT_GAP_MS:
		if (!ts_cli_u64(v, 0, 60000, &o->gap_ms))
			return ts_cli_usage("sysex", "--gap-ms '%s': expected milliseconds 0 ... 60000", v);
		break;
	case OPT_RATE:
		if (!ts_cli_u64(v, 1, 1000000, &o->rate))
			return ts_cli_usage("sysex", "--rate '%s': expected bytes a second, 1 ... 1000000", v);
		break;
	case OPT_TIMEOUT:
		if (!ts_cli_seconds(v, 0.1, 86400, &o->timeout))
			return ts_cli_usage("sysex", "--timeout '%s': expected seconds 0.1 ... 86400, e.g. "
					    "5 or 2.5", v);
		break;
	case OPT_NAME:
	case OPT_SERVER:
		if (!*v)
			return ts_cli_usage("sysex", "%.*s: the name is empty", len, p->arg);
		*(opt == OPT_NAME ? &o->name : &o->server) = v;
		break;
	}
	return 0;
}

static int parse_options(int argc, char **argv, sysex_opts *o)
{
	*o = (sysex_opts){.name = "trigseq-sysex", .gap_ms = 100, .rate = TS_SYSEX_DIN_RATE,
			  .timeout = 10};
	if (argc < 1)
		return ts_cli_usage("sysex", "%s", "expected 'send' or 'recv'");
	if (strcmp(argv[0], "send") != 0 && strcmp(argv[0], "recv") != 0)
		return ts_cli_usage("sysex", "unknown sysex command '%s' (expected send or recv)", argv[0]);
	o->send = strcmp(argv[0], "send") == 0;
	ts_opts p;
	ts_opts_begin(&p, options, NOPT, o->send ? FOR_SEND : FOR_RECV, argc - 1, argv + 1);
	for (int opt; (opt = ts_opts_next(&p)) != TS_OPTS_END;) {
		int rc = 0;
		if (opt == TS_OPTS_ARG && !o->send)
			rc = ts_cli_usage("sysex", "'%s': recv takes no file argument (-o FILE.syx)", p.value);
		else if (opt == TS_OPTS_ARG && o->file)
			rc = ts_cli_usage("sysex", "'%s': one .syx file at a time", p.value);
		else if (opt == TS_OPTS_ARG)
			o->file = p.value;
		else if (opt < 0)
			rc = option_error(&p, o->send, opt);
		else
			rc = apply_option(o, opt, &p);
		if (rc)
			return rc;
	}
	if (o->send && !o->file)
		return ts_cli_usage("sysex", "%s", "no .syx file given");
	if (o->send && !o->nports)
		return ts_cli_usage("sysex", "%s", "no destination: --to PORT (e.g. --to 'system:midi_playback_1')");
	if (!o->send && !o->file)
		return ts_cli_usage("sysex", "%s", "no output file: -o FILE.syx");
	return 0;
}

/* ---- time ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 12345 as "12,345". */
static const char *grouped(uint64_t v, char buf[32])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v), o = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- the JACK client ---- */

typedef struct {
	jack_client_t *client;
	jack_port_t *port;
	uint32_t rate;
	atomic_bool gone;
	atomic_uint_fast64_t cycles;

	/* the absolute frame count: jack_last_frame_time extended to 64 bits (process thread) */
	bool have_frame;
	uint32_t last32;
	uint64_t frame;

	/* send: fixed before activation */
	const uint8_t *data;
	size_t len;
	const ts_sysex_span *spans;
	size_t nspans;
	ts_sysex_pace pace;
	/* send: the process thread's */
	bool have_origin;
	uint64_t origin;
	size_t k;                        /* next byte */
	size_t m;                        /* its message */
	/* send: shared */
	atomic_bool go, stop;
	atomic_size_t sent;              /* bytes written */
	atomic_size_t sent_msgs;         /* messages written whole */
	atomic_uint_fast64_t done_cycle; /* cycles when the last byte was written */
	atomic_uint_fast64_t first_frame, last_frame;
	atomic_uint_fast64_t late;       /* bytes written after their due frame */

	/* recv */
	ts_sysex_ring *ring;
	atomic_uint_fast64_t lost;       /* bytes the ring had no room for */
} sx_client;

/* A 32-bit JACK frame time made absolute. [RT] */
static uint64_t absolute_frame(sx_client *s)
{
	uint32_t f = jack_last_frame_time(s->client);
	if (!s->have_frame) {
		s->have_frame = true;
		s->frame = f;
	} else {
		s->frame += (uint32_t)(f - s->last32);
	}
	s->last32 = f;
	return s->frame;
}

static uint64_t due_frame(const sx_client *s, size_t k, size_t m)
{
	return s->origin + ts_sysex_due(&s->pace, k, m);
}

/* Write the bytes due before the end of this cycle at their frames; see the top. [RT] */
static int send_process(jack_nframes_t nframes, void *arg)
{
	sx_client *s = arg;
	void *buf = jack_port_get_buffer(s->port, nframes);
	jack_midi_clear_buffer(buf);
	uint64_t now = absolute_frame(s);
	uint64_t cycle = atomic_load_explicit(&s->cycles, memory_order_relaxed) + 1;
	if (atomic_load_explicit(&s->go, memory_order_acquire) &&
	    !atomic_load_explicit(&s->stop, memory_order_relaxed) && s->k < s->len) {
		if (!s->have_origin) {
			s->have_origin = true;
			s->origin = now;
			atomic_store_explicit(&s->first_frame, now, memory_order_relaxed);
		}
		size_t max_event = jack_midi_max_event_size(buf);
		uint64_t late = 0, last = 0;
		bool wrote = false;
		while (s->k < s->len) {
			uint64_t due = due_frame(s, s->k, s->m);
			if (due >= now + nframes)
				break;
			uint64_t at = due < now ? now : due;
			size_t end = s->spans[s->m].offset + s->spans[s->m].len, n = 1;
			while (s->k + n < end && n < max_event && due_frame(s, s->k + n, s->m) <= at)
				n++;
			if (jack_midi_event_write(buf, (jack_nframes_t)(at - now), s->data + s->k, n) != 0)
				break; /* the buffer is full: the rest goes next cycle, late */
			if (at > due)
				late += n;
			s->k += n;
			if (s->k == end)
				s->m++;
			last = at;
			wrote = true;
		}
		if (wrote) {
			atomic_store_explicit(&s->last_frame, last, memory_order_relaxed);
			if (late)
				atomic_store_explicit(&s->late,
						      atomic_load_explicit(&s->late, memory_order_relaxed) + late,
						      memory_order_relaxed);
			if (s->k == s->len)
				atomic_store_explicit(&s->done_cycle, cycle, memory_order_relaxed);
			atomic_store_explicit(&s->sent_msgs, s->m, memory_order_relaxed);
			atomic_store_explicit(&s->sent, s->k, memory_order_release);
		}
	}
	atomic_store_explicit(&s->cycles, cycle, memory_order_release);
	return 0;
}

/* Copy every byte that arrived into the ring. [RT] */
static int recv_process(jack_nframes_t nframes, void *arg)
{
	sx_client *s = arg;
	void *buf = jack_port_get_buffer(s->port, nframes);
	uint32_t n = jack_midi_get_event_count(buf);
	uint64_t lost = 0;
	for (uint32_t i = 0; i < n; i++) {
		jack_midi_event_t ev;
		if (jack_midi_event_get(&ev, buf, i) != 0)
			continue;
		if (!ts_sysex_ring_write(s->ring, ev.buffer, ev.size))
			lost += ev.size;
	}
	if (lost)
		atomic_store_explicit(&s->lost, atomic_load_explicit(&s->lost, memory_order_relaxed) + lost,
				      memory_order_relaxed);
	atomic_store_explicit(&s->cycles, atomic_load_explicit(&s->cycles, memory_order_relaxed) + 1,
			      memory_order_release);
	return 0;
}

static void on_shutdown(void *arg)
{
	sx_client *s = arg;
	atomic_store(&s->gone, true);
	ts_wakeup_poke();
}

/* libjack's own messages (no server, and so on) are said better by us. */
static void quiet(const char *msg)
{
	(void)msg;
}

/* Open the client with its one port, not active. On failure a message on stderr. */
static bool client_open(sx_client *s, const sysex_opts *o)
{
	jack_status_t st = 0;
	jack_options_t opts = JackNoStartServer | (o->server ? JackServerName : JackNullOption);
	jack_set_error_function(quiet);
	jack_set_info_function(quiet);
	s->client = o->server ? jack_client_open(o->name, opts, &st, o->server)
			      : jack_client_open(o->name, opts, &st);
	if (!s->client) {
		const char *server = o->server ? o->server : getenv("JACK_DEFAULT_SERVER");
		if (!server || !*server)
			server = "default";
		if (st & JackServerFailed)
			fprintf(stderr, "trigseq: no JACK server is running (server \"%s\"); start one, "
					"e.g. 'jackd -d dummy -r 48000 -p 256 &' or with qjackctl\n",
				server);
		else
			fprintf(stderr, "trigseq: cannot open a JACK client '%s' on server \"%s\" "
					"(status 0x%x)\n", o->name, server, (unsigned)st);
		return false;
	}
	s->rate = jack_get_sample_rate(s->client);
	s->port = jack_port_register(s->client, o->send ? "sysex_out" : "sysex_in",
				     JACK_DEFAULT_MIDI_TYPE,
				     o->send ? JackPortIsOutput : JackPortIsInput, 0);
	if (!s->port ||
	    jack_set_process_callback(s->client, o->send ? send_process : recv_process, s) != 0) {
		fputs("trigseq: JACK refused the port or the process callback\n", stderr);
		return false;
	}
	jack_on_shutdown(s->client, on_shutdown, s);
	return true;
}

/* Connect our port to `dest` by the rules of `trigseq play --connect` (jackport.h). */
static bool client_connect(sx_client *s, const char *dest)
{
	char err[512];
	int count;
	if (ts_jack_port_connect(s->client, s->port, jack_port_short_name(s->port), dest, &count, err,
				 sizeof(err)) != TS_OK) {
		fprintf(stderr, "trigseq: %s\n", err);
		return false;
	}
	return true;
}

static void client_close(sx_client *s)
{
	if (s->client) {
		if (!atomic_load(&s->gone))
			jack_deactivate(s->client);
		jack_client_close(s->client);
		s->client = NULL;
	}
}

/* The common start: signals, the client, memory locked, active, connected. */
static bool client_start(sx_client *s, const sysex_opts *o)
{
	if (!ts_wakeup_open(false)) {
		fprintf(stderr, "trigseq: cannot set up signal handling: %s\n", strerror(errno));
		return false;
	}
	/* JACK's threads inherit this mask: signals go to the main thread only. */
	ts_wakeup_block(true);
	bool ok = client_open(s, o);
	/* Best effort, as JACK clients do: the file and the ring are then never paged out under
	 * the process callback. */
	if (ok)
		(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (ok && jack_activate(s->client) != 0) {
		fputs("trigseq: cannot activate the JACK client\n", stderr);
		ok = false;
	}
	ts_wakeup_block(false);
	for (int i = 0; ok && i < o->nports; i++)
		ok = client_connect(s, o->ports[i]);
	return ok;
}

/* ---- send ---- */

static void send_progress(const sx_client *s, double t0)
{
	size_t sent = atomic_load(&s->sent), m = atomic_load(&s->sent_msgs);
	int width = 30, fill = s->len ? (int)((uint64_t)sent * (uint64_t)width / s->len) : width;
	char bar[32], a[32], b[32];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '-', (size_t)(width - fill));
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %s/%s bytes  message %zu/%zu  %.1f s ", bar,
		(int)((uint64_t)sent * 100 / s->len), grouped(sent, a), grouped(s->len, b),
		m < s->nspans ? m + 1 : s->nspans, s->nspans, now_s() - t0);
	fflush(stderr);
}

static int sysex_send(const sysex_opts *o)
{
	uint8_t *data = NULL;
	size_t len = 0;
	ts_status st = ts_sysex_read_file(o->file, &data, &len);
	if (st != TS_OK) {
		fprintf(stderr, "trigseq: %s: %s; nothing sent\n", o->file,
			st == TS_ERR_IO	     ? strerror(errno)
			: st == TS_ERR_RANGE ? "larger than 16 MiB, not a .syx file trigseq sends"
					     : ts_strerror(st));
		return EXIT_FAIL;
	}
	ts_sysex_span *spans = NULL;
	size_t nspans = 0;
	ts_sysex_error err;
	st = ts_sysex_split(data, len, &spans, &nspans, &err);
	if (st != TS_OK) {
		fprintf(stderr, "trigseq: %s: %s; nothing sent\n", o->file,
			st == TS_ERR_SYSEX ? err.text : ts_strerror(st));
		free(data);
		return EXIT_FAIL;
	}

	sx_client s = {.data = data};
	s.len = len;
	s.spans = spans;
	s.nspans = nspans;
	int rc = EXIT_FAIL;
	bool tty = isatty(STDERR_FILENO);
	if (!client_start(&s, o))
		goto out;
	if (s.rate < 1 || s.rate > 1000000) {
		/* ts_sysex_due is exact up to there; no server runs faster */
		fprintf(stderr, "trigseq: the JACK server's sample rate %" PRIu32 " Hz is not one "
				"trigseq sends SysEx at; nothing sent\n", s.rate);
		goto out;
	}
	s.pace = (ts_sysex_pace){.sample_rate = s.rate, .bytes_per_sec = (uint32_t)o->rate,
				 .gap_ms = (uint32_t)o->gap_ms};
	atomic_store_explicit(&s.go, true, memory_order_release);
	double t0 = now_s(), next_bar = t0;
	bool interrupted = false;
	for (;;) {
		if (atomic_load(&s.gone))
			break;
		if (ts_wakeup_signal(false)) {
			atomic_store(&s.stop, true);
			interrupted = true;
			break;
		}
		/* two more cycles after the last byte: the receivers have read it */
		uint64_t done = atomic_load(&s.done_cycle);
		if (done && atomic_load_explicit(&s.cycles, memory_order_acquire) >= done + 2)
			break;
		if (tty && now_s() >= next_bar) {
			send_progress(&s, t0);
			next_bar += 0.25;
		}
		ts_wakeup_wait(20);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	size_t sent = atomic_load_explicit(&s.sent, memory_order_acquire);
	if (atomic_load(&s.gone)) {
		fprintf(stderr, "trigseq: the JACK server went away after %zu of %zu bytes\n", sent,
			len);
		goto out;
	}
	if (interrupted) {
		size_t m = atomic_load(&s.sent_msgs);
		fprintf(stderr, "trigseq: interrupted after %zu of %zu messages (%zu of %zu bytes)%s\n",
			m, nspans, sent, len,
			m < nspans && sent > spans[m].offset ? "; the last one was cut off" : "");
		goto out;
	}
	uint64_t first = atomic_load(&s.first_frame), last = atomic_load(&s.last_frame);
	double secs = (double)(last - first) / s.rate + 1.0 / (double)o->rate;
	char a[32];
	printf("sent %zu message%s, %s byte%s in %.2f s (%" PRIu64 " bytes/s, gap %" PRIu64 " ms)\n",
	       nspans, plural(nspans), grouped(len, a), plural(len), secs, o->rate, o->gap_ms);
	uint64_t late = atomic_load(&s.late);
	if (late)
		fprintf(stderr, "trigseq: %" PRIu64 " byte%s went out later than due (the port's "
				"buffer was full)\n", late, plural(late));
	rc = 0;
out:
	client_close(&s);
	ts_wakeup_close();
	free(spans);
	free(data);
	return rc;
}

/* ---- recv ---- */

static void recv_progress(const ts_sysex_rx_stats *st, double idle, double timeout)
{
	char a[32], b[32];
	fprintf(stderr, "\rreceiving: %" PRIu64 " message%s, %s bytes", st->messages,
		plural(st->messages), grouped(st->bytes, a));
	if (st->open)
		fprintf(stderr, ", %s bytes of the next", grouped(st->open, b));
	fprintf(stderr, "  (idle %.1f of %.1f s) \033[K", idle, timeout);
	fflush(stderr);
}

/* Whatever the ring holds, into the assembler: TS_OK, or the first problem (TS_ERR_FULL past
 * the size limit, TS_ERR_NOMEM). */
static ts_status drain(sx_client *s, ts_sysex_rx *rx)
{
	static uint8_t buf[65536];
	ts_status rc = TS_OK;
	size_t n;
	while ((n = ts_sysex_ring_read(s->ring, buf, sizeof(buf))) > 0) {
		ts_status st = ts_sysex_rx_feed(rx, buf, n);
		if (rc == TS_OK)
			rc = st;
	}
	return rc;
}

static int sysex_recv(const sysex_opts *o)
{
	struct stat sb;
	if (!o->force && stat(o->file, &sb) == 0) {
		fprintf(stderr, "trigseq: %s exists; nothing recorded (--force replaces it)\n",
			o->file);
		return EXIT_FAIL;
	}
	sx_client s = {0};
	ts_sysex_rx *rx = ts_sysex_rx_new(TS_SYSEX_MAX_FILE);
	s.ring = ts_sysex_ring_new(RING_BYTES);
	int rc = EXIT_FAIL;
	if (!rx || !s.ring) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		goto out;
	}
	if (!client_start(&s, o))
		goto out;
	fprintf(stderr, "trigseq: recording SysEx on %s; stops %.1f s after the last SysEx byte\n",
		jack_port_name(s.port), o->timeout);
	bool tty = isatty(STDERR_FILENO);
	ts_status fed = TS_OK;
	double last = now_s(), next_bar = last;
	uint64_t seen = 0;
	ts_sysex_rx_stats st;
	for (;;) {
		if (atomic_load(&s.gone) || ts_wakeup_signal(false))
			break;
		if ((fed = drain(&s, rx)) != TS_OK)
			break;
		ts_sysex_rx_get_stats(rx, &st);
		double now = now_s();
		if (st.seen != seen) {
			seen = st.seen;
			last = now;
		}
		if (now - last >= o->timeout)
			break;
		if (tty && now >= next_bar) {
			recv_progress(&st, now - last, o->timeout);
			next_bar += 0.25;
		}
		ts_wakeup_wait(20);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	bool gone = atomic_load(&s.gone);
	client_close(&s);
	if (!gone && fed == TS_OK)
		fed = drain(&s, rx);
	ts_sysex_rx_end(rx);
	ts_sysex_rx_get_stats(rx, &st);
	uint64_t lost = atomic_load(&s.lost);
	char a[32];
	if (gone) {
		fprintf(stderr, "trigseq: the JACK server went away; %s not written\n", o->file);
		goto out;
	}
	if (fed == TS_ERR_FULL) {
		fprintf(stderr, "trigseq: more than %zu MiB of SysEx arrived; %s not written\n",
			TS_SYSEX_MAX_FILE >> 20, o->file);
		goto out;
	}
	if (fed != TS_OK) {
		fprintf(stderr, "trigseq: %s; %s not written\n", ts_strerror(fed), o->file);
		goto out;
	}
	if (lost) {
		fprintf(stderr, "trigseq: %" PRIu64 " byte%s lost (the receive ring was full); %s "
				"not written\n", lost, plural(lost), o->file);
		goto out;
	}
	if (st.broken)
		fprintf(stderr, "trigseq: %" PRIu64 " broken message%s not written (%s)\n", st.broken,
			plural(st.broken), ts_sysex_rx_last_broken(rx));
	if (st.messages == 0) {
		fprintf(stderr, "trigseq: no complete SysEx message received%s; %s not written\n",
			st.ignored ? " (other MIDI only)" : "", o->file);
		goto out;
	}
	size_t len;
	const uint8_t *data = ts_sysex_rx_data(rx, &len);
	if (ts_file_replace(o->file, data, len, o->force ? 0 : TS_FILE_NO_CLOBBER) != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", o->file,
			errno == EEXIST ? "it exists now (--force replaces it)" : strerror(errno));
		goto out;
	}
	printf("received %" PRIu64 " message%s, %s byte%s into %s", st.messages, plural(st.messages),
	       grouped(st.bytes, a), plural(st.bytes), o->file);
	if (st.realtime_dropped)
		printf(" (%" PRIu64 " realtime byte%s inside dropped)", st.realtime_dropped,
		       plural(st.realtime_dropped));
	putchar('\n');
	rc = st.broken ? EXIT_FAIL : 0;
out:
	client_close(&s);
	ts_wakeup_close();
	ts_sysex_ring_free(s.ring);
	ts_sysex_rx_free(rx);
	return rc;
}

int ts_sysex_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_sysex, stdout);
		return 0;
	}
	sysex_opts o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	return o.send ? sysex_send(&o) : sysex_recv(&o);
}
