/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq import-rytm` and `trigseq export-rytm`: the file side of rytm.h (reading the input,
 * printing warnings, writing the output atomically). Threads: the program's main thread.
 */
#ifndef TRIGSEQ_RYTM_CLI_H
#define TRIGSEQ_RYTM_CLI_H

/* argv holds the arguments after the command name. Return the exit status: 0 (written, perhaps
 * with warnings), 1 (a bad dump or pattern, or the file not written), 2 (bad usage). */
int ts_rytm_import_main(int argc, char **argv);
int ts_rytm_export_main(int argc, char **argv);

#endif
