/* serve.h - `zhsearch serve`: a local web search (JSON API and web UI)
 * over an index.  See serve.c for the rules it keeps. */
#ifndef ZHS_SERVE_H
#define ZHS_SERVE_H

/* argv[0] is "serve"; returns the exit status (0 after SIGINT/SIGTERM,
 * 2 on an error such as a missing index or a port in use). */
int serve_main(int argc, char **argv);

#endif
