/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal editor, `trigseq [FILE] [OPTIONS]`: an ncurses grid over the document of edit.h,
 * playing through JACK (jack_io.h, interactive) while it edits.
 *
 * One thread. The loop sleeps in poll() on the terminal and a self-pipe (signals, JACK's
 * shutdown), with a timeout only when something moves: 30 times a second while playing (the
 * playheads), 1 s otherwise (status such as xruns), or shortly while an edit waits to reach the
 * engine. Every pass draws the whole screen into curses' buffer only when something it shows
 * changed; curses then sends the terminal just the cells that differ.
 *
 * Nothing is lost: every edit is undoable, saving is atomic, a recovery file is written a couple
 * of seconds after edits (offered on the next start after a crash or kill), and the terminal is
 * restored on every exit, on SIGTERM/SIGHUP and on a crash signal.
 */
#define _DEFAULT_SOURCE /* pipe2-free self-pipe, sigaction, clock_gettime */
#include "trigseq/ui/ui.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/rt/jack_io.h"
#include "trigseq/core/monitor.h"
#include "trigseq/core/patfile.h"
#include "trigseq/app/play.h"
#include "trigseq/rt/voice.h"
#include "trigseq/app/wakeup.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define PLAY_REDRAW_MS 33
#define RECOVERY_AFTER_S 2.0
#define PROMPT_MAX 256
#define MON_LINES 64                  /* monitor scrollback */
#define MON_WIDTH 100
#define OPEN_ROOM 16                  /* files the engine has room for beyond the list (O) */

static const char *const usage_editor =
	"usage: trigseq [FILE...] [OPTIONS]\n"
	"\n"
	"The terminal editor: edit FILE (a new pattern if it does not exist, untitled without\n"
	"one) on a grid of 12 tracks, playing it through JACK while you edit. The other *.tsq\n"
	"files of its folder (or the FILEs given) are the pattern list: file n is program n.\n"
	"Press ? in the editor for every key.\n"
	"  --no-jack               edit without JACK (no play)\n"
	"  --program-send CH       a program change on channel CH on clock_out for the pattern\n"
	"                          play starts with and each one chosen while playing\n"
	"  --program-receive CH    a program change n on channel CH queues pattern n\n"
	"  --sync int|midi|jack    int: trigseq is the clock master; midi: follow MIDI clock on\n"
	"                          clock_in; jack: follow JACK transport. A master starts and\n"
	"                          stops play and sets the tempo (tempo edits change the file\n"
	"                          only): p stops here until its next Start or Continue (midi)\n"
	"                          or until the transport stops, rolls or is located (jack);\n"
	"                          p or P while it runs joins it at its next step\n"
	"  --clock-while-stopped   clock ticks (F8) on clock_out while stopped too (not with\n"
	"                          --sync midi or --no-send-clock)\n"
	"  -k, --click             the metronome on audio_out_1/2 (y switches it)\n"
	"  --name, --server, --connect, --send-clock, --no-send-clock, --send-transport,\n"
	"  --no-send-transport, --bpm, --seed, --fill\n"
	"                          as for 'trigseq play' (see 'trigseq play --help')\n"
	"Exit status: 0 quit, 1 a file or terminal problem, 2 bad usage.\n";

/* ---- state ---- */

typedef enum { MODE_GRID, MODE_HELP, MODE_PROMPT, MODE_ASK } ui_mode;

struct ui;
typedef void (*prompt_fn)(struct ui *u, const char *text);
typedef void (*ask_fn)(struct ui *u, int key);

/* A pattern of the list: program n (the Rytm's pattern n, A01 = 0) is the list's file n. */
typedef struct {
	ts_edit *ed;                  /* NULL: the file did not open (why), listed only */
	char *path;                   /* as listed */
	char why[120];
	bool in_engine;               /* the engine has a version (the load's or one sent) */
	uint64_t sent_version;        /* the document version the engine has (or is getting) */
	uint16_t sent_solo;
	uint64_t recovery_version;
	double recovery_due;          /* when to write the recovery file, 0 = not due */
	/* each track's sample as last handed to the voices ("" none), and why it did not load */
	char *sample_asked[TS_TRACKS]; /* NULL: nothing asked yet */
	char sample_why[TS_TRACKS][160];
} ts_doc;

typedef struct ui {
	ts_edit *ed;                  /* the pattern edited: docs[cur].ed */
	ts_doc *docs;
	int ndocs, cur;
	int cap;                      /* patterns the engine holds at most (0: no engine) */
	ts_select_mode select_mode;   /* how a pattern chosen takes over while playing (B) */
	bool show_patterns;           /* the pattern list instead of the inspector (b) */
	bool follow;                  /* the page follows the cursor track's playhead (L) */
	int help_page;                /* of the help (?), when the keys take more than a screen */
	int seen_pattern;             /* the engine's pattern at the last status read */
	int next_recovery;            /* the next document whose recovery file to offer */
	char port_store[TS_MAX_PORTS][TS_PORT_NAME_MAX + 1];
	ts_play_options op;
	ts_jack *jack;                /* NULL: no JACK */
	ts_engine *eng;
	ts_voices *voices;            /* the sample voices of every pattern, and the click */
	bool click;                   /* the metronome (y, --click) */
	char jack_state[96];          /* what the status line says of JACK */
	bool fill;                    /* fill mode latched (f) */
	double fill_until;            /* momentary fill (F held): on until then */
	bool fill_sent;               /* what the engine has */
	uint16_t solo;                /* soloed tracks, bit t-1 (S): the others are muted in what
					 the engine plays, not in the file */
	uint16_t tempo10;             /* the tempo playing: --bpm, else the document's; then the
					 document's from its first tempo edit on */
	uint16_t doc_tempo10;         /* the document's tempo when tempo10 was last set */
	double taps[8];               /* tap tempo: the last taps (T), seconds */
	int ntaps;
	/* keyboard mode (`): the letter keys are a piano for the cursor's track */
	bool keys_mode;
	bool record;                  /* while playing, notes go to the step playing */
	bool micro_rec;               /* ... with their micro timing (Q), else to the nearest step */
	int octave;                   /* of the 'a' key: C of this octave (C4 = 60) */
	ts_monitor *inject;           /* preview notes to the process callback */
	struct preview_off {
		double due;
		int port, track;
		uint8_t bytes[3];
	} offs[16];
	int noffs;
	ts_pattern play_copy;         /* a document as the engine gets it (solo applied) */
	/* the MIDI monitor (i): what trigseq sends and receives, decoded */
	ts_monitor *mon;
	bool show_monitor;
	char mon_lines[MON_LINES][MON_WIDTH];
	unsigned mon_count;           /* lines ever appended; the last MON_LINES are kept */
	uint64_t mon_dropped;
	const char *port_names[TS_MAX_PORTS];
	int nports;
	ui_mode mode;
	char message[160];
	/* prompt (MODE_PROMPT) and question (MODE_ASK) */
	char prompt_label[64];
	char prompt_text[PROMPT_MAX];
	size_t prompt_len;
	prompt_fn on_prompt;
	char ask_text[160];
	ask_fn on_ask;
	bool quit;
	bool colour;
	ts_jack_status st;            /* last snapshot drawn */
} ui;

/* ---- signals: a flag and a byte in a pipe (wakeup.h); the terminal restored on a crash ---- */

static struct termios saved_tty;
static bool have_saved_tty;

/* A crash: put the terminal back (async-signal-safe calls only), then die of the signal as
 * usual. The recovery file written after the last edits keeps the work. */
static void on_crash(int sig)
{
	static const char reset[] = "\033[?1000l\033[?1049l\033[?25h\033[0m\r\n";
	ssize_t w = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
	(void)w;
	if (have_saved_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool setup_signals(void)
{
	if (!ts_wakeup_open(true))
		return false;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		if (sigaction(crash[i], &sa, NULL) != 0)
			return false;
	return true;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->message, sizeof(u->message), fmt, ap);
	va_end(ap);
}

/* After an edit call: what the document says when it refused. */
static void edited(ui *u, bool changed)
{
	if (!changed && *ts_edit_message(u->ed))
		say(u, "%s", ts_edit_message(u->ed));
}

/* A terminal tells no key release: a held F repeats, and the fill lasts until 0.7 s after the
 * last repeat (longer than the usual delay before a key repeats). */
#define FILL_HOLD_S 0.7

static bool fill_on(const ui *u)
{
	return u->fill || now_s() < u->fill_until;
}

/* ---- JACK ---- */

/* Each track's sample of pattern k, as the document has it now, to the voices: only what changed
 * is read (on this thread: a long file holds the screen for as long as it takes to read). A
 * sample that cannot be read is said once, and the track stays silent until it changes. */
static void sync_samples(ui *u, int k)
{
	ts_doc *d = &u->docs[k];
	if (!u->voices || !d->ed)
		return;
	const ts_pattern *pat = ts_edit_pattern(d->ed);
	for (int t = 0; t < TS_TRACKS; t++) {
		char path[TS_VOICE_PATH_MAX], err[TS_VOICE_PATH_MAX + 256];
		ts_voices_sample_path(&pat->tracks[t], ts_edit_path(d->ed), path, sizeof(path));
		if (d->sample_asked[t] && strcmp(path, d->sample_asked[t]) == 0)
			continue;
		char *asked = strdup(path);
		ts_status st = asked ? ts_voices_load(u->voices, k, t + 1, path, err, sizeof(err))
				     : TS_ERR_NOMEM;
		if (st == TS_ERR_BUSY || !asked) {
			free(asked);
			return; /* the audio thread has not taken the last ones yet: next time */
		}
		free(d->sample_asked[t]);
		d->sample_asked[t] = asked;
		d->sample_why[t][0] = '\0';
		if (st != TS_OK) {
			ts_voices_load(u->voices, k, t + 1, NULL, NULL, 0);
			snprintf(d->sample_why[t], sizeof(d->sample_why[t]), "%.150s", err);
			say(u, "%.120s (track %d plays nothing)", err, t + 1);
		}
	}
}

static void jack_setup(ui *u)
{
	if (u->op.no_jack) {
		snprintf(u->jack_state, sizeof(u->jack_state), "no JACK (--no-jack)");
		return;
	}
	/* The engine gets the whole list as a bank; a file that did not open holds a blank
	 * pattern, never selected. Room is left for files opened later (O). */
	ts_pattern *pats = malloc((size_t)u->ndocs * sizeof(*pats));
	if (!pats) {
		snprintf(u->jack_state, sizeof(u->jack_state), "JACK: out of memory");
		return;
	}
	for (int k = 0; k < u->ndocs; k++) {
		if (u->docs[k].ed)
			pats[k] = *ts_edit_pattern(u->docs[k].ed);
		else
			ts_pattern_init(&pats[k]);
	}
	const ts_pattern *pat = &pats[u->cur];
	ts_jack_config jc = {
		.client_name = u->op.name,
		.server_name = u->op.server,
		.send_clock = u->op.send_clock,
		.send_transport = u->op.send_transport,
		.wake_fd = ts_wakeup_write_fd(),
		.sync_midi = u->op.sync_midi,
		.sync_jack = u->op.sync_jack,
		/* as for play: a MIDI clock slave's timeline is at the pattern's tempo, --bpm
		 * means nothing there */
		.tempo10 = u->op.tempo10 && !u->op.sync_midi ? u->op.tempo10 : pat->tempo10,
		.clock_while_stopped = u->op.clock_while_stopped,
		.interactive = true,
		.program_receive = u->op.program_receive,
	};
	jc.nports = ts_patterns_ports(pats, u->ndocs, jc.ports);
	if (jc.nports < 0) {
		snprintf(u->jack_state, sizeof(u->jack_state), "JACK: too many ports");
		say(u, "the patterns use more than %d ports together: open fewer files", TS_MAX_PORTS);
		free(pats);
		return;
	}
	for (int p = 0; p < jc.nports; p++) {
		snprintf(u->port_store[p], sizeof(u->port_store[p]), "%s", jc.ports[p]);
		jc.ports[p] = u->port_store[p];
	}
	u->mon = ts_monitor_new(TS_MONITOR_DEFAULT_CAPACITY);
	jc.monitor = u->mon;
	u->inject = ts_monitor_new(256);
	jc.inject = u->inject;
	u->nports = jc.nports;
	for (int p = 0; p < jc.nports; p++)
		u->port_names[p] = jc.ports[p];
	char err[512];
	bool no_server;
	u->jack = ts_jack_open(&jc, &no_server, err, sizeof(err));
	if (!u->jack) {
		ts_monitor_free(u->mon);
		u->mon = NULL;
		ts_monitor_free(u->inject);
		u->inject = NULL;
		snprintf(u->jack_state, sizeof(u->jack_state), "%s",
			 no_server ? "no JACK server: edit only" : "JACK: no client");
		say(u, "%.150s", err);
		free(pats);
		return;
	}
	/* The engine has room for the list, files opened later, and the versions edits leave
	 * behind. It plays at the edited pattern's tempo (the Rytm's pattern tempo). */
	u->cap = u->ndocs + OPEN_ROOM < TS_CHAIN_MAX ? u->ndocs + OPEN_ROOM : TS_CHAIN_MAX;
	ts_engine_config ec = {
		.rate = ts_jack_rate(u->jack),
		/* a MIDI clock slave's timeline is at the pattern's tempo (--bpm means nothing) */
		.tempo10 = u->op.sync_midi ? ts_edit_pattern(u->ed)->tempo10 : u->tempo10,
		.seed = u->op.seed,
		.send_clock = u->op.send_clock || u->op.send_transport,
		.chain_max = u->cap,
		.bank = true,
		.program_send = u->op.program_send,
	};
	u->eng = ts_engine_new(&ec);
	u->voices = ts_voices_new(ts_jack_rate(u->jack), u->cap);
	for (int k = 0; k < u->ndocs; k++)
		sync_samples(u, k);
	ts_jack_set_click(u->jack, u->click);
	bool ok = u->eng && u->voices && ts_engine_load_chain(u->eng, pats, u->ndocs) == TS_OK &&
		  ts_engine_queue(u->eng, u->cur) &&
		  ts_jack_activate(u->jack, u->eng, u->voices, err, sizeof(err)) == TS_OK;
	free(pats);
	if (!ok) {
		u->cap = 0;
		ts_voices_free(u->voices);
		u->voices = NULL;
		ts_jack_close(u->jack);
		u->jack = NULL;
		ts_monitor_free(u->mon);
		u->mon = NULL;
		ts_monitor_free(u->inject);
		u->inject = NULL;
		snprintf(u->jack_state, sizeof(u->jack_state), "JACK: setup failed");
		say(u, "%.150s", u->eng ? err : ts_strerror(TS_ERR_NOMEM));
		return;
	}
	ts_engine_set_fill(u->eng, u->op.fill);
	ts_jack_set_tempo(u->jack, u->tempo10);
	u->fill = u->op.fill;
	u->fill_sent = u->fill;
	ts_jack_set_fill(u->jack, u->fill);
	for (int k = 0; k < u->ndocs; k++) {
		ts_doc *d = &u->docs[k];
		d->in_engine = true;
		d->sent_version = d->ed ? ts_edit_version(d->ed) : 0;
	}
	u->seen_pattern = u->cur;
	for (int c = 0; c < u->op.nconnect; c++) {
		const char *spec = u->op.connect[c];
		size_t len = strcspn(spec, "=");
		char port[64];
		snprintf(port, sizeof(port), "%.*s", (int)len, spec);
		int count;
		if (ts_jack_connect(u->jack, port, spec + len + 1, &count, err, sizeof(err)) != TS_OK)
			say(u, "--connect %.40s: %.100s", spec, err);
	}
	snprintf(u->jack_state, sizeof(u->jack_state), "%.16s %" PRIu32 "k",
		 ts_jack_client_name(u->jack), ts_jack_rate(u->jack) / 1000);
}

static bool doc_behind(const ui *u, const ts_doc *d)
{
	return d->ed && (!d->in_engine || d->sent_version != ts_edit_version(d->ed) ||
			 d->sent_solo != u->solo);
}

/* A track given a port the client does not have yet: it is registered now (the engine learns it
 * before the pattern that needs it), and the user told to connect it. */
static void ensure_ports(ui *u, const ts_pattern *pat)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		const char *name = pat->tracks[t].port;
		int p = 0;
		while (p < u->nports && strcmp(u->port_names[p], name) != 0)
			p++;
		if (p < u->nports)
			continue;
		char err[160];
		if (ts_jack_add_port(u->jack, name, err, sizeof(err)) != TS_OK) {
			say(u, "%.150s: the pattern cannot play", err);
			return;
		}
		snprintf(u->port_store[p], sizeof(u->port_store[p]), "%s", name);
		u->port_names[p] = u->port_store[p];
		u->nports++;
		say(u, "new JACK port %.30s:%s: connect it to the synth", ts_jack_client_name(u->jack),
		    name);
	}
}

/* The engine gets each new version of every document, one at a time (the mailbox holds one);
 * one it cannot take yet goes on a later pass. Files opened later join the engine in list order,
 * then the edited pattern goes first. Solo mutes the other tracks of every pattern. */
static void sync_engine(ui *u)
{
	if (!u->jack || ts_jack_server_gone(u->jack))
		return;
	int k = 0;
	while (k < u->ndocs && u->docs[k].in_engine)
		k++;
	if (k == u->ndocs) {
		for (k = 0; k < u->ndocs; k++)
			if (doc_behind(u, &u->docs[(u->cur + k) % u->ndocs]))
				break;
		if (k == u->ndocs)
			return;
		k = (u->cur + k) % u->ndocs;
	}
	ts_doc *d = &u->docs[k];
	uint64_t v = ts_edit_version(d->ed);
	ensure_ports(u, ts_edit_pattern(d->ed));
	/* the new sample before the pattern that plays it */
	ts_voices_collect(u->voices);
	sync_samples(u, k);
	u->play_copy = *ts_edit_pattern(d->ed);
	for (int t = 0; t < TS_TRACKS; t++)
		if (u->solo && !(u->solo >> t & 1))
			u->play_copy.tracks[t].mute = true;
	if (ts_jack_send_pattern(u->jack, k, &u->play_copy)) {
		d->in_engine = true;
		d->sent_version = v;
		d->sent_solo = u->solo;
	}
}

/* The engine plays the document's tempo once it is edited (a --bpm holds until then). */
static void sync_tempo(ui *u)
{
	uint16_t doc = ts_edit_pattern(u->ed)->tempo10;
	if (doc == u->doc_tempo10)
		return;
	u->doc_tempo10 = doc;
	u->tempo10 = doc;
	if (u->jack && !ts_jack_server_gone(u->jack))
		ts_jack_set_tempo(u->jack, doc);
}

static bool engine_behind(const ui *u)
{
	if (!u->jack || ts_jack_server_gone(u->jack))
		return false;
	for (int k = 0; k < u->ndocs; k++)
		if (doc_behind(u, &u->docs[k]))
			return true;
	return false;
}

/* ---- drawing ---- */

enum { PAIR_PLAYHEAD = 1, PAIR_MUTED, PAIR_TITLE };

static void put(int y, int x, int attr, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void put(int y, int x, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (attr)
		attron(attr);
	mvaddnstr(y, x, buf, COLS - x > 0 ? COLS - x : 0);
	if (attr)
		attroff(attr);
}

/* Why a track cannot sound, or NULL. */
static const char *silent_reason(const ui *u, int t)
{
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[t];
	const char *why = u->docs[u->cur].sample_why[t];
	if (tk->dest != TS_DEST_EXT && why[0])
		return why;
	if (tk->dest == TS_DEST_INT)
		return tk->sample[0] ? NULL : "dest int without a sample";
	if (tk->channel == TS_CHANNEL_OFF)
		return "channel off";
	if (!tk->send_midi)
		return "send-midi off";
	if (tk->mute)
		return "muted";
	if (u->solo && !(u->solo >> t & 1))
		return "another track is soloed";
	return NULL;
}

/* The second character of a cell: one mark for what the trig carries, most telling first. */
static char trig_mark(const ts_trig *tr)
{
	if (tr->kind == TS_TRIG_NONE)
		return ' ';
	if (tr->retrig)
		return 'r';
	if (tr->cond != TS_COND_NONE)
		return '?';
	if (tr->slide)
		return '/';
	if (tr->nlocks > 0)
		return 'L';
	if (tr->micro != 0)
		return '~';
	return ' ';
}

static const char kind_chars[] = ".xXo-";

/* The step a track plays (1-based), 0 when stopped or another pattern plays. */
static int st_step(const ui *u, int t)
{
	return u->st.running && u->st.pattern == u->cur ? u->st.step[t] : 0;
}

/* The Rytm's name of program n: bank A … H, pattern 01 … 16. */
static void rytm_name(int n, char *buf, size_t size)
{
	snprintf(buf, size, "%c%02d", 'A' + n / 16 % 8, n % 16 + 1);
}

static const char *base_name(const char *path)
{
	const char *b = path ? strrchr(path, '/') : NULL;
	return b ? b + 1 : path ? path : "untitled";
}

static const char *doc_path(const ts_doc *d)
{
	return d->ed && ts_edit_path(d->ed) ? ts_edit_path(d->ed) : d->path;
}

static const char *const mode_names[] = {"sequential", "direct start", "direct jump"};

/* Row 14: the pattern edited, the one playing and the one next, the mode, program send. */
static void draw_pattern_line(ui *u)
{
	char cur[8], play[8], next[8] = "";
	rytm_name(u->cur, cur, sizeof(cur));
	rytm_name(u->st.pattern, play, sizeof(play));
	if (u->st.running && u->st.queued >= 0)
		rytm_name(u->st.queued, next, sizeof(next));
	char prg[24] = "";
	if (u->op.program_send)
		snprintf(prg, sizeof(prg), "  prg out ch %d", u->op.program_send);
	put(14, 0, A_BOLD, "%s", cur);
	put(14, 4, 0, "%d/%d %-.20s", u->cur + 1, u->ndocs, base_name(doc_path(&u->docs[u->cur])));
	if (!u->jack)
		return;
	if (u->st.running)
		put(14, 34, 0, "plays %s%s%s", play, next[0] ? " next " : "", next);
	put(14, 54, 0, "%-.12s%s", mode_names[u->select_mode], prg);
}

/* The pattern list (b): program, Rytm name, file; > edited, * unsaved, ! not opened; the one
 * playing bold, the one next underlined. */
static void draw_patterns(ui *u)
{
	put(15, 0, A_BOLD, "patterns (b closes; ( ) choose, g go to, B mode: %s, O open)",
	    mode_names[u->select_mode]);
	int rows = 7, cols = 4, per = rows * cols;
	int first = u->cur / per * per;
	for (int k = first; k < u->ndocs && k < first + per; k++) {
		const ts_doc *d = &u->docs[k];
		char name[8];
		rytm_name(k, name, sizeof(name));
		int attr = 0;
		if (u->st.running && u->st.pattern == k)
			attr |= A_BOLD;
		if (u->st.running && u->st.queued == k)
			attr |= A_UNDERLINE;
		if (k == u->cur)
			attr |= A_REVERSE;
		char mark = !d->ed ? '!' : ts_edit_dirty(d->ed) ? '*' : ' ';
		const char *file = base_name(doc_path(d));
		int len = (int)strlen(file);
		if (len > 4 && strcmp(file + len - 4, ".tsq") == 0)
			len -= 4;
		put(16 + (k - first) % rows, (k - first) / rows * 20, attr, "%c%3d %s %-.*s",
		    mark, k, name, len < 11 ? len : 11, file);
	}
}

/* The tempo and where it comes from. As the master: the tempo playing and `int`. Following a
 * MIDI clock: `midi`, LOCK (locked, with the measured BPM), free (the master runs, the clock is
 * not locked) or wait (neither); following JACK transport: `jack`, roll or stop, the tempo
 * followed and BBT when a timebase master gives it (else the tempo is ours). */
static void sync_text(const ui *u, char *buf, size_t len)
{
	const ts_jack_status *st = &u->st;
	if (u->op.sync_midi && u->jack && st->clock_locked)
		snprintf(buf, len, "midi LOCK %5.1f", st->clock_bpm);
	else if (u->op.sync_midi && u->jack && st->clock_running && st->clock_bpm > 0)
		snprintf(buf, len, "midi free %5.1f", st->clock_bpm);
	else if (u->op.sync_midi)
		snprintf(buf, len, "midi wait");
	else if (u->op.sync_jack && u->jack)
		snprintf(buf, len, "jack %s %5.1f%s", st->transport_rolling ? "roll" : "stop",
			 st->transport_bpm, st->transport_bbt ? " BBT" : "");
	else if (u->op.sync_jack)
		snprintf(buf, len, "jack");
	else
		snprintf(buf, len, "%3u.%u BPM int", u->tempo10 / 10, u->tempo10 % 10);
}

/* From column 29: the tempo and its source, what clock_out sends (out, off, or always with
 * --clock-while-stopped), then JACK's client, rate, xruns and DSP load. It fits the terminal (80
 * columns at least): when the client's name does not, only the rate is shown, never a cut xrun
 * count or load, which are what change. */
static void draw_status(ui *u)
{
	const char *path = ts_edit_path(u->ed);
	const ts_jack_status *st = &u->st;
	bool gone = u->jack && st->server_gone;
	char sync[40], mode[80], tail[48], jack[160];
	sync_text(u, sync, sizeof(sync));
	snprintf(mode, sizeof(mode), "%s  clock %s  %s", sync,
		 !u->op.send_clock ? "off" : u->op.clock_while_stopped ? "always" : "out",
		 u->click ? "click  " : "");
	if (gone) {
		snprintf(jack, sizeof(jack), "JACK: server gone");
	} else if (u->jack) {
		snprintf(tail, sizeof(tail), " xr %" PRIu32 " dsp %.1f%%", st->xruns, st->dsp_load);
		const char *state = u->jack_state, *rate = strrchr(state, ' ');
		if (29 + strlen(mode) + strlen(state) + strlen(tail) > (size_t)COLS && rate)
			state = rate + 1;
		snprintf(jack, sizeof(jack), "%s%s", state, tail);
	} else {
		snprintf(jack, sizeof(jack), "%s", u->jack_state);
	}
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path ? path : "untitled";
	put(0, 0, A_REVERSE, "%-*s", COLS, "");
	put(0, 0, A_REVERSE | A_BOLD, " %.15s%s", base, ts_edit_dirty(u->ed) ? " *" : "");
	put(0, 19, A_REVERSE | A_BOLD, "%s", fill_on(u) ? "FILL" : "");
	put(0, 24, A_REVERSE | A_BOLD, "%s", st->running ? "PLAY" : "STOP");
	put(0, 29, A_REVERSE, "%s%s", mode, jack);
}

static void draw_tracks(ui *u)
{
	const ts_pattern *pat = ts_edit_pattern(u->ed);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int page = ts_edit_page(u->ed), first = page * TS_EDIT_PAGE;
	int maxlen = 0;
	for (int t = 0; t < TS_TRACKS; t++)
		if (pat->tracks[t].length > maxlen)
			maxlen = pat->tracks[t].length;
	int pages = (maxlen + TS_EDIT_PAGE - 1) / TS_EDIT_PAGE;
	put(1, 0, A_BOLD, " # name    ch port     note len spd");
	for (int k = 0; k < TS_EDIT_PAGE; k += 4)
		put(1, 37 + 2 * k + k / 4, A_BOLD, "%d", first + k + 1);
	put(1, 73, A_BOLD, "p%d/%d%s", page + 1, pages > 0 ? pages : 1, u->follow ? "f" : "");
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		int y = 2 + t;
		const char *why = silent_reason(u, t);
		int dim = why ? (u->colour ? COLOR_PAIR(PAIR_MUTED) : A_DIM) : 0;
		char mark = why ? (tk->mute ? 'M' : u->solo && !(u->solo >> t & 1) ? 's' : 'S')
				: u->solo >> t & 1 ? '*' : ' ';
		char ch[8], note[8];
		/* where it goes: a channel, "smp" for the sample alone, "+" after the channel for
		 * both */
		if (tk->dest == TS_DEST_INT)
			snprintf(ch, sizeof(ch), "smp");
		else if (tk->channel == TS_CHANNEL_OFF)
			snprintf(ch, sizeof(ch), "off");
		else
			snprintf(ch, sizeof(ch), "%d%s", tk->channel,
				 tk->dest == TS_DEST_INT_EXT && tk->sample[0] ? "+" : "");
		ts_note_name(tk->notes[0], note, sizeof(note));
		put(y, 0, dim | (t == c.track ? A_BOLD : 0), "%2d %-6.6s %3s %-8.8s %-4s %2d %-4s%c",
		    t + 1, tk->name[0] ? tk->name : "", ch, tk->port, note, tk->length,
		    ts_speed_name(tk->speed), mark);
		int play = st_step(u, t);
		for (int k = 0; k < TS_EDIT_PAGE; k++) {
			int step = first + k, x = 37 + 2 * k + k / 4;
			char cell[3] = "  ";
			if (step < tk->length) {
				const ts_trig *tr = &tk->steps[step];
				cell[0] = kind_chars[tr->kind <= TS_TRIG_MUTED ? tr->kind : 0];
				cell[1] = trig_mark(tr);
			}
			int attr = dim;
			if (play == step + 1)
				attr |= u->colour ? COLOR_PAIR(PAIR_PLAYHEAD) | A_BOLD : A_UNDERLINE | A_BOLD;
			if (t == c.track && step == c.step)
				attr |= A_REVERSE;
			put(y, x, attr, "%s", cell);
		}
	}
}

/* Fields that take two cells of the inspector: lists and paths. */
static bool wide_field(int f)
{
	return f == TS_F_LOCKS || f == TS_F_T_CC || f == TS_F_T_SAMPLE;
}

/* Two views, following the selected field: the trig's fields with the pattern's, or every
 * setting of the track (every track key of the file format). Four 20-column cells a row. */
static void draw_inspector(ui *u)
{
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[c.track];
	bool track_view = ts_edit_field_scope(c.field) == TS_SCOPE_TRACK;
	char head[96];
	if (track_view)
		snprintf(head, sizeof(head), "track %d settings", c.track + 1);
	else
		snprintf(head, sizeof(head), "track %d step %d%s", c.track + 1, c.step + 1,
			 c.step >= tk->length ? " (beyond the track's length)" : "");
	put(15, 0, A_BOLD, "%s", head);
	put(15, 44, A_DIM, "Tab fields  e types a value");
	int row = 16, col = 0;
	ts_edit_scope last = TS_SCOPE_TRIG;
	for (int f = 0; f < TS_F_COUNT; f++) {
		ts_edit_scope scope = ts_edit_field_scope(f);
		if ((scope == TS_SCOPE_TRACK) != track_view)
			continue;
		if (scope != last) {
			last = scope;
			if (col)
				row++;
			col = 0;
		}
		int cells = wide_field(f) ? 2 : 1;
		if (col + cells > 4) {
			col = 0;
			row++;
		}
		char val[80];
		ts_edit_field_text(u->ed, f, val, sizeof(val));
		int w = 20 * cells - 2 - (int)strlen(ts_edit_field_name(f));
		put(row, col * 20, f == c.field ? A_REVERSE : 0, "%s %-.*s", ts_edit_field_name(f),
		    w, val);
		col += cells;
		if (col == 4) {
			col = 0;
			row++;
		}
	}
	const char *why = silent_reason(u, c.track);
	if (why)
		put(22, 0, A_BOLD, "track %d cannot sound: %s", c.track + 1, why);
}

static void draw_bottom(ui *u)
{
	if (u->mode == MODE_PROMPT) {
		put(23, 0, A_BOLD, "%s: ", u->prompt_label);
		put(23, (int)strlen(u->prompt_label) + 2, 0, "%s", u->prompt_text);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (u->mode == MODE_ASK) {
		put(23, 0, A_BOLD | A_REVERSE, "%s", u->ask_text);
		return;
	}
	if (u->message[0]) {
		put(23, 0, 0, "%s", u->message);
	} else if (u->keys_mode) {
		char c[8];
		ts_note_name((u->octave + 1) * 12, c, sizeof(c));
		put(23, 0, A_BOLD, "KEYS a=%s w s e d f t g y h u j k  z x oct  r rec %s  Q %s  space "
				   "rest  ` leaves", c, u->record ? "ON" : "off",
		    u->micro_rec ? "MICRO" : "quant");
	} else
		put(23, 0, A_DIM, "? keys  space trig  hjkl move  tab field  +/- value  p play  w save  "
				  "q quit");
}

/* ---- the MIDI monitor ---- */

/* Decoded lines of what the process callback logged, clock ticks and active sensing left out
 * (they would flood it); true when any came. */
static bool drain_monitor(ui *u)
{
	if (!u->mon)
		return false;
	bool any = false;
	ts_monitor_rec recs[128];
	size_t n;
	while ((n = ts_monitor_pop(u->mon, recs, 128)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (ts_monitor_is_tick(&recs[i]) || ts_monitor_is_active_sensing(&recs[i]))
				continue;
			uint64_t origin = ts_monitor_extend_frame(recs[i].frame, u->st.start_frame);
			ts_monitor_format(&recs[i], u->port_names, u->nports, ts_jack_rate(u->jack),
					  origin, u->mon_lines[u->mon_count % MON_LINES], MON_WIDTH);
			u->mon_count++;
			any = true;
		}
	}
	uint64_t d = ts_monitor_dropped(u->mon);
	if (d != u->mon_dropped) {
		u->mon_dropped = d;
		any = true;
	}
	return any;
}

static void draw_monitor(ui *u)
{
	put(15, 0, A_BOLD, "MIDI monitor (i closes): seconds from play start, what goes out and "
			   "comes in");
	if (!u->mon) {
		put(16, 0, 0, "no JACK client: nothing is sent or received");
		return;
	}
	int rows = 7;
	unsigned first = u->mon_count > (unsigned)rows ? u->mon_count - (unsigned)rows : 0;
	for (unsigned k = first; k < u->mon_count; k++)
		put(16 + (int)(k - first), 0, 0, "%.*s", COLS, u->mon_lines[k % MON_LINES]);
	if (u->mon_dropped)
		put(15, 60, A_BOLD, "%" PRIu64 " dropped", u->mon_dropped);
}

static void act_click(ui *u, int arg)
{
	(void)arg;
	u->click = !u->click;
	if (u->jack)
		ts_jack_set_click(u->jack, u->click);
	say(u, "click %s", u->click ? "on: audio_out_1/2, every beat, the bar's first higher"
				    : "off");
}

static void act_monitor(ui *u, int arg)
{
	(void)arg;
	u->show_monitor = !u->show_monitor;
}

static void draw_help(const ui *u);

static void draw(ui *u)
{
	erase();
	if (LINES < 24 || COLS < 80) {
		put(0, 0, A_BOLD, "trigseq needs 80x24; this terminal is %dx%d", COLS, LINES);
		refresh();
		return;
	}
	if (u->mode == MODE_HELP) {
		draw_help(u);
	} else {
		draw_status(u);
		draw_tracks(u);
		draw_pattern_line(u);
		if (u->show_monitor)
			draw_monitor(u);
		else if (u->show_patterns)
			draw_patterns(u);
		else
			draw_inspector(u);
	}
	draw_bottom(u);
	refresh();
}

/* ---- actions ---- */

/* Following: the cursor goes to the page the playhead of its track is on, same column. */
static bool follow_page(ui *u)
{
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int play = st_step(u, c.track);
	if (!u->follow || play == 0)
		return false;
	int page = (play - 1) / TS_EDIT_PAGE;
	if (page == c.step / TS_EDIT_PAGE)
		return false;
	int step = page * TS_EDIT_PAGE + c.step % TS_EDIT_PAGE;
	int len = ts_edit_pattern(u->ed)->tracks[c.track].length;
	ts_edit_move_to(u->ed, c.track, step < len ? step : len - 1);
	return true;
}

static void act_follow(ui *u, int arg)
{
	(void)arg;
	u->follow = !u->follow;
	say(u, "%s", u->follow ? "page follows the playhead (the cursor goes with it)"
			       : "page locked: it stays where the cursor is");
	follow_page(u);
}

static void act_move(ui *u, int arg)
{
	static const int dt[] = {0, 0, -1, 1, 0, 0}, ds[] = {-1, 1, 0, 0, -TS_EDIT_PAGE,
							     TS_EDIT_PAGE};
	ts_edit_move(u->ed, dt[arg], ds[arg]);
}

static void act_toggle(ui *u, int arg)
{
	(void)arg;
	edited(u, ts_edit_toggle(u->ed));
}

static void act_kind(ui *u, int kind)
{
	edited(u, ts_edit_set_kind(u->ed, kind));
}

static void act_field(ui *u, int delta)
{
	ts_edit_select_field(u->ed, delta);
}

static void act_adjust(ui *u, int delta)
{
	edited(u, ts_edit_adjust(u->ed, delta));
}

static void act_slide(ui *u, int arg)
{
	(void)arg;
	edited(u, ts_edit_toggle_slide(u->ed));
}

static void act_mute(ui *u, int arg)
{
	(void)arg;
	edited(u, ts_edit_toggle_mute(u->ed, ts_edit_get_cursor(u->ed).track));
}

static void act_send(ui *u, int arg)
{
	(void)arg;
	edited(u, ts_edit_toggle_send(u->ed, ts_edit_get_cursor(u->ed).track));
}

static void act_solo(ui *u, int arg)
{
	(void)arg;
	int t = ts_edit_get_cursor(u->ed).track;
	u->solo ^= (uint16_t)(1u << t);
	say(u, "track %d %s", t + 1, u->solo >> t & 1 ? "soloed: the others are silent (not saved)"
						 : "not soloed");
}

static void act_copy(ui *u, int what)
{
	ts_edit_copy(u->ed, what);
	static const char *const names[] = {"", "trig", "track", "page"};
	say(u, "copied the %s", names[what]);
}

static void act_paste(ui *u, int arg)
{
	(void)arg;
	edited(u, ts_edit_paste(u->ed));
}

static void act_clear(ui *u, int what)
{
	edited(u, ts_edit_clear(u->ed, what));
}

static void act_undo(ui *u, int redo)
{
	edited(u, redo ? ts_edit_redo(u->ed) : ts_edit_undo(u->ed));
}

/* p and P when a master owns transport (--sync midi, jack): playing, either stops here (note-offs)
 * until the master starts again; stopped while the master runs, either joins it at its next
 * step; with the master stopped there is nothing to do but say who starts play. */
static void slave_transport(ui *u)
{
	ts_jack_status st;
	ts_jack_get_status(u->jack, &st);
	bool master_runs = u->op.sync_midi ? st.clock_running : st.transport_rolling;
	if (st.running) {
		ts_jack_command(u->jack, TS_JACK_STOP);
		say(u, "stopped here; %s", u->op.sync_midi
			? "the master's next Start or Continue plays again (p joins it now)"
			: "the transport's next roll or locate plays again (p joins it now)");
	} else if (master_runs) {
		ts_jack_command(u->jack, TS_JACK_CONTINUE);
		say(u, "joining the %s at its next step", u->op.sync_midi ? "master" : "transport");
	} else {
		say(u, "play follows the master: %s", u->op.sync_midi
			? "it starts with MIDI Start or Continue on clock_in"
			: "it starts when JACK transport rolls");
	}
}

static void act_transport(ui *u, int cmd)
{
	if (!u->jack || ts_jack_server_gone(u->jack)) {
		say(u, "no play: %s", u->jack_state);
		return;
	}
	if (u->op.sync_midi || u->op.sync_jack) {
		slave_transport(u);
		return;
	}
	if (cmd == TS_JACK_PLAY && u->st.running)
		cmd = TS_JACK_STOP; /* p toggles */
	ts_jack_command(u->jack, (ts_jack_cmd)cmd);
}

static void sync_fill(ui *u)
{
	bool on = fill_on(u);
	if (on != u->fill_sent && u->jack) {
		ts_jack_set_fill(u->jack, on);
		u->fill_sent = on;
	}
}

static void act_fill(ui *u, int momentary)
{
	if (momentary) {
		u->fill_until = now_s() + FILL_HOLD_S;
	} else {
		u->fill = !u->fill;
		say(u, "fill %s", u->fill ? "on: fill conditions true" : "off");
	}
	sync_fill(u);
}

/* Tempo keys edit the document's tempo (the tempo field), heard at once. */
static bool set_doc_tempo(ui *u, int tempo10)
{
	int cur = ts_edit_get_cursor(u->ed).field;
	int delta = tempo10 - ts_edit_pattern(u->ed)->tempo10;
	ts_edit_select_field(u->ed, TS_F_TEMPO - cur);
	bool changed = delta != 0 && ts_edit_adjust(u->ed, delta);
	ts_edit_select_field(u->ed, cur - TS_F_TEMPO);
	return changed;
}

static void act_nudge(ui *u, int delta10)
{
	int t = ts_edit_pattern(u->ed)->tempo10 + delta10;
	t = t < TS_TEMPO10_MIN ? TS_TEMPO10_MIN : t > TS_TEMPO10_MAX ? TS_TEMPO10_MAX : t;
	edited(u, set_doc_tempo(u, t));
}

/* Tap tempo: the mean interval of the last taps (at least 2 within 2 s of each other). */
static void act_tap(ui *u, int arg)
{
	(void)arg;
	double now = now_s();
	if (u->ntaps > 0 && now - u->taps[u->ntaps - 1] > 2.0)
		u->ntaps = 0;
	if (u->ntaps == 8) {
		memmove(u->taps, u->taps + 1, 7 * sizeof(u->taps[0]));
		u->ntaps = 7;
	}
	u->taps[u->ntaps++] = now;
	if (u->ntaps < 2) {
		say(u, "tap: again, on the beat");
		return;
	}
	double beat = (u->taps[u->ntaps - 1] - u->taps[0]) / (u->ntaps - 1);
	int t = (int)(600.0 / beat + 0.5);
	t = t < TS_TEMPO10_MIN ? TS_TEMPO10_MIN : t > TS_TEMPO10_MAX ? TS_TEMPO10_MAX : t;
	set_doc_tempo(u, t);
	say(u, "tap: %d.%d BPM from %d taps", t / 10, t % 10, u->ntaps);
}

static void got_tempo(ui *u, const char *text)
{
	uint16_t t10;
	if (!ts_cli_tempo(text, &t10)) {
		say(u, "'%.20s' is not a tempo: 30.0 ... 300.0, one decimal at most", text);
		return;
	}
	edited(u, set_doc_tempo(u, t10));
}

static void act_tempo(ui *u, int arg);

static void start_prompt(ui *u, const char *label, const char *initial, prompt_fn fn)
{
	u->mode = MODE_PROMPT;
	snprintf(u->prompt_label, sizeof(u->prompt_label), "%s", label);
	snprintf(u->prompt_text, sizeof(u->prompt_text), "%s", initial ? initial : "");
	u->prompt_len = strlen(u->prompt_text);
	u->on_prompt = fn;
}

static void ask(ui *u, ask_fn fn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void ask(ui *u, ask_fn fn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->ask_text, sizeof(u->ask_text), fmt, ap);
	va_end(ap);
	u->mode = MODE_ASK;
	u->on_ask = fn;
}

static void act_tempo(ui *u, int arg)
{
	(void)arg;
	start_prompt(u, "tempo (BPM, e.g. 123.7)", NULL, got_tempo);
}

static void got_note(ui *u, const char *text)
{
	int n = ts_note_parse(text, strlen(text));
	if (n < 0) {
		say(u, "'%.40s' is not a note: 0 ... 127 or a name like C4, D#2, Eb3", text);
		return;
	}
	edited(u, ts_edit_set_note(u->ed, n));
}

static void got_name(ui *u, const char *text)
{
	edited(u, ts_edit_set_track_name(u->ed, ts_edit_get_cursor(u->ed).track, text));
}

static void act_name(ui *u, int arg)
{
	(void)arg;
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	start_prompt(u, "track name", ts_edit_pattern(u->ed)->tracks[c.track].name, got_name);
}

static void got_field_text(ui *u, const char *text)
{
	edited(u, ts_edit_set_text(u->ed, text));
}

/* e: type the selected field's value, starting from what it is (without "(trk)"). */
static void act_type(ui *u, int arg)
{
	(void)arg;
	int f = ts_edit_get_cursor(u->ed).field;
	char now[300], label[40];
	ts_edit_field_text(u->ed, f, now, sizeof(now));
	char *inherited = strstr(now, " (trk)");
	if (inherited)
		*inherited = '\0';
	if (strcmp(now, "-") == 0 || ((f == TS_F_LOCKS || f == TS_F_T_CC) && !strcmp(now, "none")))
		now[0] = '\0';
	snprintf(label, sizeof(label), "%s", ts_edit_field_name(f));
	start_prompt(u, label, now, got_field_text);
}

static void act_note(ui *u, int arg)
{
	(void)arg;
	start_prompt(u, "note (C4 = 60, or 0 ... 127)", NULL, got_note);
}

static bool save_doc(ui *u, ts_doc *d, const char *path)
{
	ts_status st = ts_edit_save(d->ed, path);
	if (st != TS_OK) {
		say(u, "not saved: %s: %s (the file is unchanged)", path ? path : ts_edit_path(d->ed),
		    errno ? strerror(errno) : ts_strerror(st));
		return false;
	}
	say(u, "saved %s", ts_edit_path(d->ed));
	d->recovery_due = 0;
	return true;
}

static bool save_to(ui *u, const char *path)
{
	return save_doc(u, &u->docs[u->cur], path);
}

static void got_save_as(ui *u, const char *text)
{
	if (!*text) {
		say(u, "not saved: no file name");
		return;
	}
	save_to(u, text);
}

static void act_save(ui *u, int as)
{
	if (as || !ts_edit_path(u->ed))
		start_prompt(u, "save as", ts_edit_path(u->ed), got_save_as);
	else
		save_to(u, NULL);
}

static int dirty_docs(const ui *u, char *names, size_t size)
{
	int n = 0;
	size_t at = 0;
	names[0] = '\0';
	for (int k = 0; k < u->ndocs; k++) {
		const ts_doc *d = &u->docs[k];
		if (!d->ed || !ts_edit_dirty(d->ed))
			continue;
		if (at < size)
			at += (size_t)snprintf(names + at, size - at, "%s%s", n ? ", " : "",
					       base_name(doc_path(d)));
		n++;
	}
	return n;
}

static void quit_answer(ui *u, int key)
{
	if (key == 's' || key == 'S') {
		if (!ts_edit_path(u->ed)) {
			start_prompt(u, "save as", NULL, got_save_as);
			return;
		}
		bool ok = true;
		for (int k = 0; k < u->ndocs; k++) {
			ts_doc *d = &u->docs[k];
			if (d->ed && ts_edit_dirty(d->ed))
				ok = save_doc(u, d, NULL) && ok;
		}
		u->quit = ok;
	} else if (key == 'd' || key == 'D') {
		u->quit = true;
	} else {
		say(u, "not quitting");
	}
}

static void act_quit(ui *u, int arg)
{
	(void)arg;
	char names[64];
	int n = dirty_docs(u, names, sizeof(names));
	if (n == 0)
		u->quit = true;
	else if (u->ndocs == 1)
		ask(u, quit_answer, "Unsaved changes. s: save and quit, d: discard and quit, "
				    "any other key: stay");
	else
		ask(u, quit_answer, "Unsaved: %.40s. s: save %s and quit, d: discard, other: stay",
		    names, n > 1 ? "all" : "it");
}

/* ---- the pattern list ---- */

/* Pattern k (one that opened) becomes the one edited; the clipboard goes along. The tempo plays
 * on (the Rytm's project tempo) until this pattern's is edited. */
static void edit_doc(ui *u, int k)
{
	if (k == u->cur)
		return;
	ts_edit_copy_clipboard(u->docs[k].ed, u->ed);
	u->cur = k;
	u->ed = u->docs[k].ed;
	u->doc_tempo10 = ts_edit_pattern(u->ed)->tempo10;
}

/* Edit pattern k and have the engine play it, in the mode chosen (B). */
static void select_doc(ui *u, int k)
{
	ts_doc *d = &u->docs[k];
	if (!d->ed) {
		say(u, "%.40s did not open: %.100s", base_name(d->path), d->why);
		return;
	}
	edit_doc(u, k);
	char name[8];
	rytm_name(k, name, sizeof(name));
	if (!u->jack || ts_jack_server_gone(u->jack)) {
		say(u, "editing %s %.40s", name, base_name(doc_path(d)));
		return;
	}
	sync_engine(u); /* a file just opened joins first: the selection waits for it */
	ts_jack_select(u->jack, k, u->select_mode);
	if (u->st.running)
		say(u, "%s %.40s %s", name, base_name(doc_path(d)),
		    u->select_mode == TS_SELECT_SEQUENTIAL ? "plays at the next change point"
							  : "plays from the next 16th");
	else
		say(u, "%s %.40s: play starts with it", name, base_name(doc_path(d)));
}

static void act_pattern_step(ui *u, int delta)
{
	int k = u->cur;
	for (int n = 0; n < u->ndocs; n++) {
		k = (k + delta + u->ndocs) % u->ndocs;
		if (u->docs[k].ed)
			break;
	}
	if (k == u->cur) {
		say(u, "no other pattern in the list: O opens one");
		return;
	}
	select_doc(u, k);
}

static void act_patterns(ui *u, int arg)
{
	(void)arg;
	u->show_patterns = !u->show_patterns;
	u->show_monitor = false;
}

static void act_select_mode(ui *u, int arg)
{
	(void)arg;
	u->select_mode = (ts_select_mode)((u->select_mode + 1) % 3);
	say(u, "pattern mode %s: %s", mode_names[u->select_mode],
	    u->select_mode == TS_SELECT_SEQUENTIAL ? "a pattern chosen plays at the change point"
	    : u->select_mode == TS_SELECT_DIRECT_START ? "at the next 16th, from step 1"
						       : "at the next 16th, from the step playing");
}

/* "5" (program), "A06" (Rytm name) or a file name of the list. */
static int find_doc(const ui *u, const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (*text && !*end)
		return n >= 0 && n < u->ndocs ? (int)n : -1;
	if (strlen(text) == 3 && text[0] >= 'A' && text[0] <= 'H' && text[1] >= '0' &&
	    text[1] <= '9' && text[2] >= '0' && text[2] <= '9') {
		int k = (text[0] - 'A') * 16 + (text[1] - '0') * 10 + (text[2] - '0') - 1;
		return (text[1] - '0') * 10 + (text[2] - '0') >= 1 &&
				       (text[1] - '0') * 10 + (text[2] - '0') <= 16 && k < u->ndocs
			       ? k
			       : -1;
	}
	for (int k = 0; k < u->ndocs; k++)
		if (strcmp(doc_path(&u->docs[k]), text) == 0 ||
		    strcmp(base_name(doc_path(&u->docs[k])), text) == 0)
			return k;
	return -1;
}

static void got_goto(ui *u, const char *text)
{
	int k = find_doc(u, text);
	if (k < 0)
		say(u, "no pattern '%.40s' in the list (0 ... %d, A01 ..., or a file name)", text,
		    u->ndocs - 1);
	else
		select_doc(u, k);
}

static void act_goto(ui *u, int arg)
{
	(void)arg;
	start_prompt(u, "pattern (number, A01, or file)", NULL, got_goto);
}

static bool open_doc(ts_doc *d, const char *path, bool must_exist);

/* O: a file of the list is chosen; another joins the list (and the engine; ports it needs are
 * registered). */
static void got_open(ui *u, const char *text)
{
	if (!*text) {
		say(u, "no file name");
		return;
	}
	int k = find_doc(u, text);
	if (k >= 0) {
		select_doc(u, k);
		return;
	}
	if (u->ndocs == TS_CHAIN_MAX || (u->cap && u->ndocs == u->cap)) {
		say(u, "the list is full (%d patterns): restart the editor to open more", u->ndocs);
		return;
	}
	ts_doc *grown = realloc(u->docs, (size_t)(u->ndocs + 1) * sizeof(*grown));
	if (!grown) {
		say(u, "%s", ts_strerror(TS_ERR_NOMEM));
		return;
	}
	u->docs = grown;
	u->ed = u->docs[u->cur].ed;
	ts_doc *d = &u->docs[u->ndocs];
	memset(d, 0, sizeof(*d));
	if (!open_doc(d, text, false)) {
		say(u, "%.40s not opened: %.100s", text, d->why);
		free(d->path);
		return;
	}
	d->recovery_version = ts_edit_version(d->ed);
	u->ndocs++;
	select_doc(u, u->ndocs - 1);
}

static void act_open(ui *u, int arg)
{
	(void)arg;
	start_prompt(u, "open (a file of the list, or another)", NULL, got_open);
}

static void act_help(ui *u, int arg)
{
	(void)arg;
	u->mode = MODE_HELP;
	u->help_page = 0;
}

/* ---- keyboard mode ---- */

/* The piano: the home row for the white keys, the row above for the black ones. */
static const char piano[] = "awsedftgyhujkolp;";

/* Whether the track sends MIDI (engine.h, "Destinations"): a `dest int` track plays only its
 * voice, which the keyboard cannot play yet. */
static bool track_can_send(const ui *u, int t)
{
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[t];
	return u->jack && !ts_jack_server_gone(u->jack) && tk->channel != TS_CHANNEL_OFF &&
	       tk->send_midi && tk->dest != TS_DEST_INT;
}

/* Note-offs of previewed notes that are due (all of them with `all`). */
static void preview_offs(ui *u, bool all)
{
	double now = now_s();
	int k = 0;
	for (int i = 0; i < u->noffs; i++) {
		struct preview_off *o = &u->offs[i];
		if ((all || now >= o->due) && u->jack &&
		    ts_jack_send_midi(u->jack, o->port, o->track, o->bytes, 3))
			continue;
		if (all || now >= o->due)
			continue; /* the ring is full or JACK is gone: dropped, not retried forever */
		u->offs[k++] = *o;
	}
	u->noffs = k;
}

/* Play a note on the cursor's track now, for its gate (at the playing tempo; 0.05 … 1 s). */
static void preview(ui *u, int note)
{
	int t = ts_edit_get_cursor(u->ed).track;
	if (!track_can_send(u, t) || u->noffs == (int)(sizeof(u->offs) / sizeof(u->offs[0])))
		return;
	const ts_pattern *pat = ts_edit_pattern(u->ed);
	const ts_track *tk = &pat->tracks[t];
	int port = ts_pattern_track_port(pat, t + 1), chan = tk->channel - 1;
	uint8_t on[3] = {(uint8_t)(0x90 | chan), (uint8_t)note, tk->velocity};
	if (!ts_jack_send_midi(u->jack, port, t + 1, on, 3))
		return;
	int g16 = ts_len16(tk->gate);
	double step_s = 60.0 / (u->tempo10 / 10.0 * 4), len = g16 ? g16 / 16.0 * step_s : 0.5;
	len = len < 0.05 ? 0.05 : len > 1.0 ? 1.0 : len;
	struct preview_off *o = &u->offs[u->noffs++];
	o->due = now_s() + len;
	o->port = port;
	o->track = t + 1;
	o->bytes[0] = (uint8_t)(0x80 | chan);
	o->bytes[1] = (uint8_t)note;
	o->bytes[2] = 0x40;
}

/* Recording: the note goes where the track is now (a fresh status: the end of the last period
 * run), to the nearest step, with its micro timing in 24ths of a step when micro_rec is on. So a
 * key struck a little early lands on the coming step, pulled early. Only into the pattern that
 * is playing. */
static void record_key(ui *u, int note)
{
	ts_jack_status now;
	ts_jack_get_status(u->jack, &now);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int t = c.track, len = ts_edit_pattern(u->ed)->tracks[t].length;
	if (!now.running || now.pattern != u->cur || now.step[t] == 0)
		return;
	int step = now.step[t] - 1;
	int micro = (now.phase[t] + TS_PHASE_STEP / 48) / (TS_PHASE_STEP / 24); /* 0 … 24 */
	if (micro > 12) {
		step = (step + 1) % len;
		micro -= 24;
	}
	if (!u->micro_rec)
		micro = 0;
	ts_edit_move_to(u->ed, t, step);
	edited(u, ts_edit_record_note(u->ed, note, micro));
	ts_edit_move_to(u->ed, t, c.step);
}

/* A piano key: heard at once; written at the cursor, which moves on (step entry), or while
 * playing with record on, where the track is (record_key). */
static void piano_key(ui *u, int semitone)
{
	int note = (u->octave + 1) * 12 + semitone;
	if (note < 0 || note > 127) {
		say(u, "note out of range: change the octave (z x)");
		return;
	}
	preview(u, note);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[c.track];
	if (u->record && u->st.running && u->jack) {
		record_key(u, note);
		return;
	}
	edited(u, ts_edit_set_note(u->ed, note));
	ts_edit_move_to(u->ed, c.track, (c.step + 1) % tk->length);
}

static void act_keys_mode(ui *u, int arg)
{
	(void)arg;
	u->keys_mode = !u->keys_mode;
	if (!u->keys_mode) {
		preview_offs(u, true);
		u->record = false;
	}
}

/* Keys of keyboard mode; false for the others (they keep their meaning). */
static bool keyboard_key(ui *u, int key)
{
	const char *at = key > 0 && key < 128 ? strchr(piano, key) : NULL;
	if (key == '`' || key == 27) {
		act_keys_mode(u, 0);
	} else if (at && key) {
		piano_key(u, (int)(at - piano));
	} else if (key == 'z' || key == 'x') {
		int o = u->octave + (key == 'x' ? 1 : -1);
		if (o >= -1 && o <= 9)
			u->octave = o;
	} else if (key == 'r') {
		u->record = !u->record;
	} else if (key == 'Q') {
		u->micro_rec = !u->micro_rec;
	} else if (key == ' ') {
		ts_edit_cursor c = ts_edit_get_cursor(u->ed);
		int len = ts_edit_pattern(u->ed)->tracks[c.track].length;
		ts_edit_move_to(u->ed, c.track, (c.step + 1) % len); /* a rest */
	} else {
		return false;
	}
	return true;
}

/* The key table: the single source of the bindings and of the help screen. Rows with a label
 * are listed in the help; the others are aliases of the row above. */
typedef struct {
	int key;
	const char *label;
	const char *help;
	void (*fn)(ui *u, int arg);
	int arg;
} binding;

#define CTRL_KEY(c) ((c) & 0x1F)

static const binding bindings[] = {
	{KEY_LEFT, "Left h", "move left", act_move, 0},
	{'h', NULL, NULL, act_move, 0},
	{KEY_RIGHT, "Right l", "move right", act_move, 1},
	{'l', NULL, NULL, act_move, 1},
	{KEY_UP, "Up k", "track up", act_move, 2},
	{'k', NULL, NULL, act_move, 2},
	{KEY_DOWN, "Down j", "track down", act_move, 3},
	{'j', NULL, NULL, act_move, 3},
	{KEY_PPAGE, "PgUp [", "previous page (16 steps)", act_move, 4},
	{'[', NULL, NULL, act_move, 4},
	{KEY_NPAGE, "PgDn ]", "next page", act_move, 5},
	{']', NULL, NULL, act_move, 5},
	{' ', "Space Enter", "trig on/off", act_toggle, 0},
	{'\n', NULL, NULL, act_toggle, 0},
	{KEY_ENTER, NULL, NULL, act_toggle, 0},
	{'x', "x", "note trig", act_kind, TS_TRIG_NOTE},
	{'X', "X", "accent trig", act_kind, TS_TRIG_ACCENT},
	{'o', "o", "lock trig (no note)", act_kind, TS_TRIG_LOCK},
	{'z', "z", "muted trig (plays nothing)", act_kind, TS_TRIG_MUTED},
	{'\t', "Tab", "next field of the inspector", act_field, 1},
	{KEY_BTAB, "Shift-Tab", "previous field", act_field, -1},
	{'+', "+ =", "field up", act_adjust, 1},
	{'=', NULL, NULL, act_adjust, 1},
	{'-', "-", "field down", act_adjust, -1},
	{'}', "}", "field up coarse (octave/10)", act_adjust, 10},
	{'{', "{", "field down coarse", act_adjust, -10},
	{'n', "n", "type the note (C4 = 60)", act_note, 0},
	{'e', "e", "type the field's value", act_type, 0},
	{'N', "N", "name the track", act_name, 0},
	{'/', "/", "slide on/off", act_slide, 0},
	{'m', "m", "mute the track on/off", act_mute, 0},
	{'M', "M", "track MIDI send on/off", act_send, 0},
	{'S', "S", "solo the track (not saved)", act_solo, 0},
	{'c', "c", "copy trig", act_copy, TS_CLIP_TRIG},
	{'C', "C", "copy track", act_copy, TS_CLIP_TRACK},
	{CTRL_KEY('c'), NULL, NULL, act_quit, 0},
	{'K', "K", "copy page", act_copy, TS_CLIP_PAGE},
	{'v', "v", "paste", act_paste, 0},
	{'d', "d", "clear trig", act_clear, TS_CLIP_TRIG},
	{'D', "D", "clear track", act_clear, TS_CLIP_TRACK},
	{'E', "E", "clear page", act_clear, TS_CLIP_PAGE},
	{'u', "u", "undo", act_undo, 0},
	{CTRL_KEY('r'), "Ctrl-R", "redo", act_undo, 1},
	{'p', "p", "play from step 1 / stop", act_transport, TS_JACK_PLAY},
	{'P', "P", "continue where it stopped", act_transport, TS_JACK_CONTINUE},
	{'f', "f", "fill mode on/off (latched)", act_fill, 0},
	{'F', "F", "fill while held (momentary)", act_fill, 1},
	{'t', "t", "type the tempo", act_tempo, 0},
	{'<', "< >", "tempo -/+ 0.1 BPM", act_nudge, -1},
	{'>', NULL, NULL, act_nudge, 1},
	{'T', "T", "tap tempo (tap on the beat)", act_tap, 0},
	{'i', "i", "MIDI monitor on/off", act_monitor, 0},
	{'y', "y", "metronome click on/off", act_click, 0},
	{'`', "`", "keyboard mode: letters play", act_keys_mode, 0},
	{'b', "b", "pattern list on/off", act_patterns, 0},
	{')', "( )", "next / previous pattern", act_pattern_step, 1},
	{'(', NULL, NULL, act_pattern_step, -1},
	{'g', "g", "go to pattern: 5, A06, file", act_goto, 0},
	{'B', "B", "mode: sequential/start/jump", act_select_mode, 0},
	{'O', "O", "open a pattern file", act_open, 0},
	{'L', "L", "page follows play / locked", act_follow, 0},
	{'w', "w", "save (old file kept: FILE~)", act_save, 0},
	{'W', "W", "save as", act_save, 1},
	{'q', "q Ctrl-C", "quit (asks if unsaved)", act_quit, 0},
	{'?', "?", "this help", act_help, 0},
};

#define NBINDINGS (sizeof(bindings) / sizeof(bindings[0]))

/* Rows of 40 columns, as many columns as fit; pages when they do not all fit (80x24: two). */
static int help_per_page(void)
{
	int cols = COLS / 40 > 0 ? COLS / 40 : 1;
	return cols * (LINES - 2);
}

static int help_pages(void)
{
	int n = 0;
	for (size_t i = 0; i < NBINDINGS; i++)
		n += bindings[i].label != NULL;
	return (n + help_per_page() - 1) / help_per_page();
}

static void draw_help(const ui *u)
{
	int pages = help_pages(), page = u->help_page < pages ? u->help_page : pages - 1;
	char title[80];
	if (pages > 1)
		snprintf(title, sizeof(title), " trigseq keys %d/%d  (Space: more, any other key "
			 "closes)", page + 1, pages);
	else
		snprintf(title, sizeof(title), " trigseq keys  (any key closes)");
	put(0, 0, A_REVERSE | A_BOLD, "%-*s", COLS, title);
	int rows = LINES - 2, y = 1, x = 0, k = 0, first = page * help_per_page();
	for (size_t i = 0; i < NBINDINGS; i++) {
		if (!bindings[i].label || k++ < first)
			continue;
		put(y, x, A_BOLD, "%-11s", bindings[i].label);
		put(y, x + 12, 0, "%-.27s", bindings[i].help);
		if (++y > rows) {
			y = 1;
			x += 40;
			if (x + 40 > COLS)
				break;
		}
	}
}

/* ---- input ---- */

static void prompt_key(ui *u, int key)
{
	if (key == 27 || key == CTRL_KEY('c')) {
		u->mode = MODE_GRID;
		say(u, "cancelled");
	} else if (key == '\n' || key == KEY_ENTER) {
		u->mode = MODE_GRID;
		u->message[0] = '\0';
		char text[PROMPT_MAX];
		snprintf(text, sizeof(text), "%s", u->prompt_text);
		u->on_prompt(u, text);
	} else if (key == CTRL_KEY('u')) {
		u->prompt_len = 0;
		u->prompt_text[0] = '\0';
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (u->prompt_len > 0)
			u->prompt_text[--u->prompt_len] = '\0';
	} else if (key >= 32 && key < 127 && u->prompt_len + 1 < sizeof(u->prompt_text)) {
		u->prompt_text[u->prompt_len++] = (char)key;
		u->prompt_text[u->prompt_len] = '\0';
	}
}

/* The mouse: a click on a grid cell moves there and toggles its trig; the wheel changes the
 * selected field (over the grid: of the cell under the pointer). */
static void handle_mouse(ui *u)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || u->mode != MODE_GRID)
		return;
	int t = ev.y - 2, x = ev.x - 37;
	int k = x >= 0 ? (x - x / 9) / 2 : -1; /* cells are 2 wide, a space every 4 */
	bool on_cell = t >= 0 && t < TS_TRACKS && x >= 0 && k < TS_EDIT_PAGE && x % 9 != 8;
	int step = ts_edit_page(u->ed) * TS_EDIT_PAGE + k;
	if (on_cell)
		ts_edit_move_to(u->ed, t, step);
	if (ev.bstate & (BUTTON4_PRESSED)) {
		edited(u, ts_edit_adjust(u->ed, 1));
	} else if (ev.bstate & BUTTON5_PRESSED) {
		edited(u, ts_edit_adjust(u->ed, -1));
	} else if (on_cell && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) {
		edited(u, ts_edit_toggle(u->ed));
	}
}

static void handle_key(ui *u, int key)
{
	if (key == KEY_RESIZE)
		return;
	if (key == KEY_MOUSE) {
		handle_mouse(u);
		return;
	}
	switch (u->mode) {
	case MODE_PROMPT:
		prompt_key(u, key);
		return;
	case MODE_ASK:
		u->mode = MODE_GRID;
		u->message[0] = '\0';
		u->on_ask(u, key);
		return;
	case MODE_HELP:
		if (key == ' ' && u->help_page + 1 < help_pages())
			u->help_page++;
		else
			u->mode = MODE_GRID;
		return;
	case MODE_GRID:
		break;
	}
	u->message[0] = '\0';
	if (u->keys_mode && keyboard_key(u, key))
		return;
	for (size_t i = 0; i < NBINDINGS; i++) {
		if (bindings[i].key == key) {
			bindings[i].fn(u, bindings[i].arg);
			return;
		}
	}
	say(u, "no key %s here; ? lists them", keyname(key) ? keyname(key) : "?");
}

/* ---- the loop ---- */

static bool status_changed(ui *u)
{
	ts_jack_status st;
	memset(&st, 0, sizeof(st));
	if (u->jack)
		ts_jack_get_status(u->jack, &st);
	bool published = st.cycles > 0;
	st.callback_ns_max = 0;
	st.cycles = 0;
	st.frames = 0;
	st.dsp_load = (float)((int)(st.dsp_load * 10)) / 10; /* shown to 0.1% */
	st.transport_frame = 0;
	/* the tempos followed are shown to 0.1 BPM: a measured one wobbles below that */
	st.clock_bpm = (double)(long)(st.clock_bpm * 10 + 0.5) / 10;
	st.transport_bpm = (double)(long)(st.transport_bpm * 10 + 0.5) / 10;
	if (st.pattern_refused != u->st.pattern_refused)
		say(u, "the engine refused this version of the pattern (a port that could not be "
		       "registered): the last one it took plays");
	/* A pattern the engine changed to by itself (a program change received) is edited now,
	 * as on the Rytm; one the editor chose is edited already. Not before the process callback
	 * has published its first status (cycles is read before the pattern). */
	if (u->jack && published && st.pattern != u->seen_pattern) {
		u->seen_pattern = st.pattern;
		if (st.pattern != u->cur && st.pattern >= 0 && st.pattern < u->ndocs &&
		    u->docs[st.pattern].ed) {
			edit_doc(u, st.pattern);
			char name[8];
			rytm_name(u->cur, name, sizeof(name));
			say(u, "%s %.40s plays (program change): editing it", name,
			    base_name(doc_path(&u->docs[u->cur])));
		}
	}
	bool changed = st.running != u->st.running || st.xruns != u->st.xruns ||
		       st.pattern != u->st.pattern || st.queued != u->st.queued ||
		       st.pattern_refused != u->st.pattern_refused ||
		       st.server_gone != u->st.server_gone || st.dsp_load != u->st.dsp_load ||
		       st.clock_locked != u->st.clock_locked ||
		       st.clock_running != u->st.clock_running || st.clock_bpm != u->st.clock_bpm ||
		       st.transport_rolling != u->st.transport_rolling ||
		       st.transport_bbt != u->st.transport_bbt ||
		       st.transport_bpm != u->st.transport_bpm ||
		       memcmp(st.step, u->st.step, sizeof(st.step)) != 0;
	u->st = st;
	return changed;
}

static void run(ui *u)
{
	bool dirty_screen = true;
	while (!u->quit) {
		int sig = ts_wakeup_signal(true);
		if (sig == SIGINT) {
			act_quit(u, 0);
			dirty_screen = true;
		} else if (sig) {
			/* SIGTERM, SIGHUP: keep the work in the recovery file and go. */
			for (int k = 0; k < u->ndocs; k++)
				if (u->docs[k].ed && ts_edit_dirty(u->docs[k].ed))
					ts_edit_write_recovery(u->docs[k].ed);
			break;
		}
		sync_tempo(u);
		sync_engine(u);
		if (status_changed(u))
			dirty_screen = true;
		if (follow_page(u))
			dirty_screen = true;
		if (drain_monitor(u) && u->show_monitor)
			dirty_screen = true;
		double now = now_s();
		double recovery_due = 0;
		for (int k = 0; k < u->ndocs; k++) {
			ts_doc *d = &u->docs[k];
			if (!d->ed || ts_edit_version(d->ed) == d->recovery_version ||
			    !ts_edit_dirty(d->ed))
				continue;
			if (d->recovery_due == 0)
				d->recovery_due = now + RECOVERY_AFTER_S;
			if (now >= d->recovery_due) {
				if (ts_edit_write_recovery(d->ed) == TS_OK)
					d->recovery_version = ts_edit_version(d->ed);
				d->recovery_due = 0;
			}
			if (d->recovery_due > 0 && (recovery_due == 0 || d->recovery_due < recovery_due))
				recovery_due = d->recovery_due;
		}
		if (dirty_screen) {
			draw(u);
			dirty_screen = false;
		}
		preview_offs(u, false);
		bool was_fill = u->fill_sent;
		sync_fill(u);
		if (was_fill != u->fill_sent)
			dirty_screen = true;
		int timeout = u->st.running ? PLAY_REDRAW_MS : 1000;
		if (u->fill_until > now_s()) {
			int ms = (int)((u->fill_until - now_s()) * 1000) + 1;
			if (ms < timeout)
				timeout = ms;
		}
		for (int i = 0; i < u->noffs; i++) {
			int ms = (int)((u->offs[i].due - now_s()) * 1000) + 1;
			if (ms < timeout)
				timeout = ms < 1 ? 1 : ms;
		}
		if (engine_behind(u))
			timeout = 5;
		if (recovery_due > 0) {
			int ms = (int)((recovery_due - now) * 1000) + 1;
			if (ms < timeout)
				timeout = ms < 1 ? 1 : ms;
		}
		struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
					{.fd = ts_wakeup_read_fd(), .events = POLLIN}};
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			ts_wakeup_drain();
			dirty_screen = true;
		}
		int key;
		while ((key = getch()) != ERR) {
			handle_key(u, key);
			dirty_screen = true;
			sync_tempo(u);
			sync_engine(u);
		}
	}
}

static void offer_recovery(ui *u);

static void recover_answer(ui *u, int key)
{
	static ts_diags diags;
	ts_edit *ed = u->docs[u->next_recovery].ed;
	const char *name = base_name(doc_path(&u->docs[u->next_recovery]));
	if (key == 'y' || key == 'Y') {
		if (ts_edit_recover(ed, &diags) == TS_OK)
			say(u, "recovered the unsaved edits of %.40s; w saves them", name);
		else
			say(u, "the recovery file of %.40s cannot be read; it is kept", name);
	} else {
		ts_edit_remove_recovery(ed);
		say(u, "recovery file of %.40s removed", name);
	}
	u->next_recovery++;
	offer_recovery(u);
}

/* Recovery files newer than their pattern: one question each, in list order. */
static void offer_recovery(ui *u)
{
	for (; u->next_recovery < u->ndocs; u->next_recovery++) {
		ts_doc *d = &u->docs[u->next_recovery];
		if (!d->ed || !ts_edit_recovery_newer(d->ed))
			continue;
		ask(u, recover_answer, "Unsaved edits of %.40s from a crash or kill were kept. "
				       "Recover them? y/n", d->path ? base_name(d->path) : "untitled");
		return;
	}
}

/* Open the document of `path` (NULL: untitled) into d; a file that does not exist is a new
 * pattern unless must_exist. False with d->why set when it did not open. */
static ts_diags diags; /* of the last open_doc */

static bool open_doc(ts_doc *d, const char *path, bool must_exist)
{
	d->path = path ? strdup(path) : NULL;
	d->ed = ts_edit_new(path);
	if (!d->ed || (path && !d->path)) {
		snprintf(d->why, sizeof(d->why), "%s", ts_strerror(TS_ERR_NOMEM));
		ts_edit_free(d->ed);
		d->ed = NULL;
		return false;
	}
	if (!path)
		return true;
	memset(&diags, 0, sizeof(diags));
	errno = 0;
	ts_status st = ts_edit_open(d->ed, path, &diags);
	if (st == TS_OK || (st == TS_ERR_IO && errno == ENOENT && !must_exist))
		return true;
	if (st == TS_ERR_IO || st == TS_ERR_NOMEM || diags.count == 0)
		snprintf(d->why, sizeof(d->why), "%s", errno ? strerror(errno) : ts_strerror(st));
	else
		snprintf(d->why, sizeof(d->why), "line %d col %d: %.60s (%d problem%s)",
			 diags.items[0].line, diags.items[0].col, diags.items[0].msg, diags.count,
			 diags.count > 1 ? "s" : "");
	ts_edit_free(d->ed);
	d->ed = NULL;
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pattern list: the files given, in their order; with one FILE, every *.tsq file of its
 * folder, sorted by name, FILE among them even while it does not exist; else one untitled
 * pattern. At most TS_CHAIN_MAX: then FILE and the first others. *first: FILE's place. */
static char **list_files(const ts_play_options *op, int *n, int *first)
{
	*first = 0;
	*n = 0;
	char **v = calloc(TS_CHAIN_MAX, sizeof(*v));
	if (!v)
		return NULL;
	if (op->nfiles != 1) {
		for (int k = 0; k < op->nfiles; k++)
			v[(*n)++] = strdup(op->files[k]);
		return v;
	}
	const char *file = op->files[0], *slash = strrchr(file, '/');
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
		 slash ? file : ".");
	v[(*n)++] = strdup(file);
	DIR *dh = opendir(dir);
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".tsq") != 0 ||
		    strcmp(e->d_name, base_name(file)) == 0)
			continue;
		char path[8192];
		snprintf(path, sizeof(path), "%s%s%s", slash ? dir : "",
			 slash && strcmp(dir, "/") != 0 ? "/" : "", e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (*n == TS_CHAIN_MAX)
			break;
		v[(*n)++] = strdup(path);
	}
	if (dh)
		closedir(dh);
	qsort(v + 1, (size_t)*n - 1, sizeof(*v), cmp_names);
	/* FILE in its place by name */
	int k = 1;
	while (k < *n && strcmp(base_name(v[k]), base_name(file)) < 0) {
		char *t = v[k - 1];
		v[k - 1] = v[k];
		v[k] = t;
		k++;
	}
	*first = k - 1;
	return v;
}

/* Open the list; the file asked for must open (it is reported and nothing starts otherwise),
 * the others may fail: they are listed with why. */
static bool open_documents(ui *u, int *rc)
{
	int n, first;
	char **files = list_files(&u->op, &n, &first);
	u->docs = files ? calloc((size_t)(n > 0 ? n : 1), sizeof(*u->docs)) : NULL;
	bool ok = u->docs != NULL;
	for (int k = 0; ok && k < n; k++)
		ok = files[k] != NULL;
	if (!ok) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		*rc = EXIT_FAIL;
	}
	if (ok && n == 0) {
		ok = open_doc(&u->docs[0], NULL, false);
		u->ndocs = 1;
	}
	for (int k = 0; ok && k < n; k++) {
		ts_doc *d = &u->docs[k];
		u->ndocs++;
		bool asked = k == first || u->op.nfiles > 1;
		if (open_doc(d, files[k], u->op.nfiles > 1 && k != first) || !asked)
			continue;
		if (diags.count > 0)
			ts_diags_print(stderr, files[k], &diags);
		else
			fprintf(stderr, "%s: %s\n", files[k], d->why);
		fprintf(stderr, "trigseq: %s was not opened; fix it (trigseq check %s) and try "
			"again\n", files[k], files[k]);
		*rc = EXIT_FAIL;
		ok = false;
	}
	if (files)
		for (int k = 0; k < n; k++)
			free(files[k]);
	free(files);
	u->cur = first;
	u->ed = ok ? u->docs[first].ed : NULL;
	return ok;
}

static void free_documents(ui *u)
{
	for (int k = 0; u->docs && k < u->ndocs; k++) {
		ts_edit_free(u->docs[k].ed);
		free(u->docs[k].path);
		for (int t = 0; t < TS_TRACKS; t++)
			free(u->docs[k].sample_asked[t]);
	}
	free(u->docs);
	u->docs = NULL;
}

int ts_ui_main(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_editor, stdout);
			return 0;
		}
	}
	ui u;
	memset(&u, 0, sizeof(u));
	int rc = ts_play_parse_options(argc, argv, &u.op, true);
	if (rc)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("trigseq: the editor needs a terminal; for other uses see 'trigseq --help'\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!open_documents(&u, &rc)) {
		free_documents(&u);
		return rc;
	}
	if (!setup_signals()) {
		fprintf(stderr, "trigseq: cannot set up signal handling: %s\n", strerror(errno));
		free_documents(&u);
		ts_wakeup_close();
		return EXIT_FAIL;
	}
	if (tcgetattr(STDIN_FILENO, &saved_tty) == 0)
		have_saved_tty = true;
	u.click = u.op.click;
	u.doc_tempo10 = ts_edit_pattern(u.ed)->tempo10;
	u.tempo10 = u.op.tempo10 ? u.op.tempo10 : u.doc_tempo10;
	u.octave = ts_edit_pattern(u.ed)->tracks[0].notes[0] / 12 - 1;
	/* No mlockall here: the engine's and the JACK client's blocks lock themselves (rtmem.h),
	 * and the editor's own memory (undo history, curses) need not be resident. */
	jack_setup(&u);
	if (!initscr()) {
		fputs("trigseq: cannot start the terminal\n", stderr);
		ts_jack_close(u.jack);
		ts_engine_free(u.eng);
		free_documents(&u);
		ts_wakeup_close();
		return EXIT_FAIL;
	}
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	curs_set(0);
	u.colour = has_colors() && getenv("NO_COLOR") == NULL;
	if (u.colour) {
		start_color();
		use_default_colors();
		init_pair(PAIR_PLAYHEAD, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_MUTED, COLOR_BLUE, -1);
	}
	for (int k = 0; k < u.ndocs; k++)
		if (u.docs[k].ed)
			u.docs[k].recovery_version = ts_edit_version(u.docs[k].ed);
	offer_recovery(&u);
	run(&u);
	preview_offs(&u, true);
	endwin();
	if (u.jack) {
		if (u.st.running)
			ts_jack_command(u.jack, TS_JACK_STOP);
		for (int i = 0; i < 200 && !ts_jack_command_done(u.jack) && !ts_jack_server_gone(u.jack);
		     i++)
			usleep(1000);
		usleep(30000); /* the stop cycle is read by peers */
	}
	/* Quitting (saved, or changes discarded on purpose) leaves no recovery file; a signal
	 * leaves the one run() wrote. */
	for (int k = 0; u.quit && k < u.ndocs; k++)
		if (u.docs[k].ed)
			ts_edit_remove_recovery(u.docs[k].ed);
	ts_jack_close(u.jack);
	ts_monitor_free(u.mon);
	ts_monitor_free(u.inject);
	ts_engine_free(u.eng);
	ts_voices_free(u.voices);
	free_documents(&u);
	ts_wakeup_close();
	return 0;
}
