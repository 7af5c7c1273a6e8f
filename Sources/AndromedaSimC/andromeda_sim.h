/* andromeda_sim.h: the C ABI of andromeda-sim (libandromeda_sim_c.so / .dylib).
 *
 * Built with:  swift build -c release --product andromeda_sim_c
 * (this header documents the exported symbols; the library itself is Swift, see CABI.swift).
 * docs/api.md lists every request ("op") and reply, beside the Python API that wraps them.
 *
 * Every call takes a JSON request and returns a JSON reply:
 *   {"ok": <result>}   or   {"error": {"kind": "input" | "output_refused" | "cannot_write" |
 *                                       "simulation" | "cancelled",
 *                                       "message": "...", "path": "$.systems" | null,
 *                                       "field": "systems" | null, "allowed": "1 to 16" | null,
 *                                       "file": "<request>" | null}}
 *
 * Ownership: the reply is malloc'd and belongs to the caller, who frees it with andromeda_free.
 * The request is only read during the call. No state outlives a call but in a session the caller
 * creates (andromeda_session_new) and frees: calls may run on several threads at once. Bad input
 * is an error reply, never a crash.
 */
#ifndef ANDROMEDA_SIM_H
#define ANDROMEDA_SIM_H

#ifdef __cplusplus
extern "C" {
#endif

/* Progress of a call: `fraction` of the work done (0..1, never decreasing). Return nonzero to
 * ask the call to stop; it then ends at its next check (a slice of simulated events, a sweep
 * point, a search step) with the error kind "cancelled", writing nothing. Called from the calling
 * thread or from the call's worker threads, never twice at once. May be NULL. */
typedef int (*andromeda_progress_fn)(double fraction, void *context);

/* Runs one request, such as {"op": "run", "scenario": "genslm"}; never returns NULL unless the
 * reply cannot be allocated. Free the reply with andromeda_free. */
char *andromeda_call(const char *request_json, andromeda_progress_fn progress, void *context);

/* A session: a cache of deterministic work (defect maps, the mapping model's tiling searches,
 * run-time jitter draws) that calls made through it reuse, owned by the caller. Replies through a
 * session are the same bytes as through andromeda_call; the cache is bounded and has a lock inside,
 * so calls on several threads may share one session. */
typedef struct andromeda_session andromeda_session;

/* A new session (never NULL). Release it with andromeda_session_free. */
andromeda_session *andromeda_session_new(void);

/* andromeda_call through `session` (NULL: no session). */
char *andromeda_session_call(andromeda_session *session, const char *request_json, andromeda_progress_fn progress, void *context);

/* Releases a session (NULL is ignored); no call may be using it. */
void andromeda_session_free(andromeda_session *session);

/* Releases a reply of andromeda_call (NULL is ignored). */
void andromeda_free(char *reply);

/* The ABI version (1). */
int andromeda_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif
