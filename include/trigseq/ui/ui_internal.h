/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The editor's own state and the functions its files share (src/ui/): not for other layers.
 *
 * The files, by what a person sees:
 *   main.c          ts_ui_main: the terminal, signals, the loop
 *   screen.c        the status line (row 0) and the drawing of a whole screen
 *   grid.c          the tracks and their steps (rows 1-13), editing on them, the mouse
 *   inspector.c     the fields of the trig or track under the cursor (rows 15-22)
 *   patlist.c       the pattern list: row 14, the list pane (b), choosing, opening
 *   monitor_pane.c  the MIDI monitor pane (i)
 *   piano.c         keyboard mode (`): the letters as a piano, preview, recording
 *   midi_input.c    a MIDI keyboard on midi_in: thru, step entry, live recording
 *   prompt.c        the bottom line: messages, prompts and questions
 *   keymap.c        the key table (keys, help screen) and key dispatch
 *   playback.c      what plays: the JACK session, the engine kept up with the documents,
 *                   transport, tempo, fill, click
 *   documents.c     the pattern files: the list, opening, saving, quitting, recovery files
 *
 * Threads: everything here runs on the program's main thread.
 */
#ifndef TRIGSEQ_UI_INTERNAL_H
#define TRIGSEQ_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/app/play.h"
#include "trigseq/app/session.h"
#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/record.h"
#include "trigseq/core/song.h"
#include "trigseq/rt/jack_io.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define PROMPT_MAX 256
#define MON_LINES 64                  /* monitor scrollback */
#define MON_WIDTH 100

#define CTRL_KEY(c) ((c) & 0x1F)

/* Colour pairs (main.c sets them up). */
enum { PAIR_PLAYHEAD = 1, PAIR_MUTED, PAIR_TITLE };

typedef enum { MODE_GRID, MODE_HELP, MODE_PROMPT, MODE_ASK } ts_ui_mode;

typedef struct ts_ui ts_ui;
typedef void (*ts_ui_prompt_fn)(ts_ui *u, const char *text);
typedef void (*ts_ui_ask_fn)(ts_ui *u, int key);

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
} ts_ui_doc;

/* A previewed note's note-off, due at `due`. */
typedef struct {
	double due;
	int port, track;
	uint8_t bytes[3];
} ts_ui_preview_off;

struct ts_ui {
	/* the documents (documents.c, patlist.c) */
	ts_edit *ed;                  /* the pattern edited: docs[cur].ed */
	ts_ui_doc *docs;
	int ndocs, cur;
	int next_recovery;            /* the next document whose recovery file to offer */
	ts_play_options op;
	bool quit;

	/* what plays (playback.c): the session, and what the editor has told it */
	ts_session ses;               /* ses.jack NULL: no JACK */
	ts_jack_status st;            /* last snapshot drawn */
	struct {
		int cap;              /* patterns the engine holds at most (0: no engine) */
		char jack_state[96];  /* what the status line says of JACK */
		int seen_pattern;     /* the engine's pattern at the last status read */
		ts_select_mode select_mode; /* how a pattern chosen takes over while playing (B) */
		bool click;           /* the metronome (y, --click) */
		bool fill;            /* fill mode latched (f) */
		double fill_until;    /* momentary fill (F held): on until then */
		bool fill_sent;       /* what the engine has */
		uint16_t solo;        /* soloed tracks, bit t-1 (S): the others are muted in what
				         the engine plays, not in the file */
		uint16_t tempo10;     /* the tempo playing: --bpm, else the document's; then the
				         document's from its first tempo edit on */
		uint16_t doc_tempo10; /* the document's tempo when tempo10 was last set */
		double taps[8];       /* tap tempo: the last taps (T), seconds */
		int ntaps;
		ts_pattern copy;      /* a document as the engine gets it (solo applied) */
		size_t link_peers;    /* --sync link: the peers last shown */
	} play;

	/* what the screen shows */
	struct {
		ts_ui_mode mode;
		bool show_patterns;   /* the pattern list instead of the inspector (b) */
		bool show_monitor;    /* the MIDI monitor instead (i) */
		bool follow;          /* the page follows the cursor track's playhead (L) */
		int help_page;        /* of the help (?), when the keys take more than a screen */
		bool colour;
		char message[160];    /* the bottom line's */
	} view;

	/* the prompt (MODE_PROMPT) and the question (MODE_ASK) on the bottom line */
	struct {
		char label[64];
		char text[PROMPT_MAX];
		size_t len;
		ts_ui_prompt_fn on_enter;
		char ask_text[160];
		ts_ui_ask_fn on_ask;
	} prompt;

	/* keyboard mode (`): the letter keys are a piano for the cursor's track */
	struct {
		bool on;
		bool record;          /* while playing, notes go to the step playing */
		bool micro;           /* ... with their micro timing (Q), else on the nearest step */
		int octave;           /* of the 'a' key: C of this octave (C4 = 60) */
		ts_ui_preview_off offs[16];
		int noffs;
	} keys;

	/* a MIDI keyboard on midi_in (midi_input.c); record is keys.record */
	struct {
		bool thru;            /* thru to the cursor's track (I) */
		ts_recorder rec;      /* step entry and the recording pass */
		int pass_doc;         /* the document of the pass, -1 none */
		uint64_t received;    /* messages for thru and recording */
		uint64_t lost_seen;   /* the input ring's drops already said */
	} midi;

	/* a song (trigseq SONG.tss, song.c): its program, its rows' patterns indices of the list */
	struct {
		char *path;           /* NULL: no song */
		ts_song *song;
		bool sent;            /* the engine has this program (or is getting it) */
	} song;
	/* the MIDI monitor pane (i): what trigseq sends and receives, decoded */
	struct {
		char lines[MON_LINES][MON_WIDTH];
		unsigned count;       /* lines ever appended; the last MON_LINES are kept */
		uint64_t dropped;
	} mon;
};

/* main.c */
double ts_ui_now(void);

/* screen.c */
void ts_ui_put(int y, int x, int attr, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ts_ui_draw(ts_ui *u);

/* prompt.c */
void ts_ui_say(ts_ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* After an edit call: what the document says when it refused. */
void ts_ui_edited(ts_ui *u, bool changed);
void ts_ui_start_prompt(ts_ui *u, const char *label, const char *initial, ts_ui_prompt_fn fn);
void ts_ui_ask(ts_ui *u, ts_ui_ask_fn fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ts_ui_prompt_key(ts_ui *u, int key);
void ts_ui_draw_bottom(ts_ui *u);

/* grid.c */
const char *ts_ui_silent_reason(const ts_ui *u, int t);
void ts_ui_draw_tracks(ts_ui *u);
bool ts_ui_follow_page(ts_ui *u);
void ts_ui_handle_mouse(ts_ui *u);
void ts_ui_act_follow(ts_ui *u, int arg);
void ts_ui_act_move(ts_ui *u, int arg);
void ts_ui_act_toggle(ts_ui *u, int arg);
void ts_ui_act_kind(ts_ui *u, int kind);
void ts_ui_act_slide(ts_ui *u, int arg);
void ts_ui_act_mute(ts_ui *u, int arg);
void ts_ui_act_send(ts_ui *u, int arg);
void ts_ui_act_freeze(ts_ui *u, int arg);
void ts_ui_act_solo(ts_ui *u, int arg);
void ts_ui_act_copy(ts_ui *u, int what);
void ts_ui_act_paste(ts_ui *u, int arg);
void ts_ui_act_clear(ts_ui *u, int what);
void ts_ui_act_undo(ts_ui *u, int redo);

/* inspector.c */
void ts_ui_draw_inspector(ts_ui *u);
void ts_ui_act_field(ts_ui *u, int delta);
void ts_ui_act_adjust(ts_ui *u, int delta);
void ts_ui_act_note(ts_ui *u, int arg);
void ts_ui_act_type(ts_ui *u, int arg);
void ts_ui_act_name(ts_ui *u, int arg);

/* patlist.c */
void ts_ui_rytm_name(int n, char *buf, size_t size);
const char *ts_ui_base_name(const char *path);
const char *ts_ui_doc_path(const ts_ui_doc *d);
void ts_ui_draw_pattern_line(ts_ui *u);
void ts_ui_draw_patterns(ts_ui *u);
void ts_ui_edit_doc(ts_ui *u, int k);
void ts_ui_act_pattern_step(ts_ui *u, int delta);
void ts_ui_act_patterns(ts_ui *u, int arg);
void ts_ui_act_goto(ts_ui *u, int arg);
void ts_ui_act_select_mode(ts_ui *u, int arg);
void ts_ui_act_open(ts_ui *u, int arg);
/* Open `path` as one more document of the list (not edited yet): its index, or -1 with why. */
int ts_ui_add_doc(ts_ui *u, const char *path, bool must_exist, char *why, size_t len);
/* song.c */
bool ts_ui_song_open(ts_ui *u, int *rc);
void ts_ui_song_free(ts_ui *u);
void ts_ui_song_line(const ts_ui *u, char *buf, size_t len);
void ts_ui_sync_song(ts_ui *u);
void ts_ui_act_song_jump(ts_ui *u, int arg);
void ts_ui_act_song_edit(ts_ui *u, int arg);

/* monitor_pane.c */
bool ts_ui_drain_monitor(ts_ui *u);
void ts_ui_draw_monitor(ts_ui *u);
void ts_ui_act_monitor(ts_ui *u, int arg);

/* piano.c */
bool ts_ui_keyboard_key(ts_ui *u, int key);
void ts_ui_preview_offs(ts_ui *u, bool all);
void ts_ui_act_keys_mode(ts_ui *u, int arg);

/* midi_input.c */
bool ts_ui_drain_input(ts_ui *u);
void ts_ui_record_end(ts_ui *u);
void ts_ui_thru_text(const ts_ui *u, char *buf, size_t len);
void ts_ui_act_thru(ts_ui *u, int arg);
void ts_ui_act_record(ts_ui *u, int arg);
void ts_ui_act_micro(ts_ui *u, int arg);

/* keymap.c */
void ts_ui_handle_key(ts_ui *u, int key);
void ts_ui_draw_help(const ts_ui *u);

/* playback.c */
void ts_ui_jack_setup(ts_ui *u);
void ts_ui_jack_end(ts_ui *u);
bool ts_ui_fill_on(const ts_ui *u);
void ts_ui_sync_engine(ts_ui *u);
void ts_ui_sync_tempo(ts_ui *u);
void ts_ui_sync_fill(ts_ui *u);
bool ts_ui_engine_behind(const ts_ui *u);
bool ts_ui_status_changed(ts_ui *u);
void ts_ui_act_click(ts_ui *u, int arg);
void ts_ui_act_transport(ts_ui *u, int cmd);
void ts_ui_act_fill(ts_ui *u, int momentary);
void ts_ui_act_nudge(ts_ui *u, int delta10);
void ts_ui_act_tap(ts_ui *u, int arg);
void ts_ui_act_tempo(ts_ui *u, int arg);

/* documents.c */
bool ts_ui_open_documents(ts_ui *u, int *rc);
void ts_ui_free_documents(ts_ui *u);
bool ts_ui_open_doc(ts_ui_doc *d, const char *path, bool must_exist);
void ts_ui_offer_recovery(ts_ui *u);
double ts_ui_recovery_tick(ts_ui *u, double now);
void ts_ui_recovery_all(ts_ui *u);
void ts_ui_act_save(ts_ui *u, int as);
void ts_ui_act_quit(ts_ui *u, int arg);

#endif
