/* euprio-goals: adds the goal-alignment columns to a record stream, or
 * with --explain prints every term that matched, for tuning the terms. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stages/goals.h"
#include "euprio/stream/filter.h"
#include "euprio/stream/stream.h"
#include "euprio/core/text.h"

static const char synopsis[] = "euprio-goals [-hV] [-c DIR] [-j N] [-x[ID] | --explain[=ID]] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Find which of the council's ten goals each record is for, by the terms in\n"
		"goal_terms.csv and the salience rule (settings.csv): a goal counts when it\n"
		"is a main purpose of the text, not a passing mention.  Adds goals (the\n"
		"counted goals, strongest first: G9;G3), goal_count, goal_strength (each\n"
		"one's evidence: G9:6;G3:2.5), goal_evidence (the words that matched and\n"
		"where) and goal_flag (weak:G6 when no goal counted, though G6 had some).\n"
		"\n"
		"  -c, --config DIR    the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 22);
	fprintf(out,
		"  -x, --explain[=ID]  instead of records, print every term hit (of record\n"
		"                      ID only, if given: -xID) with its position, zone and\n"
		"                      line, and for each goal why it counted or did not\n"
		"  -j, --jobs N        load and match on N threads (default: the processors\n"
		"                      online, at most 8); the output is the same for every N\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"See euprio-goals(1).\n");
}

static const char *const owned[] = {"goals", "goal_count", "goal_strength", "goal_evidence", "goal_flag",
				    "knowledge_points", "reputation_points"};
static const unsigned char numeric[] = {0, 1, 0, 0, 0, 1, 1};

struct ctx {
	eu_goals *G;
	long *col;             /* stream column per goal field, or -1 */
	const char **text;
	size_t *len;
	eu_goals_result res;
	eu_buf err;
	/* --explain */
	int explain;
	const char *explain_id;
	long id_col;
	const char *cur_id;
	unsigned long hits;
	long kidx, ridx;       /* knowledge and reputation evidence, or -1 */
};

static int prepare(void *vctx, const eu_stream *s)
{
	struct ctx *c = vctx;
	size_t nf = eu_goals_nfields(c->G), found = 0;

	c->col = eu_xcalloc(nf + 1, sizeof *c->col);
	c->text = eu_xcalloc(nf + 1, sizeof *c->text);
	c->len = eu_xcalloc(nf + 1, sizeof *c->len);
	for (size_t i = 0; i < nf; i++) {
		c->col[i] = eu_stream_col(s, eu_goals_field(c->G, i));
		if (c->col[i] >= 0)
			found++;
	}
	c->id_col = eu_stream_col(s, "id");
	if (!found) {
		eu_warnx("the input has none of the columns the goal terms read (title, summary, ...)");
		return EU_EXIT_INPUT;
	}
	return 0;
}

static void explain_hit(void *vctx, const eu_goals_hit *h)
{
	struct ctx *c = vctx;

	c->hits++;
	if (h->zone)
		printf("%s\t%s\t%s@%zu %s\t\"%.*s\"\tweight %g x %g\t%s:%ld %s\n", c->cur_id, h->goal, h->field,
		       h->offset, h->zone, (int)(h->len > 80 ? 80 : h->len), h->text, h->weight, h->factor,
		       h->term_file, h->term_line, h->pattern);
	else
		printf("%s\t%s\t%s@%zu\t\"%.*s\"\tpoints %g\t%s:%ld %s\n", c->cur_id, h->goal, h->field, h->offset,
		       (int)(h->len > 80 ? 80 : h->len), h->text, h->weight, h->term_file, h->term_line, h->pattern);
}

/* The rule's verdict per goal, a line each, after the record's hits. */
static void explain_verdict(const struct ctx *c)
{
	const char *p = c->res.why.p, *end = p + c->res.why.len;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		printf("%s\t%.*s\n", c->cur_id, (int)n, p);
		p += n + 1;
	}
	printf("%s\tmatched %s\t%s%s%s\n", c->cur_id, c->res.count ? c->res.goals.p : "no goal",
	       c->res.strength.len ? c->res.strength.p : "", c->res.flag.len ? "\tflag " : "",
	       c->res.flag.len ? c->res.flag.p : "");
}

/* A worker thread's context: the columns are shared, the matcher's
 * scratch and the result are its own. */
static void *worker_new(void *vctx)
{
	const struct ctx *c = vctx;
	struct ctx *w = eu_xcalloc(1, sizeof *w);
	size_t nf = eu_goals_nfields(c->G);

	*w = *c;
	w->G = eu_goals_clone(c->G);
	w->text = eu_xcalloc(nf + 1, sizeof *w->text);
	w->len = eu_xcalloc(nf + 1, sizeof *w->len);
	w->res = (eu_goals_result){0};
	w->err = (eu_buf)EU_BUF_INIT;
	return w;
}

static void worker_free(void *vctx)
{
	struct ctx *w = vctx;

	eu_goals_free(w->G);
	eu_goals_result_free(&w->res);
	eu_buf_free(&w->err);
	free(w->text);
	free(w->len);
	free(w);
}

/* The result's buffers change places with the output's, which the driver
 * has emptied: no copy, and each keeps one owner. */
static void swap_bufs(eu_buf *a, eu_buf *b)
{
	eu_buf t = *a;
	*a = *b;
	*b = t;
}

static int process(void *vctx, const eu_rec *rec, eu_owned *out, eu_buf *reason)
{
	struct ctx *c = vctx;
	size_t nf = eu_goals_nfields(c->G);

	for (size_t i = 0; i < nf; i++) {
		c->text[i] = c->col[i] >= 0 ? rec->v[c->col[i]] : "";
		c->len[i] = c->col[i] >= 0 ? rec->len[c->col[i]] : 0;
	}
	eu_buf_clear(&c->err);
	if (c->explain) {
		c->cur_id = c->id_col >= 0 ? rec->v[c->id_col] : "-";
		if (c->explain_id && strcmp(c->explain_id, c->cur_id) != 0)
			return 0;
	}
	if (eu_goals_record(c->G, c->text, c->len, &c->res, &c->err,
			    c->explain ? explain_hit : NULL, c) < 0) {
		eu_buf_add(reason, c->err.p, c->err.len);
		return 1;
	}
	if (c->explain) {
		explain_verdict(c);
		return 0;
	}
	swap_bufs(&out->val[0], &c->res.goals);
	char num[24], *q = num + sizeof num;
	size_t count = c->res.count;
	do
		*--q = (char)('0' + count % 10);
	while (count /= 10);
	eu_buf_add(&out->val[1], q, (size_t)(num + sizeof num - q));
	swap_bufs(&out->val[2], &c->res.strength);
	swap_bufs(&out->val[3], &c->res.evidence);
	swap_bufs(&out->val[4], &c->res.flag);
	if (c->kidx >= 0)
		eu_fmt_amount(&out->val[5], c->res.score[c->kidx]);
	if (c->ridx >= 0)
		eu_fmt_amount(&out->val[6], c->res.score[c->ridx]);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"explain", optional_argument, NULL, 'x'},
		{"jobs", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	struct ctx c = {0};
	int ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	unsigned jobs = eu_default_jobs();
	static const eu_cli_retired retired[] = {
		{'e', "-x or --explain", "--explain"}, {0, NULL, NULL},
	};
	eu_cli_retire(retired);
	while ((ch = getopt_long(argc, argv, "c:x::j:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'x':
			c.explain = 1;
			c.explain_id = optarg;
			break;
		case 'j': {
			char *end;
			errno = 0;
			unsigned long n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > 64 || optarg[0] == '-') {
				eu_warnx("--jobs wants a number from 1 to 64, not '%s'", optarg);
				return EU_EXIT_USAGE;
			}
			jobs = (unsigned)n;
			break;
		}
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}

	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	c.G = eu_goals_load_jobs(eu_config_dir(config), c.explain ? 1 : jobs);
	if (!c.G)
		return EU_EXIT_USAGE;
	c.kidx = eu_goals_extra_index(c.G, "knowledge");
	c.ridx = eu_goals_extra_index(c.G, "reputation");
	eu_filter f = {
		.owned = owned, .nowned = 5, .owned_numeric = numeric,
		.prepare = prepare, .process = process,
		.worker_new = worker_new, .worker_free = worker_free,
		/* The explanation is printed as the hits come: one thread. */
		.jobs = c.explain ? 1 : jobs,
	};
	if (c.kidx >= 0 || c.ridx >= 0)
		f.nowned = 7;   /* the principle evidence rides along */
	/* In --explain mode the record stream is discarded: the report is
	 * printed on stdout by the hit callback instead. */
	int devnull = -1;
	eu_writer *w;
	if (c.explain) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		w = eu_writer_fdopen(devnull, "/dev/null", NULL);
	} else {
		w = eu_writer_fdopen(1, "standard output", NULL);
	}
	int status = eu_filter_run(&f, &c, argv + optind, (size_t)(argc - optind), w);
	if (c.explain) {
		eu_writer_close(w);
		close(devnull);
		w = NULL;
	}
	eu_goals_result_free(&c.res);
	eu_buf_free(&c.err);
	free(c.col);
	free(c.text);
	free(c.len);
	eu_goals_free(c.G);
	return eu_cli_finish(w, status);
}
