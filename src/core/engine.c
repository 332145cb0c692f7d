/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine: spec/pattern-format.md §5 over integer musical positions (units U, engine.h).
 *
 * Two clocks run inside ts_engine_run():
 *   - evaluation walks the steps of all tracks in the global order (step start, track 1 … 12),
 *     deciding which trigs fire (conditions, PRNG, passes, lock returns) and queueing what they play;
 *   - emission pops the queue in (frame, track, class, origin) order and turns entries into MIDI,
 *     keeping the table of sounding notes (cuts, held notes, slides).
 * Evaluation only ever reads evaluation state and emission only emission state (with one exception,
 * the stop of an endless retrig, argued in ts_engine_run()), and before any frame f is emitted
 * every step that could emit at f has been evaluated. Hence the output does not depend on how the
 * frames are cut into periods.
 *
 * Patterns live in slots (pat_slot); the chain names them through phys[]. ts_engine_update(), between
 * two runs, puts a new version in a free slot: evaluation reads the chain's slots, each queued entry
 * the slot it was queued from, so what was evaluated before the update sounds as it was decided.
 * The same update at the same frame gives the same output whatever the period sizes, because what
 * is evaluated once a frame has run depends on that frame only.
 *
 * Real-time: every table below is part of struct ts_engine, allocated once in ts_engine_new().
 */
#include "trigseq/core/engine.h"

#include <string.h>

#include "trigseq/core/rtmem.h"

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
	int64_t pos;             /* musical position; the key's frame is pos_frame(pos), which a
				  * tempo change recomputes (ts_engine_set_tempo) */
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
	uint8_t note_trigs;      /* x/X trigs in the grid: a slide needs another one */
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
} pat_slot;

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
	/* The map from positions to frames (pos_frame, pos_ceil): position p >= anchor_pos is at
	 * exact frame anchor_frame + (p − anchor_pos) · rate / K. Start and Continue anchor it at
	 * 0, 0; a tempo change at the frame it takes effect. */
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
	qent q[QCAP];
	note_slot notes[TS_MAX_PORTS][16][128];
	pat_slot ps[];           /* nslots of them */
};

static const trk_const *tc_of(const ts_engine *eng, int slot, int t)
{
	return &eng->ps[slot].tc[t];
}

/* The slot of chain pattern `index` as it is now. */
static const pat_slot *chain_slot(const ts_engine *eng, int index)
{
	return &eng->ps[eng->phys[index]];
}

/* ---- time ---- */

uint64_t ts_pos_to_frame(int64_t pos, uint32_t rate, uint16_t tempo10)
{
	if (pos <= 0 || rate == 0 || tempo10 == 0)
		return 0;
	/* floor(pos·rate/K + 1/2) = floor((2·pos·rate + K) / 2K), split so nothing overflows. */
	uint64_t K = (uint64_t)tempo10 * 192, p = (uint64_t)pos;
	uint64_t q = p / K, r = p % K;
	return q * rate + (2 * r * rate + K) / (2 * K);
}

/*
 * pos_frame and pos_ceil are the only two places that know the map. Each frame is computed from
 * integers (the anchor and the position), so nothing accumulates across tempo changes. Positions
 * before the anchor have sounded already (ts_engine_set_tempo anchors at the first position not
 * emitted yet); they would map to the anchor's frame.
 */
static uint64_t pos_frame(const ts_engine *eng, int64_t pos)
{
	return eng->anchor_frame +
	       ts_pos_to_frame(pos - eng->anchor_pos, eng->cfg.rate, (uint16_t)(eng->K / 192));
}

/* The smallest position whose frame is >= f, for f >= anchor_frame (the frames still to run):
 * anchor_pos + ceil(K·(2g − 1) / 2·rate) with g = f − anchor_frame > 0. */
static int64_t pos_ceil(const ts_engine *eng, uint64_t f)
{
	if (f <= eng->anchor_frame)
		return eng->anchor_pos;
	uint64_t m = 2 * (f - eng->anchor_frame) - 1, d = 2 * (uint64_t)eng->cfg.rate;
	uint64_t q = m / d, r = m % d;
	return eng->anchor_pos + (int64_t)(q * eng->K + (r * eng->K + d - 1) / d);
}

/* ---- the queue: a binary heap ---- */

static bool ent_less(const qent *x, const qent *y)
{
	return x->key < y->key || (x->key == y->key && x->sub < y->sub);
}

/* Entries that read their pattern's data when they sound. */
static bool slot_refers(const qent *e)
{
	return e->kind == ENT_LOCKS || e->kind == ENT_HIT || e->kind == ENT_CHANGE;
}

static void q_push(ts_engine *eng, qent e)
{
	if (eng->nq == QCAP) {
		eng->lost++;
		return;
	}
	if (slot_refers(&e))
		eng->ps[e.pat].refs++;
	uint32_t i = eng->nq++;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!ent_less(&e, &eng->q[parent]))
			break;
		eng->q[i] = eng->q[parent];
		i = parent;
	}
	eng->q[i] = e;
	if (eng->nq > eng->peak)
		eng->peak = eng->nq;
}

/* Put e at hole i of the heap of the first n entries, moving it down to its place. */
static void q_sift_down(ts_engine *eng, uint32_t i, uint32_t n, qent e)
{
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && ent_less(&eng->q[c + 1], &eng->q[c]))
			c++;
		if (!ent_less(&eng->q[c], &e))
			break;
		eng->q[i] = eng->q[c];
		i = c;
	}
	eng->q[i] = e;
}

static qent q_pop(ts_engine *eng)
{
	qent top = eng->q[0], last = eng->q[--eng->nq];
	if (eng->nq > 0)
		q_sift_down(eng, 0, eng->nq, last);
	return top;
}

/* Every key again from its entry's position, after the map changed, then the heap property
 * again (bottom-up heap construction). O(nq), and nq <= QCAP: bounded, and done only on a tempo
 * change. The order of (key, sub) is total, so the heap pops the same sequence whatever order
 * its entries were pushed in. */
static void q_retime(ts_engine *eng)
{
	for (uint32_t i = 0; i < eng->nq; i++) {
		qent *e = &eng->q[i];
		e->key = pos_frame(eng, e->pos) << 6 | (e->key & 0x3F);
	}
	for (uint32_t i = eng->nq / 2; i-- > 0;)
		q_sift_down(eng, i, eng->nq, eng->q[i]);
}

/* After an entry popped from the queue was handled. */
static void q_release(ts_engine *eng, const qent *e)
{
	if (slot_refers(e))
		eng->ps[e->pat].refs--;
}

static void q_clear(ts_engine *eng)
{
	eng->nq = 0;
	for (int s = 0; s < eng->nslots; s++)
		eng->ps[s].refs = 0;
}

static qent ent_at(const ts_engine *eng, int64_t pos, int track, int cls, uint64_t ord, int hit,
		   int idx)
{
	qent e;
	memset(&e, 0, sizeof(e));
	e.key = pos_frame(eng, pos) << 6 | (uint64_t)track << 2 | (uint64_t)cls;
	e.sub = ord << 24 | (uint64_t)(hit > 0xFFFF ? 0xFFFF : hit) << 8 | (uint64_t)idx;
	e.pos = pos;
	e.track = (uint8_t)track;
	return e;
}

/* ---- output ---- */

/* Hand `ev` to the sink at absolute frame `frame`, as an offset into the period being run. */
static void emit(ts_engine *eng, uint64_t frame, ts_event *ev)
{
	ev->frame = frame > eng->base ? (uint32_t)(frame - eng->base) : 0; /* never late: see run */
	eng->fn(eng->ctx, ev);
}

static void emit3(ts_engine *eng, uint64_t frame, int port, int track, int size, int b0, int b1,
		  int b2)
{
	ts_event ev = {.port = (uint8_t)port, .track = (uint8_t)track, .size = (uint8_t)size,
		       .bytes = {(uint8_t)b0, (uint8_t)b1, (uint8_t)b2}};
	emit(eng, frame, &ev);
}

static void note_off(ts_engine *eng, uint64_t frame, int port, int chan, int owner, int note)
{
	emit3(eng, frame, port, owner, 3, 0x80 | chan, note, 0x40);
}

/*
 * ---- random draws ----
 * A draw is a pure function of (seed, track, step start position): the splitmix64 finaliser of
 * key = seed ^ track·G ^ start·H, then of key + G, key + 2G … while rejecting. So a relocation
 * (Continue, Song Position Pointer) plays the same random choices as playing from the start did,
 * and editing one track or step never reshuffles another's. A trig draws at most once per step.
 */
#define DRAW_G 0x9E3779B97F4A7C15u
#define DRAW_H 0xD1B54A32D192ED03u

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Uniform 0 … 99: rejecting the top partial block of 2^64 removes the modulo bias. */
static int draw100(const ts_engine *eng, int t, int64_t start)
{
	const uint64_t limit = UINT64_MAX - (UINT64_MAX % 100 + 1) % 100; /* 2^64 − 2^64 mod 100 − 1 */
	uint64_t key = eng->cfg.seed ^ (uint64_t)(t + 1) * DRAW_G ^ (uint64_t)start * DRAW_H;
	for (uint64_t k = 0;; k++) {
		uint64_t x = mix64(key + k * DRAW_G);
		if (x <= limit)
			return (int)(x % 100);
	}
}

/* ---- evaluation ---- */

static bool cond_true(ts_engine *eng, int t, trk_rt *r, const ts_track *tk, const ts_trig *tr,
		      int64_t start)
{
	int c = tr->cond, a, b, pct;
	bool v;

	if (c == TS_COND_NONE)
		return tk->prob >= 100 || draw100(eng, t, start) < tk->prob;
	switch (c) {
	case TS_COND_PRE:
		return r->has_result && r->last_result;
	case TS_COND_NOT_PRE:
		return !(r->has_result && r->last_result);
	case TS_COND_NEI:
		return t > 0 && eng->trk[t - 1].has_result && eng->trk[t - 1].last_result;
	case TS_COND_NOT_NEI:
		return !(t > 0 && eng->trk[t - 1].has_result && eng->trk[t - 1].last_result);
	case TS_COND_FILL:
		v = eng->fill;
		break;
	case TS_COND_NOT_FILL:
		v = !eng->fill;
		break;
	case TS_COND_1ST:
		v = r->pass == 1;
		break;
	case TS_COND_NOT_1ST:
		v = r->pass != 1;
		break;
	default:
		if ((pct = ts_cond_percent(c)) >= 0)
			v = draw100(eng, t, start) < pct;
		else if (ts_cond_ab(c, &a, &b))
			v = (int)((r->pass - 1) % (uint32_t)b) + 1 == a;
		else
			v = true; /* not reached: ts_engine_load() refuses unknown codes */
		break;
	}
	r->has_result = true;
	r->last_result = v;
	return v;
}

static void evaluate_step(ts_engine *eng, int t)
{
	trk_rt *r = &eng->trk[t];
	int slot = eng->phys[eng->cur];
	const ts_pattern *pat = &eng->ps[slot].pat;
	const ts_track *tk = &pat->tracks[t];
	const trk_const *c = tc_of(eng, slot, t);
	int step = (int)(r->j % tk->length);
	int64_t start = r->next_start;

	if (step == 0)
		r->pass++;
	const ts_trig *tr = &tk->steps[step];
	if (tr->kind == TS_TRIG_NONE || tr->kind == TS_TRIG_MUTED || tk->mute)
		return;
	if (!cond_true(eng, t, r, tk, tr, start))
		return;

	int64_t when = start + tr->micro * c->S / 24;
	bool swung = tr->swing == TS_SWING_ON || (tr->swing == TS_SWING_AUTO && step % 2 == 1);
	if (swung)
		when += c->S * (2 * pat->swing - 100) / 100;
	/* Nothing sounds before the pattern starts (play, or its change point in a chain): pass 1
	 * is clamped as the spec says, and so is a later pass of an advanced pattern whose master
	 * length is shorter than a long step's negative micro offset. Otherwise a later pass fires
	 * early into the previous one, as on the Rytm. */
	if (when < eng->cur_start)
		when = eng->cur_start;

	uint64_t ord = ++eng->ordinal;
	bool note = tr->kind == TS_TRIG_NOTE || tr->kind == TS_TRIG_ACCENT;
	bool endless = note && tr->retrig && ts_trig_retrig_len(tk, tr) == TS_LEN_INF;

	/* A track without MIDI (channel off, send-midi off, dest int) still evaluates and fires:
	 * its internal voice plays, and its condition results feed pre/nei as on the Rytm. Every
	 * fired trig of a track with base values passes through a LOCKS entry, so that lock returns
	 * are decided when it sounds (see handle_locks); the voice has no locks. */
	if (c->midi && (tr->nlocks > 0 || c->has_base_cc)) {
		qent e = ent_at(eng, when, t + 1, CLS_LOCKS, ord, 0, 0);
		e.kind = ENT_LOCKS;
		e.pat = (uint8_t)slot;
		e.a = (uint8_t)step;
		q_push(eng, e);
	}
	if (note && (c->midi || c->voice)) {
		qent e = ent_at(eng, when, t + 1, CLS_ON, ord, 0, 0);
		e.kind = ENT_HIT;
		e.pat = (uint8_t)slot;
		e.a = (uint8_t)step;
		e.b = (uint8_t)(r->inf_count % INF_SLOTS);
		e.n = 1;
		if (tr->retrig && !endless) {
			int len16 = ts_len16(ts_trig_retrig_len(tk, tr));
			int d = ts_rate_div(ts_trig_retrig_rate(tk, tr));
			/* hits i with i·16/D < len16/16 */
			e.n = (uint16_t)((len16 * d + 255) / 256);
		} else if (endless) {
			e.n = 0;
		}
		q_push(eng, e);
	}
	if (note) {
		/* A fired note trig stops every endless retrig of its track that started before it in
		 * time; micro timing can make a step sound before the one evaluated just before it. */
		for (int i = 0; i < INF_SLOTS; i++)
			if (r->inf[i].start < when && r->inf[i].stop > when)
				r->inf[i].stop = when;
		if (endless) {
			struct inf_slot *inf = &r->inf[r->inf_count++ % INF_SLOTS];
			inf->ord = ord;
			inf->start = when;
			inf->stop = POS_MAX;
			inf->step = (uint8_t)step;
			/* ... and a note trig evaluated before it that sounds after it stops it */
			uint32_t n = r->nfired < FIRED_KEEP ? r->nfired : FIRED_KEEP;
			for (uint32_t k = 0; k < n; k++)
				if (r->fired_when[k] > when && r->fired_when[k] < inf->stop)
					inf->stop = r->fired_when[k];
		}
		r->fired_when[r->nfired++ % FIRED_KEEP] = when;
	}
}

static void advance_track(ts_engine *eng, int t)
{
	trk_rt *r = &eng->trk[t];
	const pat_slot *ps = chain_slot(eng, eng->cur);
	int64_t S = ps->tc[t].S, master = ps->master;
	r->j++;
	r->next_start = r->reset_pos + r->j * S;
	if (master > 0 && r->next_start >= r->reset_pos + master) {
		r->reset_pos += master;
		r->j = 0;
		r->next_start = r->reset_pos;
	}
}

static void place_track(ts_engine *eng, int t, int64_t pos);
static void update_eval_min(ts_engine *eng);

/* The change point: the queued pattern takes over, every track at step 1 of its pass 1. Called
 * once every step starting before it is evaluated; steps of the old pattern that straddle it are
 * cut there. */
static void change_pattern(ts_engine *eng)
{
	int64_t at = eng->change_at;
	int next = eng->queued;
	bool jump = eng->direct && eng->jump;
	eng->direct = eng->jump = false;
	eng->cur = next;
	if (!jump)
		eng->cur_start = at; /* a jump keeps counting from the old pattern's start */
	eng->queued = eng->npat > 1 && !eng->cfg.bank ? (next + 1) % eng->npat : -1;
	int64_t change = chain_slot(eng, next)->change;
	eng->change_at = -1;
	if (change > 0)
		eng->change_at = eng->cur_start + ((at - eng->cur_start) / change + 1) * change;
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		place_track(eng, t, at);
		r->has_result = false;
		r->last_result = false;
		/* endless retrigs of the old pattern end at the change */
		for (int i = 0; i < INF_SLOTS; i++)
			if (r->inf[i].stop > at)
				r->inf[i].stop = at;
	}
	update_eval_min(eng);
	qent e = ent_at(eng, at, 0, CLS_CHANGE, 0, 0, 0);
	e.kind = ENT_CHANGE;
	e.pat = eng->phys[next];
	e.a = (uint8_t)next;
	e.b = (uint8_t)(eng->queued + 1);
	e.sub = (uint64_t)eng->cur_start; /* alone at its key: nothing to order against */
	q_push(eng, e);
}

/* The first change point of pattern cur that no evaluated step reaches, or -1. */
static int64_t next_change_point(const ts_engine *eng, int64_t change)
{
	if (change <= 0)
		return -1;
	int64_t k = (eng->eval_min - eng->cur_start + change - 1) / change;
	return eng->cur_start + (k < 1 ? 1 : k) * change;
}

static void update_eval_min(ts_engine *eng)
{
	eng->eval_min = eng->trk[0].next_start;
	for (int t = 1; t < TS_TRACKS; t++)
		if (eng->trk[t].next_start < eng->eval_min)
			eng->eval_min = eng->trk[t].next_start;
}

/*
 * Evaluate the next step in the global order (step start, track 1 … 12), so the evaluated steps are
 * always a prefix of one fixed sequence, whatever the period sizes.
 */
static void evaluate_next(ts_engine *eng)
{
	/* Change points with nothing queued pass by (a single pattern loops on its length). */
	while (eng->change_at >= 0 && eng->eval_min >= eng->change_at) {
		if (eng->queued >= 0) {
			change_pattern(eng);
			break;
		}
		eng->change_at += chain_slot(eng, eng->cur)->change;
	}
	int best = 0;
	for (int t = 1; t < TS_TRACKS; t++)
		if (eng->trk[t].next_start < eng->trk[best].next_start)
			best = t;
	evaluate_step(eng, best);
	advance_track(eng, best);
	update_eval_min(eng);
}

/* ---- emission ---- */

static void handle_locks(ts_engine *eng, uint64_t frame, const qent *e)
{
	int t = e->track - 1;
	trk_rt *r = &eng->trk[t];
	const ts_track *tk = &eng->ps[e->pat].pat.tracks[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	const ts_trig *tr = &tk->steps[e->a];
	uint8_t prev[TS_MAX_LOCKS];
	int nprev = r->prev_nlocked;
	memcpy(prev, r->prev_locked, (size_t)nprev);

	/* "The previous fired trig" is the one that sounded before this one, not the one evaluated
	 * before: when micro timing or swing reorders trigs, a trig without a lock must still sound
	 * with the base value, not with the lock of a later step that fired earlier. */
	r->prev_nlocked = tr->nlocks;
	for (int i = 0; i < tr->nlocks; i++) {
		r->prev_locked[i] = tr->locks[i].cc;
		emit3(eng, frame, c->port, e->track, 3, 0xB0 | c->chan, tr->locks[i].cc,
		      tr->locks[i].value);
	}
	/* p-locks last one trig: controllers the previous fired trig locked go back to base values,
	 * in ascending controller order. */
	uint8_t back[TS_MAX_LOCKS];
	int nback = 0;
	for (int i = 0; i < nprev; i++) {
		int cc = prev[i];
		bool locked_now = false;
		for (int k = 0; k < tr->nlocks; k++)
			locked_now |= tr->locks[k].cc == cc;
		if (locked_now || tk->base_cc[cc] == TS_CC_NONE)
			continue;
		int k = nback++;
		while (k > 0 && back[k - 1] > cc) {
			back[k] = back[k - 1];
			k--;
		}
		back[k] = (uint8_t)cc;
	}
	for (int i = 0; i < nback; i++)
		emit3(eng, frame, c->port, e->track, 3, 0xB0 | c->chan, back[i], tk->base_cc[back[i]]);
}

static bool held_valid(const ts_engine *eng, int track, const struct held *h)
{
	const note_slot *s = &eng->notes[h->port][h->chan][h->note];
	return s->state == NOTE_HELD && s->owner == track && s->gen == h->gen;
}

static bool voice_held_valid(const trk_rt *r, const struct held *h)
{
	return r->vnotes[h->note].held && r->vnotes[h->note].gen == h->gen;
}

/* Add a note to the notes the track holds on MIDI (c's port and channel), or in its voice. False
 * when the list is full of notes still held: then the gate applies instead. */
static bool hold_note(ts_engine *eng, trk_rt *r, const trk_const *c, int track, bool voice,
		      int note, uint32_t gen, bool slide)
{
	struct held *list = voice ? r->vheld : r->held;
	int *n = voice ? &r->nvheld : &r->nheld;
	if (*n == HELD_MAX) {
		int k = 0;
		for (int i = 0; i < *n; i++)
			if (voice ? voice_held_valid(r, &list[i]) : held_valid(eng, track, &list[i]))
				list[k++] = list[i];
		*n = k;
		if (k == HELD_MAX)
			return false;
	}
	list[*n].port = voice ? 0 : c->port;
	list[*n].chan = voice ? 0 : c->chan;
	list[*n].note = (uint8_t)note;
	list[*n].gen = gen;
	list[*n].slide = slide;
	(*n)++;
	return true;
}

/* Round half away from zero of num/den, den > 0. */
static int round_div(int num, int den)
{
	return num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
}

/* What a hit plays, worked out once for MIDI and the voice. */
struct hit_notes {
	uint8_t notes[TS_MAX_NOTES];
	int nnotes, vel;
	int64_t len;             /* a note's length in U, 0 = held (endless gate) */
	bool first;              /* hit 0: the trig's notes end what its track holds */
	bool hold, hold_slide;   /* held past the gate: until the next note trig, by slide? */
};

/* The MIDI side of a hit: note-ons and their note-offs on the track's port and channel. */
static void midi_hit(ts_engine *eng, uint64_t frame, const qent *e, const struct hit_notes *h)
{
	int t = e->track - 1, track = e->track;
	trk_rt *r = &eng->trk[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	uint64_t ord = e->sub >> 24;
	int64_t len = h->len;
	struct held old[HELD_MAX];
	int nold = 0;
	bool tied[HELD_MAX] = {false};

	if (h->first) {
		/* A fired note trig ends the notes its track holds: endless gates right before its
		 * note-ons, slides right after them (legato), a note in both continues (tie). */
		nold = r->nheld;
		memcpy(old, r->held, (size_t)nold * sizeof(old[0]));
		r->nheld = 0;
		for (int i = 0; i < nold; i++) {
			if (old[i].slide || !held_valid(eng, track, &old[i]))
				continue;
			note_off(eng, frame, old[i].port, old[i].chan, track, old[i].note);
			eng->notes[old[i].port][old[i].chan][old[i].note].state = NOTE_OFF;
		}
	}
	for (int k = 0; k < h->nnotes; k++) {
		int n = h->notes[k];
		note_slot *s = &eng->notes[c->port][c->chan][n];
		bool tie = false;
		for (int i = 0; i < nold && !tie; i++)
			if (old[i].slide && old[i].note == n && old[i].port == c->port &&
			    old[i].chan == c->chan && held_valid(eng, track, &old[i]))
				tie = tied[i] = true;
		if (!tie) {
			/* Channels are shared across tracks: any note still sounding on this
			 * port and channel ends here, and its pending note-off becomes stale. */
			if (s->state != NOTE_OFF)
				note_off(eng, frame, c->port, c->chan, s->owner, n);
			s->gen++;
			emit3(eng, frame, c->port, track, 3, 0x90 | c->chan, n, h->vel);
		}
		s->owner = (uint8_t)track;
		s->state = NOTE_ON;
		if (h->hold && hold_note(eng, r, c, track, false, n, s->gen, h->hold_slide)) {
			s->state = NOTE_HELD;
			continue;
		}
		if (len == 0)
			len = c->S; /* not reached: endless gates always hold (a fresh list has room) */
		qent off = ent_at(eng, e->pos + len, track, CLS_OFF, ord, e->hit, k);
		off.kind = ENT_OFF;
		off.gen = s->gen;
		off.a = c->port;
		off.b = c->chan;
		off.n = (uint16_t)n;
		q_push(eng, off);
	}
	for (int i = 0; i < nold; i++) {
		if (!old[i].slide || tied[i] || !held_valid(eng, track, &old[i]))
			continue;
		note_off(eng, frame, old[i].port, old[i].chan, track, old[i].note);
		eng->notes[old[i].port][old[i].chan][old[i].note].state = NOTE_OFF;
	}
}

/*
 * The voice side of a hit: a voice event {0x90, note, velocity} on TS_PORT_VOICE, tagged with the
 * chain index of the hit's pattern (whose sample it plays), for each note-on
 * MIDI would send, decided on the track's own table of notes rather than on a port and channel:
 * the same holds, slides and ties as on MIDI, so a tied note plays no new hit, but nothing another
 * track sends can cut or untie them. So the voice plays the same whatever the track's channel,
 * port, send-midi, or whether it sends MIDI at all. Samples are one-shots: no note-offs.
 */
static void voice_hit(ts_engine *eng, uint64_t frame, int track, uint8_t index,
		      const struct hit_notes *h)
{
	trk_rt *r = &eng->trk[track - 1];
	struct held old[HELD_MAX];
	int nold = 0;
	bool tied[HELD_MAX] = {false};

	if (h->first) {
		nold = r->nvheld;
		memcpy(old, r->vheld, (size_t)nold * sizeof(old[0]));
		r->nvheld = 0;
		for (int i = 0; i < nold; i++)
			if (!old[i].slide && voice_held_valid(r, &old[i]))
				r->vnotes[old[i].note].held = false;
	}
	for (int k = 0; k < h->nnotes; k++) {
		int n = h->notes[k];
		voice_note *s = &r->vnotes[n];
		bool tie = false;
		for (int i = 0; i < nold && !tie; i++)
			if (old[i].slide && old[i].note == n && voice_held_valid(r, &old[i]))
				tie = tied[i] = true;
		if (!tie) {
			s->gen++;
			ts_event ev = {.port = TS_PORT_VOICE, .track = (uint8_t)track,
				       .pattern = index, .size = 3,
				       .bytes = {0x90, (uint8_t)n, (uint8_t)h->vel}};
			emit(eng, frame, &ev);
		}
		s->held = h->hold && hold_note(eng, r, NULL, track, true, n, s->gen, h->hold_slide);
	}
	for (int i = 0; i < nold; i++)
		if (old[i].slide && !tied[i] && voice_held_valid(r, &old[i]))
			r->vnotes[old[i].note].held = false;
}

static void handle_hit(ts_engine *eng, uint64_t frame, const qent *e)
{
	int t = e->track - 1, track = e->track;
	trk_rt *r = &eng->trk[t];
	const ts_pattern *pat = &eng->ps[e->pat].pat;
	const ts_track *tk = &pat->tracks[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	const ts_trig *tr = &tk->steps[e->a];
	uint64_t ord = e->sub >> 24;
	int hit = e->hit;
	bool retrig = tr->retrig, endless = retrig && e->n == 0;
	struct inf_slot *slot = &r->inf[e->b];
	struct hit_notes h;

	h.first = hit == 0;
	/* An endless retrig stops at the track's next fired note trig (hit 0 always plays). */
	if (endless && !h.first && (slot->ord != ord || e->pos >= slot->stop))
		return;

	h.nnotes = ts_trig_notes(tk, tr, h.notes);
	h.vel = ts_trig_vel(tk, tr);
	if (tr->kind == TS_TRIG_ACCENT)
		h.vel = h.vel + pat->accent > 127 ? 127 : h.vel + pat->accent;
	int g16 = ts_len16(ts_trig_gate(tk, tr)); /* 0 = inf */
	int64_t interval = 0;
	bool slide_ok = tr->slide && c->note_trigs > 1;
	h.len = g16 * c->S / 16;

	if (retrig) {
		int d = ts_rate_div(ts_trig_retrig_rate(tk, tr));
		interval = 16 * c->S / d;
		if (g16 == 0 || g16 * d > 256)
			h.len = interval;
		if (!endless) {
			int rv = ts_trig_retrig_vel(tk, tr);
			h.vel = round_div(h.vel * e->n + rv * hit, e->n);
			h.vel = h.vel < 1 ? 1 : h.vel > 127 ? 127 : h.vel;
		}
		/* Slide applies to the last hit. An endless retrig's last hit is only known when the
		 * next trig comes, so each of its hits is held until the next hit re-strikes it. */
		h.hold = h.hold_slide = slide_ok && (endless || hit == e->n - 1);
	} else {
		h.hold = slide_ok || g16 == 0;
		h.hold_slide = slide_ok;
	}

	/* The voice's events of a hit come right after its MIDI (engine.h). */
	if (c->midi)
		midi_hit(eng, frame, e, &h);
	if (c->voice)
		voice_hit(eng, frame, track, eng->ps[e->pat].index, &h);

	if (retrig && (endless || hit + 1 < e->n)) {
		int64_t pos = e->pos + interval;
		if (endless && pos >= slot->stop)
			return;
		qent next = ent_at(eng, pos, track, CLS_ON, ord, hit + 1, 0);
		next.kind = ENT_HIT;
		next.pat = e->pat;
		next.a = e->a;
		next.b = e->b;
		next.n = e->n;
		next.hit = (uint16_t)(hit + 1 > 0xFFFF ? 0xFFFF : hit + 1);
		q_push(eng, next);
	}
}

static void emit_setup(ts_engine *eng, uint64_t frame, int p);

/* Program send: the chain index of a pattern chosen, on the clock port. */
static void emit_program(ts_engine *eng, uint64_t frame, int index)
{
	emit3(eng, frame, TS_PORT_CLOCK, 0, 2, 0xC0 | (eng->cfg.program_send - 1), index, 0);
}

/* The change point sounds: notes the old pattern holds end, the new pattern's setup goes out, and
 * lock returns start afresh (the base values were just sent). */
static void handle_change(ts_engine *eng, uint64_t frame, const qent *e)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		for (int i = 0; i < r->nheld; i++) {
			struct held *h = &r->held[i];
			if (!held_valid(eng, t + 1, h))
				continue;
			note_off(eng, frame, h->port, h->chan, t + 1, h->note);
			eng->notes[h->port][h->chan][h->note].state = NOTE_OFF;
		}
		r->nheld = 0;
		/* and so do the voice's: the new pattern's first note plays, tie or not */
		for (int i = 0; i < r->nvheld; i++)
			r->vnotes[r->vheld[i].note].held = false;
		r->nvheld = 0;
		r->prev_nlocked = 0;
	}
	emit_setup(eng, frame, e->pat);
	if (eng->cfg.program_send && e->b > 0)
		emit_program(eng, frame, e->b - 1);
	eng->playing = e->a;
	eng->playing_start = (int64_t)e->sub;
	eng->changes++;
}

/* A clock tick at position `pos`: F8 when the clock is sent; the metronome's click on a beat
 * (a bar's first beat accented: 4/4 from the song's start). The ticks are queued whether or not
 * either is on, so the click can be switched on at any time. */
static void emit_tick(ts_engine *eng, uint64_t frame, int64_t pos)
{
	if (eng->cfg.send_clock)
		emit3(eng, frame, TS_PORT_CLOCK, 0, 1, 0xF8, 0, 0);
	if (eng->click && pos % (4 * TS_UNITS_PER_STEP) == 0)
		emit3(eng, frame, TS_PORT_VOICE, 0, 3, 0x90, pos % (16 * TS_UNITS_PER_STEP) == 0,
		      127);
}

static void handle(ts_engine *eng, const qent *e)
{
	uint64_t frame = e->key >> 6;
	switch (e->kind) {
	case ENT_CLOCK: {
		emit_tick(eng, frame, e->pos);
		qent next = ent_at(eng, e->pos + TS_UNITS_PER_TICK, 0, 0, 0, 0, 0);
		next.kind = ENT_CLOCK;
		q_push(eng, next);
		break;
	}
	case ENT_OFF: {
		note_slot *s = &eng->notes[e->a][e->b][e->n];
		if (s->state == NOTE_OFF || s->gen != e->gen)
			break; /* ended earlier by a cut or a tie took it over */
		emit3(eng, frame, e->a, e->track, 3, 0x80 | e->b, e->n, 0x40);
		s->state = NOTE_OFF;
		break;
	}
	case ENT_LOCKS:
		handle_locks(eng, frame, e);
		break;
	case ENT_HIT:
		handle_hit(eng, frame, e);
		break;
	case ENT_CHANGE:
		handle_change(eng, frame, e);
		break;
	}
}

/* Each track's sound setup before any note: program change, then base cc values. Muted tracks get
 * theirs too: mute silences notes and locks, not the sound's setup. */
static void emit_setup(ts_engine *eng, uint64_t frame, int slot)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		const trk_const *c = tc_of(eng, slot, t);
		const ts_track *tk = &eng->ps[slot].pat.tracks[t];
		if (!c->midi)
			continue;
		if (tk->program != TS_PROGRAM_NONE)
			emit3(eng, frame, c->port, t + 1, 2, 0xC0 | c->chan, tk->program, 0);
		for (int cc = 0; cc < 128; cc++)
			if (tk->base_cc[cc] != TS_CC_NONE)
				emit3(eng, frame, c->port, t + 1, 3, 0xB0 | c->chan, cc,
				      tk->base_cc[cc]);
	}
}

/* Frame 0 of play: clock start and tick 0, then the sound setup of the pattern. */
static void emit_start(ts_engine *eng)
{
	if (eng->cfg.program_send)
		emit_program(eng, 0, eng->cur);
	/* From the start: Start. From elsewhere: where (Song Position Pointer, in 16ths), then
	 * Continue; either way the tick at the position right away if it is on one. */
	int64_t first = (eng->start_pos + TS_UNITS_PER_TICK - 1) / TS_UNITS_PER_TICK;
	if (eng->cfg.send_clock && eng->start_pos == 0) {
		emit3(eng, 0, TS_PORT_CLOCK, 0, 1, 0xFA, 0, 0);
	} else if (eng->cfg.send_clock) {
		int64_t spp = eng->start_pos / TS_UNITS_PER_STEP;
		emit3(eng, 0, TS_PORT_CLOCK, 0, 3, 0xF2, (int)(spp & 0x7F), (int)(spp >> 7 & 0x7F));
		emit3(eng, 0, TS_PORT_CLOCK, 0, 1, 0xFB, 0, 0);
	}
	if (first * TS_UNITS_PER_TICK == eng->start_pos) {
		emit_tick(eng, 0, eng->start_pos);
		first++;
	}
	qent e = ent_at(eng, first * TS_UNITS_PER_TICK, 0, 0, 0, 0, 0);
	e.kind = ENT_CLOCK;
	q_push(eng, e);
	emit_setup(eng, 0, eng->phys[eng->cur]);
	if (eng->cfg.program_send && eng->queued >= 0)
		emit_program(eng, 0, eng->queued);
}

void ts_engine_run(ts_engine *eng, uint32_t nframes, ts_event_fn fn, void *ctx)
{
	if (!eng || !eng->running || nframes == 0)
		return;
	uint64_t end = eng->now + nframes;
	eng->base = eng->now;
	eng->fn = fn;
	eng->ctx = ctx;
	if (eng->start_pending) {
		eng->start_pending = false;
		emit_start(eng);
	} else if (eng->pc_pending >= 0 && eng->cfg.program_send) {
		emit_program(eng, eng->now, eng->pc_pending);
	}
	eng->pc_pending = -1;
	/*
	 * Before frame f is emitted, every step starting before pos_ceil(f + 1) + max_step is
	 * evaluated: a trig fires at most 23/24 of its step before its step start, so no other step
	 * can emit at or before f. Steps are evaluated one at a time and only when needed, which
	 * keeps the queue short whatever the period size.
	 * The same bound makes endless retrigs exact: a hit at h is emitted only once every step
	 * starting before h + max_step is evaluated, which includes the track's next note trig if it
	 * fires at or before h.
	 */
	for (;;) {
		uint64_t f = end;
		if (eng->nq > 0 && (eng->q[0].key >> 6) < end)
			f = eng->q[0].key >> 6;
		if (eng->eval_min < pos_ceil(eng, f + 1) + eng->max_step) {
			evaluate_next(eng);
			continue; /* its entries may come before the head */
		}
		if (eng->nq == 0 || (eng->q[0].key >> 6) >= end)
			break;
		qent e = q_pop(eng);
		handle(eng, &e);
		q_release(eng, &e);
	}
	eng->now = end;
}

/* ---- control ---- */

/* Step and pass of a track at position pos of the sounding pattern (closed form, as below). */
static void step_at(const ts_engine *eng, int t, int64_t pos, uint8_t *step, uint32_t *pass,
		    uint16_t *phase);

/* Where a track's step clock is at `pos` of pattern cur (started at cur_start): its next step to
 * evaluate is the first one starting at or after pos, and its pass counts the step 1 starts
 * before that one. */
static void place_track(ts_engine *eng, int t, int64_t pos)
{
	trk_rt *r = &eng->trk[t];
	const pat_slot *ps = chain_slot(eng, eng->cur);
	int64_t S = ps->tc[t].S, master = ps->master, len = ps->pat.tracks[t].length;
	int64_t rel = pos - eng->cur_start, cycle = 0, steps = 0, reset = 0;
	if (master > 0) {
		cycle = rel / master;
		reset = cycle * master;
		steps = (master + S - 1) / S; /* step starts per master period */
	}
	r->j = (rel - reset + S - 1) / S;
	if (master > 0 && r->j >= steps) {
		cycle++;
		reset += master;
		r->j = 0;
	}
	r->reset_pos = eng->cur_start + reset;
	r->next_start = r->reset_pos + r->j * S;
	int64_t per_cycle = master > 0 ? (steps + len - 1) / len : 0;
	r->pass = (uint32_t)(cycle * per_cycle + (r->j + len - 1) / len);
}

/* The pattern of the chain sounding at pos, and where it started, when the chain plays from
 * pattern `first` at 0 with nothing queued: the same whatever the period sizes or relocations. */
static void chain_locate(const ts_engine *eng, int64_t pos, int *index, int64_t *start)
{
	int p = eng->first;
	int64_t at = 0, cycle = 0;
	*index = p;
	*start = 0;
	if (eng->cfg.bank) {
		*start = pos >= eng->first_start ? eng->first_start : 0;
		return;
	}
	if (eng->npat < 2)
		return;
	for (int k = 0; k < eng->npat; k++) {
		if (chain_slot(eng, k)->change == 0) {
			cycle = 0; /* a pattern without change points ends the chain there */
			break;
		}
		cycle += chain_slot(eng, k)->change;
	}
	if (cycle > 0)
		at = pos / cycle * cycle;
	while (chain_slot(eng, p)->change > 0 && at + chain_slot(eng, p)->change <= pos) {
		at += chain_slot(eng, p)->change;
		p = (p + 1) % eng->npat;
	}
	*index = p;
	*start = at;
}

void ts_engine_start(ts_engine *eng)
{
	ts_engine_continue(eng, 0);
}

void ts_engine_continue(ts_engine *eng, int64_t pos)
{
	if (!eng || pos < 0)
		return;
	chain_locate(eng, pos, &eng->cur, &eng->cur_start);
	eng->queued = eng->npat > 1 && !eng->cfg.bank ? (eng->cur + 1) % eng->npat : -1;
	eng->direct = eng->jump = false;
	eng->pc_pending = -1;
	int64_t change = chain_slot(eng, eng->cur)->change;
	eng->change_at = -1;
	if (change > 0)
		eng->change_at = eng->cur_start + ((pos - eng->cur_start) / change + 1) * change;
	eng->playing = eng->cur;
	eng->playing_start = eng->cur_start;
	eng->changes = 0;
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		place_track(eng, t, pos);
		r->prev_nlocked = 0;
		r->has_result = false;
		r->last_result = false;
		r->inf_count = 0;
		memset(r->inf, 0, sizeof(r->inf));
		r->nfired = 0;
		r->nheld = 0;
		r->nvheld = 0;
		memset(r->vnotes, 0, sizeof(r->vnotes));
	}
	for (int p = 0; p < TS_MAX_PORTS; p++)
		for (int ch = 0; ch < 16; ch++)
			if (eng->used[p][ch])
				memset(eng->notes[p][ch], 0, sizeof(eng->notes[0][0]));
	update_eval_min(eng);
	q_clear(eng);
	/* Frames keep counting on the timeline where position 0 is frame 0, at the tempo now. */
	eng->start_pos = pos;
	eng->anchor_pos = 0;
	eng->anchor_frame = 0;
	eng->now = pos_frame(eng, pos);
	eng->ordinal = 0;
	eng->lost = 0;
	eng->peak = 0;
	eng->running = true;
	eng->start_pending = true;
}

bool ts_engine_queue(ts_engine *eng, int index)
{
	if (!eng || index < 0 || index >= eng->npat)
		return false;
	if (eng->running) {
		eng->queued = index;
		eng->pc_pending = index;
		if (eng->direct) { /* a direct selection not sounding yet gives way */
			eng->direct = eng->jump = false;
			eng->change_at = next_change_point(eng, chain_slot(eng, eng->cur)->change);
		}
	} else {
		eng->first = index;
		eng->first_start = 0;
		eng->cur = eng->playing = index;
	}
	return true;
}

bool ts_engine_select(ts_engine *eng, int index, ts_select_mode mode)
{
	if (!eng || index < 0 || index >= eng->npat)
		return false;
	if (!eng->running || mode == TS_SELECT_SEQUENTIAL)
		return ts_engine_queue(eng, index);
	/* every step starting before eval_min is evaluated, none at or after it */
	eng->change_at = (eng->eval_min + TS_UNITS_PER_STEP - 1) / TS_UNITS_PER_STEP *
			 TS_UNITS_PER_STEP;
	eng->queued = index;
	eng->direct = true;
	eng->jump = mode == TS_SELECT_DIRECT_JUMP;
	eng->pc_pending = index;
	return true;
}

int ts_engine_patterns(const ts_engine *eng)
{
	return eng ? eng->npat : 0;
}

int ts_engine_ports(const ts_engine *eng)
{
	return eng ? eng->nports : 0;
}

ts_status ts_engine_add_port(ts_engine *eng, const char *name)
{
	if (!eng || !name)
		return TS_ERR_RANGE;
	size_t len = strnlen(name, TS_PORT_NAME_MAX + 1);
	if (len == 0 || len > TS_PORT_NAME_MAX)
		return TS_ERR_RANGE;
	for (int k = 0; k < eng->nports; k++)
		if (strcmp(eng->port_names[k], name) == 0)
			return TS_ERR_RANGE;
	if (eng->nports == TS_MAX_PORTS)
		return TS_ERR_FULL;
	memcpy(eng->port_names[eng->nports], name, len);
	eng->port_names[eng->nports][len] = '\0';
	eng->nports++;
	return TS_OK;
}

void ts_engine_stop(ts_engine *eng, uint32_t frame, ts_event_fn fn, void *ctx)
{
	if (!eng || !eng->running)
		return;
	eng->fn = fn;
	eng->ctx = ctx;
	eng->base = 0;
	if (eng->cfg.send_clock)
		emit3(eng, frame, TS_PORT_CLOCK, 0, 1, 0xFC, 0, 0);
	if (eng->cfg.bank) {
		/* the next Start plays what was playing, or what was queued; Continue resumes it */
		eng->first = eng->queued >= 0 ? eng->queued : eng->playing;
		eng->first_start = eng->queued >= 0 ? 0 : eng->playing_start;
		eng->cur = eng->playing = eng->first;
		eng->queued = -1;
		eng->direct = eng->jump = false;
	}
	/* By track; a track's notes can sound on the ports and channels of several patterns. */
	for (int t = 0; t < TS_TRACKS; t++) {
		for (int p = 0; p < TS_MAX_PORTS; p++) {
			for (int ch = 0; ch < 16; ch++) {
				if (!eng->used[p][ch])
					continue;
				for (int n = 0; n < 128; n++) {
					note_slot *s = &eng->notes[p][ch][n];
					if (s->state != NOTE_OFF && s->owner == t + 1) {
						note_off(eng, frame, p, ch, t + 1, n);
						s->state = NOTE_OFF;
					}
				}
			}
		}
	}
	q_clear(eng);
	eng->running = false;
	eng->start_pending = false;
}

/* Steps are evaluated up to one longest step ahead of the output, so a change reaches the trigs
 * of steps not yet evaluated: at most that much later than the call. */
void ts_engine_set_fill(ts_engine *eng, bool fill)
{
	if (eng)
		eng->fill = fill;
}

void ts_engine_set_click(ts_engine *eng, bool click)
{
	if (eng)
		eng->click = click;
}

/*
 * The song goes on from ts_engine_position(), the first position not emitted yet, which sounds
 * at now, the first frame of the next period: everything before it has sounded at the old tempo
 * and stays as it was, everything from it is timed anew. Anchoring that position at exactly now
 * moves it by at most half a frame (less than one U where a U is longer than a frame). Entries
 * already queued are at or after it, so none moves before now, and none is emitted twice.
 */
ts_status ts_engine_set_tempo(ts_engine *eng, uint16_t tempo10)
{
	if (!eng || tempo10 < TS_TEMPO10_MIN || tempo10 > TS_TEMPO10_MAX)
		return TS_ERR_RANGE;
	uint64_t K = (uint64_t)tempo10 * 192;
	if (K == eng->K)
		return TS_OK; /* a new anchor would move frames by rounding */
	if (eng->start_pending) {
		/* Nothing is queued nor evaluated yet: play starts from start_pos at the new tempo,
		 * as if it had been set before the start. */
		eng->K = K;
		eng->now = pos_frame(eng, eng->start_pos);
		return TS_OK;
	}
	/* Stopped, this keeps ts_engine_position(): where a Continue would take up the song. */
	eng->anchor_pos = pos_ceil(eng, eng->now);
	eng->anchor_frame = eng->now;
	eng->K = K;
	q_retime(eng);
	return TS_OK;
}

bool ts_engine_running(const ts_engine *eng)
{
	return eng && eng->running;
}

int64_t ts_engine_position(const ts_engine *eng)
{
	return eng ? pos_ceil(eng, eng->now) : 0;
}

static void step_at(const ts_engine *eng, int t, int64_t pos, uint8_t *step, uint32_t *pass,
		    uint16_t *phase)
{
	const pat_slot *ps = chain_slot(eng, eng->playing);
	int64_t S = ps->tc[t].S, master = ps->master;
	int64_t len = ps->pat.tracks[t].length, k = 0, per_reset = 0;
	pos -= eng->playing_start;
	if (pos < 0)
		pos = 0;
	if (master > 0) {
		k = pos / master;
		pos -= k * master;
		int64_t steps = (master + S - 1) / S; /* step starts per master period */
		per_reset = (steps + len - 1) / len;
	}
	int64_t j = pos / S;
	*step = (uint8_t)(j % len + 1);
	*phase = (uint16_t)((pos - j * S) * TS_PHASE_STEP / S);
	*pass = (uint32_t)(k * per_reset + j / len + 1);
}

void ts_engine_get_status(const ts_engine *eng, ts_engine_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!eng)
		return;
	st->frames = eng->now;
	st->lost_events = eng->lost;
	st->queue_peak = eng->peak;
	st->pattern = eng->playing;
	st->queued = eng->running ? eng->queued : -1;
	st->changes = eng->changes;
	st->updates = eng->updates;
	st->tempo10 = (uint16_t)(eng->K / 192);
	if (!eng->running && eng->now == 0)
		return;
	/* the step sounding at the last frame run (frame 0 right after start): the exact position at
	 * that frame, or, right after a tempo change, the last one that sounded before it */
	uint64_t f = eng->now > 0 ? eng->now - 1 : 0, rate = eng->cfg.rate;
	int64_t pos = eng->anchor_pos > 0 ? eng->anchor_pos - 1 : 0;
	if (f >= eng->anchor_frame) {
		f -= eng->anchor_frame;
		pos = eng->anchor_pos + (int64_t)(f / rate * eng->K + f % rate * eng->K / rate);
	}
	for (int t = 0; t < TS_TRACKS; t++)
		step_at(eng, t, pos, &st->step[t], &st->pass[t], &st->phase[t]);
}

/* ---- setup (not real-time) ---- */

static bool trig_ok(const ts_trig *tr)
{
	if (tr->kind > TS_TRIG_MUTED || tr->nnotes > TS_MAX_NOTES || tr->nlocks > TS_MAX_LOCKS)
		return false;
	for (int i = 0; i < tr->nnotes; i++)
		if (tr->notes[i] > 127)
			return false;
	for (int i = 0; i < tr->nlocks; i++)
		if (tr->locks[i].cc > 127 || tr->locks[i].value > 127)
			return false;
	if ((tr->vel != TS_UNSET && (tr->vel < 1 || tr->vel > 127)) ||
	    (tr->gate != TS_UNSET && tr->gate > TS_LEN_INF) ||
	    (tr->retrig_rate != TS_UNSET && tr->retrig_rate >= TS_RATE_COUNT) ||
	    (tr->retrig_len != TS_UNSET && tr->retrig_len > TS_LEN_INF) ||
	    (tr->retrig_vel != TS_UNSET_I16 && (tr->retrig_vel < -128 || tr->retrig_vel > 127)) ||
	    tr->micro < -23 || tr->micro > 23 || tr->swing > TS_SWING_OFF)
		return false;
	int a, b;
	return tr->cond == TS_COND_NONE || ts_cond_percent(tr->cond) >= 0 ||
	       ts_cond_ab(tr->cond, &a, &b) || (tr->cond >= TS_COND_FILL && tr->cond <= TS_COND_NOT_1ST);
}

static bool track_ok(const ts_track *tk)
{
	if (tk->channel > 16 || tk->nnotes < 1 || tk->nnotes > TS_MAX_NOTES || tk->velocity < 1 ||
	    tk->velocity > 127 || tk->gate > TS_LEN_INF || tk->length < 1 ||
	    tk->length > TS_MAX_STEPS || tk->speed >= TS_SPEED_COUNT || tk->prob > 100 ||
	    tk->program > 127 || tk->retrig_rate >= TS_RATE_COUNT || tk->retrig_len > TS_LEN_INF ||
	    tk->retrig_vel < -128 || tk->retrig_vel > 127 || tk->dest > TS_DEST_INT_EXT)
		return false;
	for (int i = 0; i < tk->nnotes; i++)
		if (tk->notes[i] > 127)
			return false;
	for (int c = 0; c < 128; c++)
		if (tk->base_cc[c] > 127 || tk->base_cc[c] < TS_CC_NONE)
			return false;
	for (int k = 0; k < tk->length; k++)
		if (!trig_ok(&tk->steps[k]))
			return false;
	return true;
}

ts_status ts_engine_load(ts_engine *eng, const ts_pattern *pat)
{
	return ts_engine_load_chain(eng, pat, 1);
}

static ts_status pattern_ok(const ts_pattern *pat)
{
	if (pat->tempo10 < TS_TEMPO10_MIN || pat->tempo10 > TS_TEMPO10_MAX || pat->swing < 50 ||
	    pat->swing > 80 || pat->speed >= TS_SPEED_COUNT || pat->mode > TS_MODE_ADVANCED ||
	    pat->length > 1024 || (pat->mode == TS_MODE_NORMAL && pat->length < 1) ||
	    pat->accent > 127 || pat->change == 1 || pat->change > 1024)
		return TS_ERR_RANGE;
	for (int t = 0; t < TS_TRACKS; t++)
		if (!track_ok(&pat->tracks[t]))
			return TS_ERR_RANGE;
	return TS_OK;
}

static void prepare(ts_engine *eng, int slot);
static int64_t chain_max_step(const ts_engine *eng);

ts_status ts_engine_load_chain(ts_engine *eng, const ts_pattern *pats, int n)
{
	if (!eng || !pats || n < 1 || n > eng->cap)
		return TS_ERR_RANGE;
	if (eng->running)
		return TS_ERR_USAGE; /* the patterns are read while playing: stop first */
	for (int p = 0; p < n; p++)
		if (pattern_ok(&pats[p]) != TS_OK)
			return TS_ERR_RANGE;
	const char *ports[TS_MAX_PORTS];
	int nports = ts_patterns_ports(pats, n, ports);
	if (nports < 0)
		return TS_ERR_RANGE;

	eng->nports = nports;
	for (int k = 0; k < nports; k++) {
		size_t len = strnlen(ports[k], TS_PORT_NAME_MAX);
		memcpy(eng->port_names[k], ports[k], len);
		eng->port_names[k][len] = '\0';
	}
	for (int s = 0; s < eng->nslots; s++) {
		eng->ps[s].mapped = s < n;
		eng->ps[s].refs = 0;
	}
	for (int p = 0; p < n; p++) {
		eng->ps[p].pat = pats[p];
		eng->ps[p].index = (uint8_t)p;
		eng->phys[p] = (uint8_t)p;
	}
	eng->npat = n;
	eng->first = eng->cur = eng->playing = 0;
	eng->first_start = 0;
	eng->queued = -1;
	eng->direct = eng->jump = false;
	eng->pc_pending = -1;
	eng->updates = 0;
	eng->K = (uint64_t)(eng->cfg.tempo10 ? eng->cfg.tempo10 : pats[0].tempo10) * 192;
	memset(eng->used, 0, sizeof(eng->used));
	for (int p = 0; p < n; p++)
		prepare(eng, p);
	eng->max_step = chain_max_step(eng);
	return TS_OK;
}

/* ---- replacing a pattern while playing ---- */

static bool ports_known(const ts_engine *eng, const ts_pattern *pat)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		int k = 0;
		while (k < eng->nports && strcmp(eng->port_names[k], pat->tracks[t].port) != 0)
			k++;
		if (k == eng->nports)
			return false;
	}
	return true;
}

/* The lowest free slot (so the choice is the same whatever the period sizes), or -1. */
static int free_slot(const ts_engine *eng)
{
	for (int s = 0; s < eng->nslots; s++)
		if (!eng->ps[s].mapped && eng->ps[s].refs == 0)
			return s;
	return -1;
}

/*
 * Pattern cur was replaced by `to` while its steps were being evaluated: its tracks go on from
 * where evaluation is. A track whose step grid is the same (step length, master length, mode) keeps
 * its state, so its next step is the one it would have played anyway (with the new trigs); any
 * other track is placed on the new grid at its own frontier, the start of its first step not
 * evaluated yet, so no step is evaluated twice. Either way the track's steps from then on are the
 * closed form from cur_start (place_track), which is what the status reports.
 */
static void follow_update(ts_engine *eng, const pat_slot *from, const pat_slot *to)
{
	bool same_master = from->master == to->master && from->pat.mode == to->pat.mode;
	for (int t = 0; t < TS_TRACKS; t++)
		if (!same_master || from->tc[t].S != to->tc[t].S)
			place_track(eng, t, eng->trk[t].next_start);
	update_eval_min(eng);
	/* The next change point on the new spacing from the pattern's start that no evaluated step
	 * reaches (a direct selection on its way keeps its own). */
	if (from->change != to->change && !eng->direct)
		eng->change_at = next_change_point(eng, to->change);
}

/* An endless retrig runs until its track's next note trig; one whose trig the update removed
 * (or changed into something else, or whose track it muted) may have none coming: it stops now,
 * at the first position of the next period, instead of running on for good. */
static void stop_orphan_retrigs(ts_engine *eng, const ts_pattern *pat)
{
	int64_t now = pos_ceil(eng, eng->now);
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		trk_rt *r = &eng->trk[t];
		for (int i = 0; i < INF_SLOTS; i++) {
			struct inf_slot *inf = &r->inf[i];
			if (inf->stop != POS_MAX)
				continue;
			const ts_trig *tr = &tk->steps[inf->step];
			bool kept = !tk->mute && inf->step < tk->length &&
				    (tr->kind == TS_TRIG_NOTE || tr->kind == TS_TRIG_ACCENT) &&
				    tr->retrig && ts_trig_retrig_len(tk, tr) == TS_LEN_INF;
			if (!kept)
				inf->stop = now > inf->start ? now : inf->start + 1;
		}
	}
}

/* A valid pattern whose ports the chain has, copied into a free slot, now mapped: the slot, or
 * -1 with why in *st. */
static int new_version(ts_engine *eng, const ts_pattern *pat, ts_status *st)
{
	*st = pattern_ok(pat) != TS_OK || !ports_known(eng, pat) ? TS_ERR_RANGE : TS_OK;
	int to = *st == TS_OK ? free_slot(eng) : -1;
	if (*st == TS_OK && to < 0)
		*st = TS_ERR_BUSY;
	if (to < 0)
		return -1;
	memcpy(&eng->ps[to].pat, pat, sizeof(*pat));
	prepare(eng, to);
	eng->ps[to].mapped = true;
	return to;
}

ts_status ts_engine_update(ts_engine *eng, int index, const ts_pattern *pat)
{
	if (!eng || !pat || index < 0 || index >= eng->npat)
		return TS_ERR_RANGE;
	ts_status st;
	int from = eng->phys[index], to = new_version(eng, pat, &st);
	if (to < 0)
		return st;
	eng->ps[from].mapped = false;
	eng->ps[to].index = (uint8_t)index;
	eng->phys[index] = (uint8_t)to;
	/* The look-ahead covers the steps still to be evaluated, which are all the chain's: entries
	 * of an old version are queued already and need none, so it may shrink as well as grow. */
	eng->max_step = chain_max_step(eng);
	if (eng->running && index == eng->cur) {
		follow_update(eng, &eng->ps[from], &eng->ps[to]);
		stop_orphan_retrigs(eng, &eng->ps[to].pat);
	}
	eng->updates++;
	return TS_OK;
}

ts_status ts_engine_append(ts_engine *eng, const ts_pattern *pat)
{
	if (!eng || !pat)
		return TS_ERR_RANGE;
	if (eng->npat == eng->cap)
		return TS_ERR_FULL;
	ts_status st;
	int to = new_version(eng, pat, &st);
	if (to < 0)
		return st;
	eng->ps[to].index = (uint8_t)eng->npat;
	eng->phys[eng->npat++] = (uint8_t)to;
	eng->max_step = chain_max_step(eng);
	return TS_OK;
}

/* ---- constants of a slot (ts_engine_load_chain, ts_engine_update) ---- */

static int64_t chain_max_step(const ts_engine *eng)
{
	int64_t max = 0;
	for (int p = 0; p < eng->npat; p++)
		for (int t = 0; t < TS_TRACKS; t++)
			if (chain_slot(eng, p)->tc[t].S > max)
				max = chain_slot(eng, p)->tc[t].S;
	return max;
}

/* Constants of the pattern in `slot`; its ports are among the chain's. */
static void prepare(ts_engine *eng, int slot)
{
	pat_slot *ps = &eng->ps[slot];
	const ts_pattern *pat = &ps->pat;
	int num, den;
	ts_speed_ratio(pat->speed, &num, &den);
	int64_t master_step = (int64_t)TS_UNITS_PER_STEP * den / num;
	ps->master = pat->mode == TS_MODE_ADVANCED && pat->length > 0 ? pat->length * master_step : 0;
	ps->change = (pat->change > 0 ? pat->change : pat->length) * master_step;
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		trk_const *c = &ps->tc[t];
		ts_speed_ratio(tk->speed, &num, &den);
		c->S = (int64_t)TS_UNITS_PER_STEP * den / num;
		c->midi = tk->channel != TS_CHANNEL_OFF && tk->send_midi && tk->dest != TS_DEST_INT;
		c->voice = tk->dest != TS_DEST_EXT && tk->sample[0] != '\0';
		c->port = 0;
		for (int k = 0; k < eng->nports; k++)
			if (strcmp(eng->port_names[k], tk->port) == 0)
				c->port = (uint8_t)k;
		c->chan = (uint8_t)(tk->channel > 0 ? tk->channel - 1 : 0);
		c->has_base_cc = false;
		for (int cc = 0; cc < 128; cc++)
			c->has_base_cc |= tk->base_cc[cc] != TS_CC_NONE;
		c->note_trigs = 0;
		for (int k = 0; k < tk->length; k++)
			if (tk->steps[k].kind == TS_TRIG_NOTE || tk->steps[k].kind == TS_TRIG_ACCENT)
				c->note_trigs++;
		/* stop and continue look for sounding notes on these; never cleared while playing, as
		 * notes of an older version may still sound there */
		if (c->midi)
			eng->used[c->port][c->chan] = true;
	}
}

/* The only allocation and release of the engine: all its memory is this one block. */
ts_engine *ts_engine_new(const ts_engine_config *cfg)
{
	if (!cfg || cfg->rate < 1000 || cfg->rate > TS_ENGINE_RATE_MAX ||
	    (cfg->tempo10 != 0 && (cfg->tempo10 < TS_TEMPO10_MIN || cfg->tempo10 > TS_TEMPO10_MAX)) ||
	    cfg->chain_max < 0 || cfg->chain_max > TS_CHAIN_MAX || cfg->program_send > 16)
		return NULL;
	int cap = cfg->chain_max > 0 ? cfg->chain_max : 1;
	int nslots = cap + TS_EDIT_SLOTS;
	ts_engine *eng = ts_rtmem_alloc(sizeof(*eng) + (size_t)nslots * sizeof(pat_slot));
	if (!eng)
		return NULL;
	eng->cfg = *cfg;
	eng->cap = cap;
	eng->nslots = nslots;
	ts_pattern blank;
	ts_pattern_init(&blank);
	ts_engine_load_chain(eng, &blank, 1);
	return eng;
}

void ts_engine_free(ts_engine *eng)
{
	ts_rtmem_free(eng);
}
