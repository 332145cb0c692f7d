// SPDX-License-Identifier: GPL-2.0-or-later
// Ableton Link behind the C interface of link.h: the only C++ of trigseq. The real-time thread
// only captures the audio session; requests commit the app session from the main thread; Link's
// callbacks run on its own thread and only store into atomics here.
#include "trigseq/rt/link.h"

#include <ableton/Link.hpp>

#include <atomic>
#include <chrono>
#include <new>

struct ts_link {
	explicit ts_link(double bpm) : link(bpm) {}
	ableton::Link link;
	std::atomic<uint64_t> peer_changes{0};
	std::atomic<size_t> peers{0};
	std::atomic<uint64_t> tempo_changes{0};
	std::atomic<double> tempo{0};
	std::atomic<uint64_t> start_stop_changes{0};
	std::atomic<bool> playing{false};
};

using std::chrono::microseconds;

extern "C" {

ts_link *ts_link_new(double bpm)
{
	ts_link *l = nullptr;
	try {
		l = new ts_link(bpm);
	} catch (...) {
		return nullptr;
	}
	l->tempo.store(bpm);
	l->link.setNumPeersCallback([l](std::size_t n) {
		l->peers.store(n);
		l->peer_changes.fetch_add(1);
	});
	l->link.setTempoCallback([l](double bpm_now) {
		l->tempo.store(bpm_now);
		l->tempo_changes.fetch_add(1);
	});
	l->link.setStartStopCallback([l](bool p) {
		l->playing.store(p);
		l->start_stop_changes.fetch_add(1);
	});
	return l;
}

void ts_link_free(ts_link *l)
{
	if (!l)
		return;
	l->link.enable(false);
	delete l;
}

void ts_link_enable(ts_link *l, bool on)
{
	l->link.enable(on);
}

void ts_link_start_stop_sync(ts_link *l, bool on)
{
	l->link.enableStartStopSync(on);
}

size_t ts_link_peers(const ts_link *l)
{
	return l->link.numPeers();
}

int64_t ts_link_clock_us(const ts_link *l)
{
	return l->link.clock().micros().count();
}

void ts_link_get_news(const ts_link *l, ts_link_news *n)
{
	n->peer_changes = l->peer_changes.load();
	n->peers = l->peers.load();
	n->tempo_changes = l->tempo_changes.load();
	n->tempo = l->tempo.load();
	n->start_stop_changes = l->start_stop_changes.load();
	n->playing = l->playing.load();
}

void ts_link_capture(ts_link *l, int64_t at_us, double quantum, ts_link_state *out)
{
	auto s = l->link.captureAudioSessionState();
	out->tempo = s.tempo();
	out->at_us = at_us;
	out->beat = s.beatAtTime(microseconds(at_us), quantum);
	out->playing = s.isPlaying();
	out->playing_us = s.timeForIsPlaying().count();
}

bool ts_link_is_playing(ts_link *l)
{
	return l->link.captureAppSessionState().isPlaying();
}

void ts_link_request_tempo(ts_link *l, double bpm, int64_t at_us)
{
	auto s = l->link.captureAppSessionState();
	s.setTempo(bpm, microseconds(at_us));
	l->link.commitAppSessionState(s);
}

void ts_link_request_playing(ts_link *l, bool playing, int64_t at_us, double beat, double quantum)
{
	auto s = l->link.captureAppSessionState();
	if (playing)
		s.setIsPlayingAndRequestBeatAtTime(true, microseconds(at_us), beat, quantum);
	else
		s.setIsPlaying(false, microseconds(at_us));
	l->link.commitAppSessionState(s);
}

} // extern "C"
