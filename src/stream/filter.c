/* The filter driver: runs a stage's record filter over the record stream,
 * judges every record (rejected upstream, unreadable, or the filter's
 * verdict), reports the rejected ones in input order and writes the rows.
 * With jobs > 1 the records go through the thread pool (pool.c). */
#include <stdlib.h>

#include "euprio/core/diag.h"
#include "euprio/stream/filter.h"
#include "filter_int.h"

void eu_rec_describe_bad(eu_buf *reason, const eu_rec *rec)
{
	eu_buf_adds(reason, rec->bad);
	if (rec->first_len) {
		size_t n = rec->first_len > 40 ? 40 : rec->first_len;
		/* Cut on a character boundary. */
		while (n < rec->first_len && n > 0 && ((unsigned char)rec->first[n] & 0xc0) == 0x80)
			n--;
		eu_buf_adds(reason, "; first field \"");
		for (size_t i = 0; i < n; i++) {
			char c = rec->first[i];
			eu_buf_addc(reason, (c == '\n' || c == '\r' || c == '\t' || c == '\0') ? ' ' : c);
		}
		eu_buf_adds(reason, n < rec->first_len ? "...\"" : "\"");
	}
}

/* Applies the filter to one record: its owned values in out, or the
 * reason it is rejected (blank: the row could not be read at all). */
void eu_filter_judge(const eu_filter *f, void *ctx, const eu_plan *plan, const eu_rec *rec, eu_owned *out,
		     eu_buf *reason, int *rejected, int *blank)
{
	*rejected = *blank = 0;
	for (size_t k = 0; k < out->n; k++)
		eu_buf_clear(&out->val[k]);
	eu_buf_clear(reason);
	if (rec->len[plan->in_reject] > 0) {
		/* Rejected upstream: travels on untouched. */
	} else if (rec->bad) {
		eu_rec_describe_bad(reason, rec);
		*rejected = *blank = 1;
	} else if (f->process(ctx, rec, out, reason) != 0) {
		for (size_t k = 0; k < out->n; k++)
			eu_buf_clear(&out->val[k]);
		*rejected = 1;
		if (!reason->len)
			eu_buf_adds(reason, "rejected without a reason (bug)");
	}
}

/* The message and status of a rejected record, in input order. */
void eu_filter_note(struct emit_state *es, int *status, const eu_rec *rec, const eu_buf *reason, int blank)
{
	eu_status_raise(status, EU_EXIT_BADREC);
	if (rec->file != es->last_file) {
		es->last_file = rec->file;
		es->shown = 0;
	}
	if (eu_diag_max_per_file == 0 || es->shown < eu_diag_max_per_file) {
		es->shown++;
		if (es->id_col >= 0 && rec->len[es->id_col] && !blank)
			eu_warn_at(rec->file, rec->line, "record %s: %s", rec->v[es->id_col], reason->p);
		else
			eu_warn_at(rec->file, rec->line, "%s", reason->p);
	} else {
		es->hidden++;
	}
}

/* The output row of a record; origin is scratch.  Any thread may make it. */
void eu_filter_row(const eu_plan *plan, const eu_rec *rec, const eu_owned *out, const eu_buf *reason,
		   int rejected, int blank, eu_writer *w, eu_buf *origin)
{
	for (size_t i = 0; i < plan->nout; i++) {
		long src = plan->src[i];
		if (src < 0) {
			const eu_buf *v = &out->val[-1 - src];
			int num = plan->numeric && plan->numeric[-1 - src];
			eu_write_field(w, v->p ? v->p : "", v->len, num);
		} else if ((long)i == plan->out_reject && rejected) {
			eu_write_field(w, reason->p, reason->len, 0);
		} else if ((long)i == plan->out_origin && rejected && (blank || !rec->len[src])) {
			if (rec->len[src])
				eu_write_field(w, rec->v[src], rec->len[src], 0);
			else {
				eu_buf_clear(origin);
				eu_origin_format(origin, rec->file, rec->line);
				eu_write_field(w, origin->p, origin->len, 0);
			}
		} else if (blank) {
			eu_write_field(w, "", 0, 0);
		} else {
			eu_write_field(w, rec->v[src], rec->len[src], 0);
		}
	}
	eu_write_end(w);
}

/* Reports a rejected record and writes the output row. */
static void emit(struct emit_state *es, int *status, const eu_plan *plan, const eu_rec *rec,
		 const eu_owned *out, eu_buf *reason, int rejected, int blank, eu_writer *w)
{
	if (rejected)
		eu_filter_note(es, status, rec, reason, blank);
	eu_filter_row(plan, rec, out, reason, rejected, blank, w, &es->origin);
}

int eu_filter_run(const eu_filter *f, void *ctx, char *const *paths,
		  size_t npaths, eu_writer *w)
{
	eu_stream s;
	eu_plan plan;
	eu_buf reason = EU_BUF_INIT;
	eu_owned out;
	eu_rec rec;
	struct emit_state es = {.origin = EU_BUF_INIT};
	int status;

	eu_stream_open(&s, paths, npaths, NULL);
	eu_stream_add_col(&s, EU_COL_REJECT);
	eu_stream_add_col(&s, EU_COL_ORIGIN);
	es.id_col = eu_stream_col(&s, "id");
	if (f->prepare) {
		int rc = f->prepare(ctx, &s);
		if (rc) {
			eu_stream_close(&s);
			return rc;
		}
	}
	if (s.nin == 0) {
		/* Nothing readable: an empty output makes the next stage fail
		 * too, rather than pass on a stream that looks merely empty. */
		status = s.status;
		eu_stream_close(&s);
		return status;
	}
	eu_plan_init(&plan, &s, f->owned, f->nowned, f->owned_numeric);
	eu_plan_write_header(&plan, w);
	out.n = f->nowned;
	out.val = eu_xcalloc(f->nowned + 1, sizeof *out.val);

	if (f->jobs <= 1 || !f->worker_new || eu_pool_run(f, ctx, &s, &plan, &es, w) < 0) {
		while (eu_stream_next(&s, &rec)) {
			int rejected, blank;
			eu_filter_judge(f, ctx, &plan, &rec, &out, &reason, &rejected, &blank);
			emit(&es, &s.status, &plan, &rec, &out, &reason, rejected, blank, w);
			if (eu_writer_error(w))
				break;
		}
	}
	if (es.hidden)
		eu_warnx("%lu more rejected records not shown", es.hidden);

	status = s.status;
	for (size_t k = 0; k < out.n; k++)
		eu_buf_free(&out.val[k]);
	free(out.val);
	eu_buf_free(&reason);
	eu_buf_free(&es.origin);
	eu_plan_free(&plan);
	eu_stream_close(&s);
	return status;
}

