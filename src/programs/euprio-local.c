/* euprio-local: adds the local-anchoring columns to a record stream. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "euprio/core/cli.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/limits.h"
#include "euprio/stages/local.h"
#include "euprio/stream/filter.h"
#include "euprio/stream/stream.h"

static const char synopsis[] = "euprio-local [-hV] [-c DIR] [-l da|en] [FILE...]";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s\n"
		"Find the partners rooted in Odense or on Funen, and the twin cities, in a\n"
		"record stream, counted as actors.  Adds local_partners, local_count,\n"
		"local_tier (odense/fyn/none), local_types, local_evidence, twin_cities and\n"
		"local_tier_counts.  A conflict in the evidence is told once per actor.\n"
		"\n"
		"  -c, --config DIR  the policy directory; by default\n", synopsis);
	eu_cli_config_help(out, 20);
	fprintf(out,
		"  -l, --lang LANG   language of local_evidence: da (default) or en\n"
		"  -h, --help        show this help and exit\n"
		"  -V, --version     show the version and exit\n"
		"\n"
		"See euprio-local(1).\n");
}

static const char *const owned[] = {
	"local_partners", "local_count", "local_tier", "local_types",
	"local_evidence", "twin_cities", "local_tier_counts",
};
static const unsigned char numeric[] = {0, 1, 0, 0, 0, 0, 0};

struct ctx {
	eu_local *L;
	long col, origin;
	eu_local_result res;
	eu_buf where;
};

static int prepare(void *vctx, const eu_stream *s)
{
	struct ctx *c = vctx;

	c->col = eu_stream_col(s, "partners");
	c->origin = eu_stream_col(s, EU_COL_ORIGIN);
	if (c->col < 0) {
		eu_warnx("the input has no 'partners' column: is it a euprio record stream?");
		return EU_EXIT_INPUT;
	}
	return 0;
}

static int process(void *vctx, const eu_rec *rec, eu_owned *out, eu_buf *reason)
{
	struct ctx *c = vctx;
	const char *err;

	/* A conflict is told where the record came from: its origin. */
	eu_buf_clear(&c->where);
	if (c->origin >= 0 && rec->len[c->origin])
		eu_buf_add(&c->where, rec->v[c->origin], rec->len[c->origin]);
	else
		eu_origin_format(&c->where, rec->file, rec->line);
	if (eu_local_record(c->L, rec->v[c->col], rec->len[c->col], c->where.p, &c->res, &err) < 0) {
		eu_buf_printf(reason, "partners field cannot be decoded: %s", err);
		return 1;
	}
	eu_buf_add(&out->val[0], c->res.partners.p, c->res.partners.len);
	char n[24];
	int k = (int)sizeof n;
	size_t v = c->res.count;
	do
		n[--k] = (char)('0' + v % 10);
	while ((v /= 10) && k > 0);
	eu_buf_add(&out->val[1], n + k, sizeof n - (size_t)k);
	eu_buf_adds(&out->val[2], eu_tier_name(c->res.tier));
	eu_buf_add(&out->val[3], c->res.types.p, c->res.types.len);
	eu_buf_add(&out->val[4], c->res.evidence.p, c->res.evidence.len);
	eu_buf_add(&out->val[5], c->res.twins.p, c->res.twins.len);
	eu_buf_add(&out->val[6], c->res.tiers.p, c->res.tiers.len);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"lang", required_argument, NULL, 'l'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	enum eu_lang lang = EU_LANG_DA;
	int ch;

	eu_cli_start(argv[0]);
	int opt_rc;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:hl:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (strcmp(optarg, "da") == 0) {
				lang = EU_LANG_DA;
			} else if (strcmp(optarg, "en") == 0) {
				lang = EU_LANG_EN;
			} else {
				eu_warnx("unknown language '%s' (da or en)", optarg);
				return eu_cli_usage_error(synopsis);
			}
			break;
		default:
			if ((opt_rc = eu_cli_option(ch, usage, synopsis, &config)) >= 0)
				return opt_rc;
			break;
		}
	}

	struct ctx c = {0};
	if (eu_limits_load(eu_config_dir(config), 1) < 0)
		return EU_EXIT_USAGE;
	c.L = eu_local_load(eu_config_dir(config), lang);
	if (!c.L)
		return EU_EXIT_USAGE;
	static const eu_filter f = {
		.owned = owned, .nowned = sizeof owned / sizeof *owned, .owned_numeric = numeric,
		.prepare = prepare, .process = process,
	};
	eu_writer *w = eu_writer_fdopen(1, "standard output", NULL);
	int status = eu_filter_run(&f, &c, argv + optind, (size_t)(argc - optind), w);
	eu_local_result_free(&c.res);
	eu_buf_free(&c.where);
	eu_local_free(c.L);
	return eu_cli_finish(w, status);
}
