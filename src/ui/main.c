/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal editor, `trigseq [FILE] [OPTIONS]`: an ncurses grid over the document of edit.h,
 * playing through JACK (jack_io.h, interactive) while it edits. This file starts it, runs its
 * loop and ends it; ui_internal.h lists the others.
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
#define _DEFAULT_SOURCE /* sigaction, clock_gettime */
#include "trigseq/ui/ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/wakeup.h"
#include "trigseq/ui/ui_internal.h"

#define PLAY_REDRAW_MS 33
#define INPUT_POLL_MS 30 /* how often MIDI input is looked at (below) */

static const char *const usage_editor =
	"usage: trigseq [FILE...|SONG.tss] [OPTIONS]\n"
	"\n"
	"The terminal editor: edit FILE (a new pattern if it does not exist, untitled without\n"
	"one) on a grid of 12 tracks, playing it through JACK while you edit. The other *.tsq\n"
	"files of its folder (or the FILEs given) are the pattern list: file n is program n.\n"
	"With a song (one SONG.tss) the list is the song's patterns and p plays the song; G\n"
	"jumps to a row, A edits the song in $EDITOR and reloads it.\n"
	"Press ? in the editor for every key.\n"
	"  --no-jack               edit without JACK (no play)\n"
	"  --program-send CH       a program change on channel CH on clock_out for the pattern\n"
	"                          play starts with and each one chosen while playing\n"
	"  --program-receive CH    a program change n on channel CH queues pattern n\n"
	"  --sync int|midi|jack|link\n"
	"                          int: trigseq is the clock master; midi: follow MIDI clock on\n"
	"                          clock_in; jack: follow JACK transport; link: join the Ableton\n"
	"                          Link session (p starts and stops it, tempo edits are proposed\n"
	"                          to it; --quantum, --no-link-start-stop as for play). A MIDI\n"
	"                          or JACK master starts and stops play and sets the tempo\n"
	"                          (tempo edits change the file only): p stops here until its\n"
	"                          next Start or Continue (midi)\n"
	"                          or until the transport stops, rolls or is located (jack);\n"
	"                          p or P while it runs joins it at its next step\n"
	"  --clock-while-stopped   clock ticks (F8) on clock_out while stopped too (not with\n"
	"                          --sync midi or --no-send-clock)\n"
	"  -k, --click             the metronome on audio_out_1/2 (y switches it)\n"
	"  --midi-in-channel CH    a keyboard on midi_in is heard (thru, I switches it) and\n"
	"                          recorded (r arms) from MIDI channel CH (1 ... 16) only\n"
	"                          (default: every channel)\n"
	"  --name, --server, --connect, --send-clock, --no-send-clock, --send-transport,\n"
	"  --no-send-transport, --bpm, --seed, --fill\n"
	"                          as for 'trigseq play' (see 'trigseq play --help')\n"
	"Exit status: 0 quit, 1 a file or terminal problem, 2 bad usage.\n";

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

double ts_ui_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How long the loop may sleep: until the next redraw of the playheads (or a status check),
 * the end of a momentary fill, a preview's note-off, an edit the engine still waits for, or a
 * recovery file due. */
static int next_timeout(const ts_ui *u, double now, double recovery_due)
{
	int timeout = u->st.running ? PLAY_REDRAW_MS : 1000;
	if (u->play.fill_until > ts_ui_now()) {
		int ms = (int)((u->play.fill_until - ts_ui_now()) * 1000) + 1;
		if (ms < timeout)
			timeout = ms;
	}
	for (int i = 0; i < u->keys.noffs; i++) {
		int ms = (int)((u->keys.offs[i].due - ts_ui_now()) * 1000) + 1;
		if (ms < timeout)
			timeout = ms < 1 ? 1 : ms;
	}
	if (ts_ui_engine_behind(u))
		timeout = 5;
	/* the process callback cannot wake this thread (no system call there): what a MIDI
	 * keyboard plays is looked at this often */
	if (u->ses.input && timeout > INPUT_POLL_MS)
		timeout = INPUT_POLL_MS;
	if (recovery_due > 0) {
		int ms = (int)((recovery_due - now) * 1000) + 1;
		if (ms < timeout)
			timeout = ms < 1 ? 1 : ms;
	}
	return timeout;
}

/* Until q (or a signal): read the status, keep the engine up with the documents, write recovery
 * files, draw what changed, then sleep in poll() on the terminal and the wake-up pipe. */
static void run(ts_ui *u)
{
	bool dirty_screen = true;
	while (!u->quit) {
		int sig = ts_wakeup_signal(true);
		if (sig == SIGINT) {
			ts_ui_act_quit(u, 0);
			dirty_screen = true;
		} else if (sig) {
			/* SIGTERM, SIGHUP: keep the work in the recovery file and go. */
			ts_ui_recovery_all(u);
			break;
		}
		ts_ui_sync_tempo(u);
		ts_ui_sync_engine(u);
		ts_ui_sync_song(u);
		if (ts_ui_status_changed(u))
			dirty_screen = true;
		if (ts_ui_follow_page(u))
			dirty_screen = true;
		if (ts_ui_drain_monitor(u) && u->view.show_monitor)
			dirty_screen = true;
		if (ts_ui_drain_input(u))
			dirty_screen = true;
		double now = ts_ui_now();
		double recovery_due = ts_ui_recovery_tick(u, now);
		if (dirty_screen) {
			ts_ui_draw(u);
			dirty_screen = false;
		}
		ts_ui_preview_offs(u, false);
		bool was_fill = u->play.fill_sent;
		ts_ui_sync_fill(u);
		if (was_fill != u->play.fill_sent)
			dirty_screen = true;
		int timeout = next_timeout(u, now, recovery_due);
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
			ts_ui_handle_key(u, key);
			dirty_screen = true;
			ts_ui_sync_tempo(u);
			ts_ui_sync_engine(u);
		}
	}
}

/* Keys one at a time without echo, the mouse, and colour unless NO_COLOR. */
static void start_terminal(ts_ui *u)
{
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	curs_set(0);
	u->view.colour = has_colors() && getenv("NO_COLOR") == NULL;
	if (u->view.colour) {
		start_color();
		use_default_colors();
		init_pair(PAIR_PLAYHEAD, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_MUTED, COLOR_BLUE, -1);
	}
}

int ts_ui_main(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_editor, stdout);
			return 0;
		}
	}
	ts_ui u;
	memset(&u, 0, sizeof(u));
	int rc = ts_play_parse_options(argc, argv, &u.op, true);
	if (rc)
		return rc;
	for (int k = 0; k < u.op.nfiles && u.op.nfiles > 1; k++)
		if (ts_cli_is_song(u.op.files[k]))
			return ts_cli_usage(NULL, "%s", "a song plays alone (give one .tss file and no "
					    "pattern file)");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("trigseq: the editor needs a terminal; for other uses see 'trigseq --help'\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!ts_ui_open_documents(&u, &rc)) {
		ts_ui_free_documents(&u);
		return rc;
	}
	if (!setup_signals()) {
		fprintf(stderr, "trigseq: cannot set up signal handling: %s\n", strerror(errno));
		ts_ui_free_documents(&u);
		ts_wakeup_close();
		return EXIT_FAIL;
	}
	if (tcgetattr(STDIN_FILENO, &saved_tty) == 0)
		have_saved_tty = true;
	u.play.click = u.op.click;
	u.play.doc_tempo10 = ts_edit_pattern(u.ed)->tempo10;
	u.play.tempo10 = u.op.tempo10 ? u.op.tempo10 : u.play.doc_tempo10;
	u.keys.octave = ts_edit_pattern(u.ed)->tracks[0].notes[0] / 12 - 1;
	u.midi.thru = true;
	u.midi.pass_doc = -1;
	ts_rec_init(&u.midi.rec);
	/* No mlockall here: the engine's and the JACK client's blocks lock themselves (rtmem.h),
	 * and the editor's own memory (undo history, curses) need not be resident. */
	ts_ui_jack_setup(&u);
	if (!initscr()) {
		fputs("trigseq: cannot start the terminal\n", stderr);
		ts_session_close(&u.ses);
		ts_ui_free_documents(&u);
		ts_wakeup_close();
		return EXIT_FAIL;
	}
	start_terminal(&u);
	for (int k = 0; k < u.ndocs; k++)
		if (u.docs[k].ed)
			u.docs[k].recovery_version = ts_edit_version(u.docs[k].ed);
	ts_ui_offer_recovery(&u);
	run(&u);
	ts_ui_record_end(&u);
	ts_ui_preview_offs(&u, true);
	endwin();
	ts_ui_jack_end(&u);
	/* Quitting (saved, or changes discarded on purpose) leaves no recovery file; a signal
	 * leaves the ones run() wrote (ts_ui_recovery_all). */
	for (int k = 0; u.quit && k < u.ndocs; k++)
		if (u.docs[k].ed)
			ts_edit_remove_recovery(u.docs[k].ed);
	ts_session_close(&u.ses);
	ts_ui_free_documents(&u);
	ts_wakeup_close();
	return 0;
}
