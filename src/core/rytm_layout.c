/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The two raw pattern layouts (spec/rytm-semantics.md §7.3, §7.4): where each field lies. */
#include "rytm_internal.h"

const layout ts_rytm_v5 = {
	.layout = 5, .version = 5, .raw_size = TS_RYTM_V5_RAW_SIZE, .track0 = 4,
	.track_size = 0x281, .flag_bits = 14,
	.notes = 0x070, .vels = 0x0B0, .lens = 0x0F0, .micros = 0x130, .rlens = 0x170,
	.rrates = 0x1B0, .rvels = 0x1F0, .def_note = 0x230, .def_vel = 0x231, .def_len = 0x232,
	.def_sw = 0x233, .trk_len = 0x235, .quant = 0x236, .sound_locks = 0x237, .speed = 0x277,
	.prob = 0x278, .euclid = 0x279, .pad_scale = 0x27F, .root = 0x280,
	.lanes = 0x2091, .mlen = 0x3321, .mchg = 0x3323, .kit = 0x3325, .swing = 0x3326,
	.time_mode = 0x3327, .mspeed = 0x3328, .gquant = 0x3329, .bpm = 0x332A,
};

/* Choice: the byte before v4's master length (0x3389, "unknown, likely the MSB") is read as the
 * high byte of a 16-bit length, as in v5. */
const layout ts_rytm_v4 = {
	.layout = 4, .version = 3, .raw_size = TS_RYTM_V4_RAW_SIZE, .track0 = 4,
	.track_size = 0x289, .flag_bits = 16,
	.notes = 0x080, .vels = 0x0C0, .lens = 0x100, .micros = 0x140, .rlens = 0x180,
	.rrates = 0x1C0, .rvels = 0x200, .def_note = 0x240, .def_vel = 0x241, .def_len = 0x242,
	.def_sw = 0x243, .trk_len = 0x246, .quant = 0x247, .sound_locks = 0x248, .speed = 0x288,
	.lanes = 0x20F9, .mlen = 0x3389, .mchg = 0x338B, .kit = 0x338D, .swing = 0x338E,
	.time_mode = 0x338F, .mspeed = 0x3390, .gquant = 0x3391, .bpm = 0x3392,
};
