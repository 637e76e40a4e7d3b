/* euprio-rank's run: every record either to the candidates (sorted) or to
 * the rejects with its reason, and a check that none went missing.
 * Rejects stream out as they are found; only candidates are held, for the
 * sort. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "euprio/core/diag.h"
#include "euprio/core/dupes.h"
#include "euprio/core/hash.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/stream.h"
#include "euprio/stages/rank.h"
#include "rank_int.h"

/* The owned columns, in the order --all-columns appends them: the score,
 * the sub-scores in eu_sub_names' order (the call track's time and budget
 * after the five principles), ..., rank last. */
enum {
	O_SCORE, O_SUB, O_RATIO = O_SUB + EU_NSUB, O_DAYS, O_DECISION, O_FLAGS, O_REASONS, O_SUGGESTED,
	O_RANK, NOWNED
};
static const char *const owned[NOWNED] = {
	"score", "score_value", "score_knowledge", "score_cooperation", "score_partnerships",
	"score_reputation", "score_time", "score_budget", "value_ratio", "days_left", "decision", "flags",
	"reasons", "suggested_partners", "rank",
};
static const unsigned char owned_numeric[NOWNED] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1};

/* The staff's decision on a record, with --decisions only (so a run
 * without a decisions table writes what it always wrote); people read
 * them after rank's decision, machines after rank's columns. */
static const char *const staff_cols[] = {
	"staff_decision", "staff_note", "staff_by", "staff_until", "since_declined",
};
#define NSTAFFC (sizeof staff_cols / sizeof *staff_cols)

/* The columns people read, in the order they read them. */
static const char *const people[] = {
	"rank", "decision", "score", "title", "programme", "call_id", "deadline", "days_left",
	"goals", "local_tier", "local_partners", "suggested_partners", "twin_cities", "reasons", "flags",
	"score_value", "score_knowledge", "score_cooperation", "score_partnerships", "score_reputation",
	"score_time", "score_budget", "total_eur", "eu_grant_eur", "own_cost_eur", "value_ratio",
	"partners", "sdeo_id", "id", "origin",
};
#define NPEOPLE (sizeof people / sizeof *people)

struct cand {
	char *blob;              /* the record's fields, then owned values */
	uint32_t *off;           /* ncols + NOWNED (+ NSTAFFC) + 1 offsets into blob */
	enum eu_decision decision;
	int pursue;              /* staff pursue it: first in its decision group */
	double score;
	int has_deadline;
	long deadline;
	const char *id;          /* into blob */
};

struct run {
	eu_rank *R;
	eu_stream s;
	long today;
	size_t ncols;
	long col_id, col_origin, col_reject, col_partners;
	unsigned char *unwritten;  /* stream columns the rejects leave out: reject_reason
				    * (it leads), a staff column rank writes itself */
	struct cand *c;
	size_t nc, capc;
	eu_dupes *ids;           /* the candidates' ids, for the duplicate gate */
	eu_writer *rej;
	int staffed;             /* a decisions table is in use */
	unsigned long nin, nrej, nbad;
	struct { const char *code; unsigned long n; } by[12];  /* rejects by code */
	size_t nby;
};

/* The partners as people read them, "Name (City, CC)" one per line, in
 * the candidates and the rejects alike; a field that cannot be decoded is
 * written as it is. */
static void write_partners_display(eu_writer *w, const char *s, size_t len)
{
	eu_buf b = EU_BUF_INIT;

	if (eu_partners_display(&b, s, len) < 0)
		eu_write_field(w, s, len, 0);
	else
		eu_write_field(w, b.p ? b.p : "", b.len, 0);
	eu_buf_free(&b);
}

/* The staff columns' values for a record (o NULL: none). */
static void staff_values(const eu_rank_out *o, const char *v[NSTAFFC], size_t len[NSTAFFC])
{
	int d = o ? o->staff : -1;

	v[0] = d >= 0 ? eu_staff_names[d] : "";
	v[1] = d >= 0 ? o->staff_note : "";
	v[2] = d >= 0 ? o->staff_by : "";
	v[3] = d >= 0 ? o->staff_until : "";
	v[4] = d >= 0 && o->since.p ? o->since.p : "";
	for (size_t k = 0; k < NSTAFFC; k++)
		len[k] = strlen(v[k]);
}

static void write_reject(struct run *r, const eu_rec *rec, const char *code, const eu_buf *reason,
			 const char *origin, const eu_rank_out *o)
{
	eu_write_str(r->rej, code);
	eu_write_field(r->rej, reason->p, reason->len, 0);
	for (size_t i = 0; i < r->ncols; i++) {
		if (r->unwritten[i])
			continue;
		if ((long)i == r->col_origin)
			eu_write_str(r->rej, origin);
		else if (rec->bad)
			eu_write_str(r->rej, "");     /* a ragged row's values are not trusted */
		else if ((long)i == r->col_partners)
			write_partners_display(r->rej, rec->v[i], rec->len[i]);
		else
			eu_write_field(r->rej, rec->v[i], rec->len[i], 0);
	}
	if (r->staffed) {
		const char *v[NSTAFFC];
		size_t len[NSTAFFC];
		staff_values(rec->bad ? NULL : o, v, len);
		for (size_t k = 0; k < NSTAFFC; k++)
			eu_write_field(r->rej, v[k], len[k], 0);
	}
	eu_write_end(r->rej);
	r->nrej++;
	size_t k;
	for (k = 0; k < r->nby && strcmp(r->by[k].code, code); k++)
		;
	if (k == r->nby && k < sizeof r->by / sizeof *r->by)
		r->by[r->nby++].code = code;     /* codes are string literals */
	if (k < r->nby)
		r->by[k].n++;
}

static void keep(struct run *r, const eu_rec *rec, const eu_rank_out *o)
{
	eu_buf blob = EU_BUF_INIT;
	/* The staff's columns only with a decisions table: without one a
	 * candidate costs what it always did. */
	size_t n = r->ncols + NOWNED + (r->staffed ? NSTAFFC : 0);
	uint32_t *off = eu_xmalloc((n + 1) * sizeof *off);
	const char *sv[NSTAFFC];
	size_t sl[NSTAFFC];
	char tmp[64];

	for (size_t i = 0; i < r->ncols; i++) {
		off[i] = (uint32_t)blob.len;
		eu_buf_add(&blob, rec->v[i], rec->len[i]);
		eu_buf_addc(&blob, '\0');
	}
	for (size_t k = 0; k < NOWNED; k++) {
		off[r->ncols + k] = (uint32_t)blob.len;
		switch (k) {
		case O_SCORE:
			eu_fmt_amount(&blob, o->score);
			break;
		case O_RATIO:
			if (o->has_ratio)
				eu_fmt_amount(&blob, o->value_ratio);
			break;
		case O_DAYS:
			if (o->has_deadline) {
				snprintf(tmp, sizeof tmp, "%ld", o->days_left);
				eu_buf_adds(&blob, tmp);
			}
			break;
		case O_DECISION:
			eu_buf_adds(&blob, eu_decision_names[o->decision]);
			break;
		case O_FLAGS:
			eu_buf_add(&blob, o->flags.p, o->flags.len);
			break;
		case O_REASONS:
			eu_buf_add(&blob, o->reasons.p, o->reasons.len);
			break;
		case O_SUGGESTED:
			eu_buf_add(&blob, o->suggested.p, o->suggested.len);
			break;
		case O_RANK:
			break;     /* known only after the sort */
		default:
			/* A sub-score, where the record's track has it: a project
			 * has no time or budget sub-score. */
			if (o->subs & (1u << (k - O_SUB)))
				eu_fmt_amount(&blob, o->sub[k - O_SUB]);
			break;
		}
		eu_buf_addc(&blob, '\0');
	}
	if (r->staffed)
		staff_values(o, sv, sl);
	for (size_t k = 0; r->staffed && k < NSTAFFC; k++) {
		off[r->ncols + NOWNED + k] = (uint32_t)blob.len;
		eu_buf_add(&blob, sv[k], sl[k]);
		eu_buf_addc(&blob, '\0');
	}
	off[n] = (uint32_t)blob.len;
	if (r->nc == r->capc) {
		r->capc = r->capc ? r->capc * 2 : 256;
		r->c = eu_xrealloc(r->c, r->capc * sizeof *r->c);
	}
	struct cand *c = &r->c[r->nc++];
	c->blob = eu_xrealloc(blob.p, blob.len + 1);   /* trim the slack */
	c->off = off;
	c->decision = o->decision;
	c->pursue = o->staff == EU_STAFF_PURSUE && o->staff_holds;
	c->score = o->score;
	c->has_deadline = o->has_deadline;
	c->deadline = o->deadline;
	c->id = r->col_id >= 0 ? c->blob + off[r->col_id] : "";
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->decision != y->decision)
		return x->decision < y->decision ? -1 : 1;
	if (x->pursue != y->pursue)
		return x->pursue ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->has_deadline != y->has_deadline)
		return x->has_deadline ? -1 : 1;     /* no deadline sorts last */
	if (x->has_deadline && x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->blob < y->blob ? -1 : x->blob > y->blob;   /* never equal: stable */
}

static const char *cval(const struct run *r, const struct cand *c, long col)
{
	return col >= 0 ? c->blob + c->off[col] : "";
}

static size_t cval_len(const struct run *r, const struct cand *c, long col)
{
	return col >= 0 ? c->off[col + 1] - c->off[col] - 1 : 0;
}

static long owned_index(const char *name)
{
	for (size_t k = 0; k < NOWNED; k++)
		if (strcmp(owned[k], name) == 0)
			return (long)k;
	return -1;
}

static long staff_index(const char *name)
{
	for (size_t k = 0; k < NSTAFFC; k++)
		if (strcmp(staff_cols[k], name) == 0)
			return (long)k;
	return -1;
}

static int is_amount_col(const char *name)
{
	return strcmp(name, "total_eur") == 0 || strcmp(name, "eu_grant_eur") == 0 ||
	       strcmp(name, "own_cost_eur") == 0 || strcmp(name, "odense_grant_eur") == 0 ||
	       strcmp(name, "local_count") == 0 || strcmp(name, "goal_count") == 0;
}

/* One output column: where its value comes from, resolved once. */
struct outcol {
	enum { OC_RANK, OC_COL, OC_PARTNERS } kind;
	long col;                /* blob column (stream or owned) */
	int numeric;
};

static void write_candidates(struct run *r, eu_writer *w, int all)
{
	char rank[32];
	struct outcol *oc = eu_xcalloc(r->ncols + NOWNED + NSTAFFC + NPEOPLE + 1, sizeof *oc);
	long staff0 = (long)(r->ncols + NOWNED);
	size_t noc = 0;

	/* Name look-ups happen here, once, not per record. */
	if (all) {
		for (size_t i = 0; i < r->ncols; i++)
			if (owned_index(r->s.cols[i]) < 0 && !(r->staffed && staff_index(r->s.cols[i]) >= 0)) {
				eu_write_str(w, r->s.cols[i]);
				oc[noc++] = (struct outcol){OC_COL, (long)i, is_amount_col(r->s.cols[i])};
			}
		for (size_t k = 0; k < NOWNED; k++) {
			eu_write_str(w, owned[k]);
			oc[noc++] = k == O_RANK ? (struct outcol){OC_RANK, 0, 1}
						   : (struct outcol){OC_COL, (long)(r->ncols + k), owned_numeric[k]};
		}
		for (size_t k = 0; r->staffed && k < NSTAFFC; k++) {
			eu_write_str(w, staff_cols[k]);
			oc[noc++] = (struct outcol){OC_COL, staff0 + (long)k, 0};
		}
	} else {
		for (size_t k = 0; k < NPEOPLE; k++) {
			long ok = owned_index(people[k]);
			eu_write_str(w, people[k]);
			if (strcmp(people[k], "rank") == 0)
				oc[noc++] = (struct outcol){OC_RANK, 0, 1};
			else if (ok >= 0)
				oc[noc++] = (struct outcol){OC_COL, (long)r->ncols + ok, owned_numeric[ok]};
			else if (strcmp(people[k], "partners") == 0)
				oc[noc++] = (struct outcol){OC_PARTNERS, eu_stream_col(&r->s, "partners"), 0};
			else
				oc[noc++] = (struct outcol){OC_COL, eu_stream_col(&r->s, people[k]), is_amount_col(people[k])};
			for (size_t j = 0; r->staffed && j < NSTAFFC && strcmp(people[k], "decision") == 0; j++) {
				eu_write_str(w, staff_cols[j]);
				oc[noc++] = (struct outcol){OC_COL, staff0 + (long)j, 0};
			}
		}
	}
	eu_write_end(w);
	for (size_t n = 0; n < r->nc && !eu_writer_error(w); n++) {
		const struct cand *c = &r->c[n];
		for (size_t k = 0; k < noc; k++) {
			switch (oc[k].kind) {
			case OC_RANK:
				snprintf(rank, sizeof rank, "%zu", n + 1);
				eu_write_field(w, rank, strlen(rank), 1);
				break;
			case OC_PARTNERS:
				write_partners_display(w, cval(r, c, oc[k].col), cval_len(r, c, oc[k].col));
				break;
			default:
				eu_write_field(w, cval(r, c, oc[k].col), cval_len(r, c, oc[k].col), oc[k].numeric);
				break;
			}
		}
		eu_write_end(w);
	}
	free(oc);
}

static int rank_records(struct run *r)
{
	eu_rank_out o = {0};
	eu_buf origin = EU_BUF_INIT, reason = EU_BUF_INIT;
	eu_rec rec;

	while (eu_stream_next(&r->s, &rec)) {
		r->nin++;
		eu_buf_clear(&origin);
		if (r->col_origin >= 0 && rec.len[r->col_origin] && !rec.bad)
			eu_buf_add(&origin, rec.v[r->col_origin], rec.len[r->col_origin]);
		else
			eu_origin_format(&origin, rec.file, rec.line);
		if (rec.bad) {
			eu_buf_clear(&reason);
			eu_rank_label(r->R, &reason, "reject.BAD_INPUT", "reason", rec.bad, NULL);
			eu_warn_at(rec.file, rec.line, "%s", rec.bad);
			write_reject(r, &rec, "BAD_INPUT", &reason, origin.p, NULL);
			r->nbad++;
			continue;
		}
		eu_rank_eval(r->R, &rec, r->today, &o);
		if (o.decision == EU_DEC_REJECT) {
			if (strcmp(o.reject_code, "BAD_INPUT") == 0)
				r->nbad++;
			write_reject(r, &rec, o.reject_code, &o.reject_reason, origin.p, &o);
			continue;
		}
		if (r->col_id >= 0 && rec.len[r->col_id]) {
			/* The same id twice: the first is kept, and the reason says
			 * whether the second has the same content (a file read
			 * twice) or other content (two projects under one id). */
			uint64_t h = EU_FNV64_SEED;
			for (size_t i = 0; i < rec.n; i++)
				if ((long)i != r->col_origin)
					h = eu_fingerprint(rec.v[i], rec.len[i] + 1, h);
			eu_dupe d;
			if (eu_dupes_note(r->ids, rec.v[r->col_id], rec.len[r->col_id], h, origin.p, 0, &d)) {
				eu_buf_clear(&reason);
				eu_rank_label(r->R, &reason, d.same ? "reject.DUPLICATE_SAME" : "reject.DUPLICATE",
					      "first", d.first, NULL);
				rank_staff_reason(r->R, &o, &reason);
				write_reject(r, &rec, "DUPLICATE", &reason, origin.p, &o);
				continue;
			}
		}
		keep(r, &rec, &o);
	}
	eu_rank_out_free(&o);
	eu_buf_free(&origin);
	eu_buf_free(&reason);
	if (r->nc)      /* qsort must not get NULL, even for no elements */
		qsort(r->c, r->nc, sizeof *r->c, cmp_cand);
	return 0;
}

int eu_rank_run(eu_rank *R, const eu_rank_run_opts *o, char *const *paths, size_t npaths,
		eu_writer *rej, eu_writer *w)
{
	struct run r = {.R = R, .today = o->today, .rej = rej, .ids = eu_dupes_new(EU_DUPES_NOW),
			.staffed = R->staff != NULL};
	int all = o->all_columns;

	eu_stream_open(&r.s, paths, npaths, NULL);
	eu_stream_add_col(&r.s, EU_COL_REJECT);
	eu_stream_add_col(&r.s, EU_COL_ORIGIN);
	r.ncols = r.s.ncols;
	r.col_id = eu_stream_col(&r.s, "id");
	r.col_origin = eu_stream_col(&r.s, EU_COL_ORIGIN);
	r.col_reject = eu_stream_col(&r.s, EU_COL_REJECT);
	r.unwritten = eu_xcalloc(r.ncols + 1, 1);
	for (size_t i = 0; i < r.ncols; i++)
		r.unwritten[i] = (long)i == r.col_reject || (r.staffed && staff_index(r.s.cols[i]) >= 0);
	r.col_partners = eu_stream_col(&r.s, "partners");
	eu_rank_bind(r.R, &r.s);

	/* Without the goals or the local stage's columns every record would
	 * be rejected NO_GOAL or NO_LOCAL_PARTNER, a claim nothing was read
	 * to support: refuse before writing anything, so a nightly run keeps
	 * the previous output. */
	if (r.s.nin && eu_rank_missing_stages(r.R)) {
		eu_stream_close(&r.s);
		eu_dupes_free(r.ids);
		free(r.unwritten);
		return EU_EXIT_USAGE;
	}

	/* The rejects header: code and reason first, for people. */
	eu_write_str(r.rej, "reject_code");
	eu_write_str(r.rej, EU_COL_REJECT);
	for (size_t i = 0; i < r.ncols; i++)
		if (!r.unwritten[i])
			eu_write_str(r.rej, r.s.cols[i]);
	for (size_t k = 0; r.staffed && k < NSTAFFC; k++)
		eu_write_str(r.rej, staff_cols[k]);
	eu_write_end(r.rej);
	/* The staff's names and notes are not for the world to read. */
	if (r.staffed && (eu_writer_private(r.rej) < 0 || eu_writer_private(w) < 0))
		eu_warnx("cannot keep the outputs from being world-readable: %s", strerror(errno));

	rank_records(&r);
	int status = r.s.status;
	write_candidates(&r, w, all);

	if (r.nc + r.nrej != r.nin) {
		eu_warnx("internal error: %lu records in, %zu candidates + %lu rejected", r.nin, r.nc, r.nrej);
		status = EU_EXIT_OUTPUT;
	}
	eu_buf summary = EU_BUF_INIT;
	for (size_t k = 0; k < r.nby; k++)
		eu_buf_printf(&summary, "%s%s %lu", k ? ", " : " (", r.by[k].code, r.by[k].n);
	if (r.nby)
		eu_buf_addc(&summary, ')');
	/* The ids no record had before the counts: the counts stay the last
	 * line, which euprio-nightly quotes. */
	rank_staff_unmatched(r.R);
	eu_warnx("%zu candidates, %lu rejected%s", r.nc, r.nrej, summary.p ? summary.p : "");
	eu_buf_free(&summary);
	if (r.nbad)
		eu_status_raise(&status, EU_EXIT_BADREC);
	if (eu_writer_flush(r.rej) < 0) {
		eu_warnx("write error on %s: %s", eu_writer_name(r.rej), strerror(errno));
		eu_status_raise(&status, EU_EXIT_OUTPUT);
	}
	/* The memory moves on only with a stream read (a stage before rank
	 * that died leaves rank nothing to learn from) and the output written
	 * (the candidates' own errors are told when they are closed). */
	if (R->staff && R->staff->memory && r.s.nin && status < EU_EXIT_OUTPUT && eu_writer_flush(w) == 0 &&
	    rank_memory_write(R->staff) < 0)
		eu_status_raise(&status, EU_EXIT_OUTPUT);

	for (size_t i = 0; i < r.nc; i++) {
		free(r.c[i].blob);
		free(r.c[i].off);
	}
	free(r.c);
	eu_dupes_free(r.ids);
	free(r.unwritten);
	eu_stream_close(&r.s);
	return status;
}
