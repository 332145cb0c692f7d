/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the engine's files share (engine.c: the public calls, transport, chain and status, loading
 * and replacing patterns; engine_eval.c: positions to frames, the event queue and the evaluation
 * of steps; engine_emit.c: emission, turning queued entries into MIDI, ts_engine_run and
 * ts_engine_stop).
 * Private to src/core/engine*.c.
 *
 * Threads: as engine.h. Every function here is real-time safe: no allocation, lock or I/O.
 */
#ifndef TRIGSEQ_ENGINE_INTERNAL_H
#define TRIGSEQ_ENGINE_INTERNAL_H

#include "trigseq/core/engine.h"
#include "trigseq/core/song.h"

/* Capacity of the event queue. Pending entries per track are bounded by:
 *   - gate note-offs: a note-off waits at most gate·S ≤ 128 steps, and (micro/swing reorder trigs by
 *     less than 2 steps) at most 131 trigs of 4 notes start in such a window: ≤ 524, stale entries
 *     of cut notes included (they stay queued until their frame and are skipped by generation);
 *   - retrigs: a hit lasts ≤ its interval, so a live generator has ≤ 4 note-offs + its next hit;
 *     with a 128-step retrig length on every step ≤ 131 live generators: ≤ 655;
 *   - look-ahead: ≤ (largest S + 2·S) / S + 2 ≤ 20 steps of 2 entries (locks, hit 0).
 * So ≤ 700 per track, 8400 for 12 tracks, plus the clock: 16384 cannot fill. If it ever did, the
 * entry is dropped and counted in lost_events. */
#define QCAP 16384

/* Endless retrigs in flight per track (see struct inf_slot); the look-ahead window holds ≤ 22 trigs
 * of a track whose generator can still be running. */
#define INF_SLOTS 32
/* Notes held by slide or an endless gate, per track. Each fired note trig ends the previous set,
 * so this only fills when many overlapping finite retrigs slide; then the gate applies instead. */
#define HELD_MAX 32
/* Fired note trigs remembered per track: an earlier step sounds at most 23/24 + 0.6 of a step
 * after its start (micro, swing), so only the last two can sound after a later step's trig. */
#define FIRED_KEEP 8

#define POS_MAX INT64_MAX

enum ent_kind { ENT_CLOCK, ENT_OFF, ENT_LOCKS, ENT_HIT, ENT_CHANGE };
/* Order within a frame and track (spec §6: note-offs, locks, note-ons; slide releases are sent
 * inside the note-on entry, right after its note-ons). Track 0 is the clock (class 0), then a
 * pattern change (class 1): both come before every track's entries of their frame. */
enum ent_class { CLS_OFF = 0, CLS_LOCKS = 1, CLS_ON = 2 };
#define CLS_CHANGE 1

typedef struct {
	uint64_t key;            /* frame << 6 | track << 2 | class */
	uint64_t sub;            /* trig ordinal << 24 | hit << 8 | note index: equal keys never
				  * depend on when an entry was queued, only on the trigs' order */
	int64_t pos;             /* musical position; the key's frame is ts_engine_pos_frame(pos),
				  * which a tempo change recomputes (ts_engine_set_tempo) */
	uint8_t kind, track;
	uint8_t pat;             /* LOCKS, HIT: physical slot (ps[]) of the trig's pattern; CHANGE: of
				  * the new one. Counted in its refs while queued (slot_refers) */
	uint8_t a, b;            /* OFF: port, channel-1. LOCKS: step. HIT: step, endless-retrig slot.
				  * CHANGE: chain index of the new pattern in a, of the one queued
				  * after it + 1 in b (0 = none), where its steps count from in sub */
	uint16_t hit, n;         /* HIT: hit index, number of hits (0 = endless). OFF: note in n */
	uint32_t gen;            /* OFF: generation of the note it ends */
} qent;

/* There are QCAP of them: gen lives in what would be tail padding, so every entry keeps its
 * position at no cost in size. */
_Static_assert(sizeof(qent) <= 40, "a queue entry grew");

enum note_state { NOTE_OFF = 0, NOTE_ON, NOTE_HELD };

typedef struct {
	uint32_t gen;            /* bumped at each note-on: a queued note-off of an older gen is stale */
	uint8_t state;
	uint8_t owner;           /* track 1 … 12 that sent the note-on */
} note_slot;

/* A note of a track's voice: it is held (slide, endless gate) while `held` and no later note-on
 * of it bumped gen. */
typedef struct {
	uint32_t gen;
	bool held;
} voice_note;

/* The stop of an endless retrig: the time of the track's next fired note trig, known once that
 * trig is evaluated. */
struct inf_slot {
	uint64_t ord;
	int64_t start;           /* position of hit 0 */
	int64_t stop;            /* POS_MAX while no later note trig has fired */
	uint8_t step;            /* the trig's step, for ts_engine_update */
};

struct held {
	uint32_t gen;
	uint8_t port, chan;      /* where it sounds: a track's port and channel can change with the
				  * pattern */
	uint8_t note;
	uint8_t slide;           /* slide: released after the next note-ons, ties kept;
				  * endless gate: released just before them */
};

/* Constants of a track in one pattern of the chain. */
typedef struct {
	int64_t S;               /* step length in U */
	bool midi;               /* dest ext or int+ext, channel on and send-midi on */
	bool voice;              /* dest int or int+ext, and a sample */
	uint8_t port, chan;      /* port: index in the chain's ports; chan = channel - 1 */
	uint8_t note_trigs;      /* note trigs the track plays (x/X, or hits of '.'/x/X under
				  * euclid): a slide needs another one */
	bool euclid;             /* euclidean mode: step s plays trig hit[s] − 1, if any */
	uint8_t nhits;           /* hits of the euclid grid */
	uint8_t hit[TS_MAX_STEPS]; /* k(s) per step s (0-based), 0 when not a hit */
	bool has_base_cc;        /* any base cc: lock returns are possible */
} trk_const;

/* One version of a pattern of the chain and its constants. A chain index names the slot its
 * pattern lives in (phys[]); ts_engine_update() copies the new version into a free slot and remaps
 * the index, and queued entries keep reading the slot they were queued from. A slot is free when no
 * chain index maps it and no queued entry refers to it. */
typedef struct {
	ts_pattern pat;
	trk_const tc[TS_TRACKS];
	int64_t master;          /* advanced master length in U, 0 = no resets */
	int64_t change;          /* change point every this many U from its start, 0 = none */
	uint32_t refs;           /* queued entries tagged with this slot */
	bool mapped;             /* some chain index lives here */
	uint8_t index;           /* the chain index it was last mapped to (voice events say it) */
	int64_t mstep;           /* its master step in U (a song row's `length` counts them) */
} pat_slot;

/* Row instances of a song kept ahead of play (song-format §5.1, §5.2): generated in play order by
 * walking the song (song_gen), each with the tempo segment it starts in. Positions from the one
 * sounding now to the latest one queued are covered: entries are queued at most 128 steps of the
 * slowest speed (1/8x: 1024 1x steps) ahead of evaluation, which is at most 3 steps ahead of the
 * output, and a row instance lasts at least one master step at 2x (1/2 step): <= 2060 instances,
 * so 4096 always hold them. */
#define SONG_RING 4096

struct song_inst {
	int64_t q;               /* start (U from the song's start) */
	int64_t period;          /* U per repeat */
	int64_t seg_q;           /* start of its tempo segment */
	uint64_t seg_f;          /* ... at this exact frame */
	uint64_t K;              /* tempo10 · 192 of the segment */
	uint16_t row, repeat;
};

typedef struct {
	/* evaluation state */
	int64_t reset_pos;       /* position of the last master reset (0 at start) */
	int64_t j;               /* steps since that reset of the next step to evaluate */
	int64_t next_start;
	uint32_t pass;
	bool has_result, last_result;
	uint32_t inf_count;
	struct inf_slot inf[INF_SLOTS];
	/* when the last fired note trigs sound: one evaluated before an endless retrig can sound
	 * after it (micro timing), and then it is the one that stops it */
	int64_t fired_when[FIRED_KEEP];
	uint32_t nfired;
	/* emission state */
	uint8_t prev_nlocked;    /* controllers the trig whose locks were sent last locked: */
	uint8_t prev_locked[TS_MAX_LOCKS]; /* a copy, so no pattern data has to outlive its
				  * queued entries (ts_engine_update) */
	int nheld;
	struct held held[HELD_MAX];
	/* the voice's own notes (voice_hit): held by slide or an endless gate as on MIDI, but on
	 * no port or channel (port and chan of vheld are unused) */
	int nvheld;
	struct held vheld[HELD_MAX];
	voice_note vnotes[128];
} trk_rt;

struct ts_engine {
	ts_engine_config cfg;
	trk_rt trk[TS_TRACKS];
	/* The map from positions to frames (ts_engine_pos_frame, ts_engine_pos_ceil): position
	 * p >= anchor_pos is at exact frame anchor_frame + (p − anchor_pos) · rate / K. Start and
	 * Continue anchor it at 0, 0; a tempo change at the frame it takes effect. */
	uint64_t K;              /* tempo10 · 192 */
	int64_t anchor_pos;
	uint64_t anchor_frame;
	int64_t max_step;        /* look-ahead: the largest S of the chain */
	/* the chain: evaluation is in pattern cur, started at cur_start; emission in playing (chain
	 * indices, through phys[]) */
	int npat, cap, nslots;   /* nslots = cap + TS_EDIT_SLOTS */
	uint8_t phys[TS_CHAIN_MAX]; /* chain index -> slot of ps[] */
	int nports;              /* the chain's ports (ts_patterns_ports at load): an update can */
	char port_names[TS_MAX_PORTS][TS_PORT_NAME_MAX + 1]; /* not add one */
	uint32_t updates;
	int first;               /* pattern play starts from (ts_engine_queue while stopped) */
	int64_t first_start;     /* bank: where it started, for Continue (0 = the song's start) */
	int cur, queued;         /* queued: -1 = none */
	int64_t cur_start;
	int64_t rep_start;       /* where the tracks restarted last: cur_start, or a song row's repeat */
	uint32_t rep_index;      /* repeats of the row instance before that one */
	int64_t change_at;       /* next change point of cur, -1 = none */
	bool direct;             /* change_at is a direct selection's P (ts_engine_select) ... */
	bool jump;               /* ... in direct jump mode */
	int pc_pending;          /* program_send: a program change for the next period, -1 none */
	int playing;
	int64_t playing_start;
	uint32_t changes;
	bool used[TS_MAX_PORTS][16]; /* port and channel pairs some track of the chain sends on */
	int64_t eval_min;        /* smallest next_start over the tracks */
	uint64_t now;            /* frames run since start */
	uint64_t base;           /* first frame of the period being run */
	uint64_t ordinal;        /* fired trigs so far, in evaluation order */
	int64_t start_pos;       /* position play (re)started from */
	bool running, start_pending, fill, click;
	uint32_t lost, peak, nq;
	ts_event_fn fn;
	void *ctx;
	/* Song mode (ts_engine_load_song). song_map: positions are timed by the song's tempo map
	 * (else by K and the anchor: a live tempo, or a master's). */
	bool has_song, song_tempo, song_map;
	bool eval_done;          /* evaluation passed the song's last row instance */
	bool ended;              /* the song stopped at its end by itself */
	uint16_t ev_mute;        /* mutes of the row instance being evaluated */
	uint64_t ev;             /* the row instance being evaluated (number since the start) */
	uint64_t playing_inst;   /* the one sounding (status) */
	uint64_t gen_n;          /* instances generated; instance n is inst[n % SONG_RING] */
	ts_song_walk gen;        /* the walk that generates them: the song ends at gen.end once
				  * gen.done */
	ts_song_pattern sp[TS_CHAIN_MAX]; /* the chain's periods, as the slots are now */
	ts_song song;
	ts_song song_next;       /* ts_engine_set_song while playing: from the next start */
	bool song_pending;
	struct song_inst inst[SONG_RING];
	qent q[QCAP];
	note_slot notes[TS_MAX_PORTS][16][128];
	pat_slot ps[];           /* nslots of them */
};

static inline const trk_const *tc_of(const ts_engine *eng, int slot, int t)
{
	return &eng->ps[slot].tc[t];
}

/* Whether grid step idx (0-based) holds a note trig as the track plays it: x or X, and '.' too
 * under euclid (a hit plays grid step k forced on). */
static inline bool ts_engine_trig_is_note(const ts_track *tk, const trk_const *c, int idx)
{
	int kind = tk->steps[idx].kind;
	return kind == TS_TRIG_NOTE || kind == TS_TRIG_ACCENT || (c->euclid && kind == TS_TRIG_NONE);
}

/* The slot of chain pattern `index` as it is now. */
static inline const pat_slot *chain_slot(const ts_engine *eng, int index)
{
	return &eng->ps[eng->phys[index]];
}
/* ---- engine_eval.c: time ---- */

/* The frame of position pos, and the smallest position whose frame is >= f (the only two places
 * that know the map from positions to frames). */
uint64_t ts_engine_pos_frame(const ts_engine *eng, int64_t pos);
int64_t ts_engine_pos_ceil(const ts_engine *eng, uint64_t f);

/* ---- engine_eval.c: the queue ---- */

/* A full queue drops the entry and counts it in lost_events. */
void ts_engine_q_push(ts_engine *eng, qent e);
qent ts_engine_q_pop(ts_engine *eng);
/* Every key again from its entry's position, after a tempo change. */
void ts_engine_q_retime(ts_engine *eng);
/* After an entry popped from the queue was handled. */
void ts_engine_q_release(ts_engine *eng, const qent *e);
void ts_engine_q_clear(ts_engine *eng);
qent ts_engine_ent_at(ts_engine *eng, int64_t pos, int track, int cls, uint64_t ord,
		      int hit, int idx);

/* ---- engine_eval.c: evaluation ---- */

/* Pattern `next` takes over at `at` (a change point, a direct selection's P, a song's row
 * boundary), every track at step 1 of its pass 1 (jump: at its step counted from the old
 * pattern's start); `after` is the pattern chosen after it (program send), -1 none; `inst` the
 * song's row instance (0 for a chain). Sets change_at for a chain. */
void ts_engine_change_to(ts_engine *eng, int next, int64_t at, bool jump, int after, uint64_t inst);

/* The first change point of pattern cur that no evaluated step reaches, or -1. */
int64_t ts_engine_next_change_point(const ts_engine *eng, int64_t change);
void ts_engine_update_eval_min(ts_engine *eng);
/* Evaluate the next step in the global order (step start, track 1 … 12). */
void ts_engine_evaluate_next(ts_engine *eng);

/* ---- engine_song.c: song mode ---- */

/* Generate row instances until one starts after pos (or the song ends). */
void ts_song_gen_pos(ts_engine *eng, int64_t pos);
/* Generate row instances until one starts at a frame after f (or the song ends). */
void ts_song_gen_frame(ts_engine *eng, uint64_t f);
/* Instance n, generating it if needed; NULL after the song's end. */
const struct song_inst *ts_song_inst(ts_engine *eng, uint64_t n);
/* The kept instance sounding at pos (the first kept one before it, the last after it); NULL
 * when none is generated. No generation: for the const readers. */
const struct song_inst *ts_song_find(const ts_engine *eng, int64_t pos, uint64_t *n);
/* The last kept instance starting at a frame before f (at or before, with or_at), else the first
 * kept one; NULL when none is generated. */
const struct song_inst *ts_song_find_frame(const ts_engine *eng, uint64_t f, bool or_at);
/* Walk the song from its start to pos: the generator, evaluation and the tracks placed there. */
void ts_song_locate(ts_engine *eng, int64_t pos);
/* After ts_song_locate and the tracks placed: a position at or after the end plays nothing. */
void ts_song_located(ts_engine *eng);
/* Evaluation reached change_at, the end of a repeat: the next repeat, the next row instance,
 * or the song's end. */
void ts_song_boundary(ts_engine *eng);
/* Origin of the tracks' steps at pos (the start of the repeat holding it) and the repeats of
 * its instance before it, for the status of the instance sounding. */
void ts_song_origin(const ts_engine *eng, int64_t pos, int64_t *origin, uint32_t *reps,
		    int64_t *period);
/* Step 1 starts of track t in [origin, origin + rel) of pattern slot `slot`. */
uint32_t ts_engine_passes_in(const ts_engine *eng, int slot, int t, int64_t rel);

/* ---- engine.c: control ---- */

/* Where a track's step clock is at `pos` of pattern cur. */
void ts_engine_place_track(ts_engine *eng, int t, int64_t pos);

#endif
