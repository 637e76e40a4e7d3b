/* One topic's JSON values to a call record: the snapshot's flat objects
 * (topicId, callStatus, budgetMin ...) and the search API's results, whose
 * metadata values are all arrays and whose `actions` and `budgetOverview`
 * are JSON inside strings.  A value of the wrong kind is read where it can
 * be and noted in warnings; it never shifts another value. */
#include <stdio.h>
#include <string.h>

#include "calls_int.h"

static void put(eu_buf *b, const char *s, size_t n)
{
	eu_buf_clear(b);
	eu_buf_add(b, s, n);
}

static void line_add(eu_buf *b, const char *s, size_t n)
{
	if (!n)
		return;
	if (b->len)
		eu_buf_addc(b, '\n');
	eu_buf_add(b, s, n);
}

static const char *kind_name(uint8_t t)
{
	static const char *const names[] = {"null", "a boolean", "a number", "a string", "an object", "an array"};
	return names[t];
}

/* A text value.  Numbers and booleans are read as their text, the strings
 * of an array are joined; anything else is noted. */
static void text1(const struct jdom *d, int32_t n, struct call_rec *r, int col, const char *label)
{
	size_t len;
	const char *s;

	if (n < 0 || d->n[n].type == J_NULL)
		return;
	switch (d->n[n].type) {
	case J_STR:
		s = j_str(d, n, &len);
		put(&r->v[col], s, len);
		return;
	case J_NUM:
	case J_BOOL:
		s = j_str(d, n, &len);
		put(&r->v[col], s, len);
		call_warn(r, "%s: %s where text belongs, read as text", label, kind_name(d->n[n].type));
		return;
	case J_ARR:
		eu_buf_clear(&r->v[col]);
		for (int32_t c = d->n[n].first; c >= 0; c = d->n[c].next)
			if (d->n[c].type == J_STR) {
				s = j_str(d, c, &len);
				if (len && r->v[col].len)
					eu_buf_addc(&r->v[col], ' ');
				eu_buf_add(&r->v[col], s, len);
			}
		call_warn(r, "%s: an array where one text belongs, its strings joined", label);
		return;
	default:
		call_warn(r, "%s: %s where text belongs, left out", label, kind_name(d->n[n].type));
	}
}

/* A number.  A string that holds one is read, and noted; one that does not
 * is noted and left out. */
static void number1(const struct jdom *d, int32_t n, struct call_rec *r, int col, const char *label)
{
	size_t len;
	const char *s;
	double v;

	if (n < 0 || d->n[n].type == J_NULL)
		return;
	s = j_str(d, n, &len);
	if (d->n[n].type == J_NUM) {
		put(&r->v[col], s, len);
	} else if (d->n[n].type == J_STR && call_number(s, len, &v) == 0) {
		put(&r->v[col], s, len);
		call_warn(r, "%s: a string where a number belongs, read as %.*s", label, (int)(len > 30 ? 30 : len), s);
	} else if (d->n[n].type == J_STR) {
		if (len)
			call_warn(r, "%s: '%.*s' is not a number", label, (int)(len > 30 ? 30 : len), s);
	} else {
		call_warn(r, "%s: %s where a number belongs, left out", label, kind_name(d->n[n].type));
	}
}

/* The first element of a search API metadata value (an array); a bare
 * value is read as an array of one, and noted. */
static int32_t meta1(const struct jdom *d, int32_t meta, const char *key, struct call_rec *r)
{
	int32_t n = j_get(d, meta, key);
	if (n < 0 || d->n[n].type == J_NULL)
		return -1;
	if (d->n[n].type == J_ARR)
		return d->n[n].first;
	call_warn(r, "metadata.%s: %s where the format has an array, read as one value", key,
		  kind_name(d->n[n].type));
	return n;
}

/* Every string of a metadata value, one per line into b. */
static void meta_all(const struct jdom *d, int32_t meta, const char *key, struct call_rec *r, eu_buf *b)
{
	int32_t n = j_get(d, meta, key);
	size_t len;
	const char *s;

	if (n < 0 || d->n[n].type == J_NULL)
		return;
	if (d->n[n].type != J_ARR) {
		call_warn(r, "metadata.%s: %s where the format has an array, read as one value", key,
			  kind_name(d->n[n].type));
		s = j_str(d, n, &len);
		line_add(b, s, len);
		return;
	}
	for (int32_t c = d->n[n].first; c >= 0; c = d->n[c].next) {
		s = j_str(d, c, &len);
		line_add(b, s, len);
	}
}

/* A cascade call (an open call that an EU-funded project runs for third
 * parties) is listed under the topic that funds it, with a reference of
 * its own; it gets an id of its own so that it is not a duplicate. */
void call_set_ids(struct call_rec *r)
{
	const char *ref = r->v[X_PORTAL_REFERENCE].p ? r->v[X_PORTAL_REFERENCE].p : "";
	const char *cc = strstr(ref, "COMPETITIVE_CALL");
	size_t digits = strspn(ref, "0123456789");

	eu_buf_clear(&r->v[EU_C_CALL_ID]);
	eu_buf_add(&r->v[EU_C_CALL_ID], r->v[EU_C_ID].p ? r->v[EU_C_ID].p : "", r->v[EU_C_ID].len);
	eu_buf_clear(&r->v[X_KIND]);
	if (cc && digits && ref + digits == cc && r->v[EU_C_ID].len) {
		eu_buf_adds(&r->v[X_KIND], "cascade");
		eu_buf_addc(&r->v[EU_C_ID], '#');
		eu_buf_add(&r->v[EU_C_ID], ref, digits);
	} else {
		eu_buf_adds(&r->v[X_KIND], "topic");
	}
}

static void summary_add(struct call_rec *r, const char *s, size_t n)
{
	eu_buf *b = &r->v[EU_C_SUMMARY];
	if (!n)
		return;
	/* The objectives often repeat the description's opening. */
	if (b->len && n <= b->len && memmem(b->p, b->len, s, n))
		return;
	if (b->len)
		eu_buf_adds(b, "\n");
	eu_buf_add(b, s, n);
}

static void map_snapshot(const struct jdom *d, int32_t o, struct call_rec *r)
{
	size_t len;
	const char *s;

	text1(d, j_get(d, o, "topicId"), r, EU_C_ID, "topicId");
	text1(d, j_get(d, o, "reference"), r, X_PORTAL_REFERENCE, "reference");
	call_set_ids(r);
	text1(d, j_get(d, o, "title"), r, EU_C_TITLE, "title");
	text1(d, j_get(d, o, "programme"), r, EU_C_PROGRAMME, "programme");
	text1(d, j_get(d, o, "programmeId"), r, X_PROGRAMME_ID, "programmeId");
	text1(d, j_get(d, o, "callIdentifier"), r, X_CALL_IDENTIFIER, "callIdentifier");
	text1(d, j_get(d, o, "callTitle"), r, X_CALL_TITLE, "callTitle");
	text1(d, j_get(d, o, "typesOfAction"), r, X_TYPE_OF_ACTION, "typesOfAction");
	if (!r->v[X_TYPE_OF_ACTION].len)
		text1(d, j_get(d, o, "actionType"), r, X_TYPE_OF_ACTION, "actionType");
	int32_t sp = j_get(d, o, "submissionProcedure");
	if (sp >= 0 && d->n[sp].type == J_OBJ)
		text1(d, j_get(d, sp, "abbreviation"), r, X_SUBMISSION, "submissionProcedure.abbreviation");
	else if (sp >= 0)
		text1(d, sp, r, X_SUBMISSION, "submissionProcedure");
	if (!r->v[X_SUBMISSION].len)
		text1(d, j_get(d, o, "deadlineModel"), r, X_SUBMISSION, "deadlineModel");
	text1(d, j_get(d, o, "callStatus"), r, EU_C_STATUS, "callStatus");
	text1(d, j_get(d, o, "deadline"), r, X_DEADLINES, "deadline");
	number1(d, j_get(d, o, "budgetMin"), r, X_BUDGET_MIN, "budgetMin");
	number1(d, j_get(d, o, "budgetMax"), r, X_BUDGET_MAX, "budgetMax");
	number1(d, j_get(d, o, "expectedGrants"), r, X_EXPECTED_GRANTS, "expectedGrants");
	text1(d, j_get(d, o, "portalUrl"), r, X_PORTAL_URL, "portalUrl");
	/* "A, B, C": one keyword per line for call_finish. */
	text1(d, j_get(d, o, "keywords"), r, EU_C_KEYWORDS, "keywords");
	for (size_t i = 0; i < r->v[EU_C_KEYWORDS].len; i++)
		if (r->v[EU_C_KEYWORDS].p[i] == ',')
			r->v[EU_C_KEYWORDS].p[i] = '\n';
	text1(d, j_get(d, o, "description"), r, EU_C_SUMMARY, "description");
	int32_t ob = j_get(d, o, "objectives");
	if (ob >= 0 && d->n[ob].type == J_STR) {
		s = j_str(d, ob, &len);
		summary_add(r, s, len);
	}
}

/* JSON inside a string of the search API; -1 (noted) when it is not. */
static int32_t inner(const eu_calls *C, struct jdom *in, const struct jdom *d, int32_t meta,
		     const char *key, struct call_rec *r)
{
	int32_t n = meta1(d, meta, key, r);
	size_t len;
	const char *s = j_str(d, n, &len);
	eu_buf err = EU_BUF_INIT;

	(void)C;
	if (n < 0 || !len)
		return -1;
	if (d->n[n].type != J_STR) {
		call_warn(r, "metadata.%s: %s where JSON text belongs", key, kind_name(d->n[n].type));
		return -1;
	}
	if (jdom_parse(in, s, len, &err) < 0) {
		call_warn(r, "metadata.%s: not JSON (%s)", key, err.p ? err.p : "");
		eu_buf_free(&err);
		return -1;
	}
	eu_buf_free(&err);
	return in->nn ? 0 : -1;
}

static int status_rank(const char *s)
{
	return !s ? 0 : !strcmp(s, "Open") ? 3 : !strcmp(s, "Forthcoming") ? 2 : 1;
}

/* actions: the status (an open action makes the topic open), the type of
 * action, and the dates when the metadata has none. */
static void map_actions(const eu_calls *C, struct jdom *in, const struct jdom *d, int32_t meta,
			struct call_rec *r, int want_dates)
{
	if (inner(C, in, d, meta, "actions", r) < 0)
		return;
	int32_t root = 0, list = root;
	size_t len;
	const char *s;
	int best = 0;

	if (in->n[root].type == J_OBJ)
		list = -1;          /* one action, not in an array */
	for (int32_t a = list >= 0 ? in->n[list].first : root; a >= 0; a = list >= 0 ? in->n[a].next : -1) {
		if (in->n[a].type != J_OBJ)
			continue;
		int32_t st = j_get(in, a, "status");
		s = j_str(in, j_get(in, st, "abbreviation"), &len);
		if (len) {
			eu_buf word = EU_BUF_INIT;
			eu_buf_add(&word, s, len);
			int rank = status_rank(call_status_of(C, word.p));
			if (rank > best) {
				best = rank;
				put(&r->v[EU_C_STATUS], s, len);
			}
			eu_buf_free(&word);
		}
		int32_t types = j_get(in, a, "types");
		if (!r->v[X_TYPE_OF_ACTION].len && types >= 0 && in->n[types].type == J_ARR) {
			int32_t t = in->n[types].first;
			s = j_str(in, j_get(in, t, "typeOfAction"), &len);
			put(&r->v[X_TYPE_OF_ACTION], s, len);
		}
		if (!r->v[X_SUBMISSION].len) {
			s = j_str(in, j_get(in, j_get(in, a, "submissionProcedure"), "abbreviation"), &len);
			put(&r->v[X_SUBMISSION], s, len);
		}
		if (!r->v[X_START_DATE].len) {
			s = j_str(in, j_get(in, a, "plannedOpeningDate"), &len);
			put(&r->v[X_START_DATE], s, len);
		}
		int32_t dd = j_get(in, a, "deadlineDates");
		if (want_dates && dd >= 0 && in->n[dd].type == J_ARR)
			for (int32_t x = in->n[dd].first; x >= 0; x = in->n[x].next) {
				s = j_str(in, x, &len);
				line_add(&r->v[X_DEADLINES], s, len);
			}
	}
}

/* budgetOverview: the topic's own actions in budgetTopicActionMap (a
 * budget group can list several topics), their yearly budgets summed. */
static void map_budget(const eu_calls *C, struct jdom *in, const struct jdom *d, int32_t meta,
		       struct call_rec *r)
{
	if (inner(C, in, d, meta, "budgetOverview", r) < 0)
		return;
	int32_t map = j_get(in, 0, "budgetTopicActionMap");
	const char *id = r->v[EU_C_CALL_ID].p ? r->v[EU_C_CALL_ID].p : "";
	size_t idlen = strlen(id), len;
	double total = 0, v;
	int found = 0;
	const char *s;

	if (map < 0 || in->n[map].type != J_OBJ || !idlen)
		return;
	for (int32_t g = in->n[map].first; g >= 0; g = in->n[g].next) {
		if (in->n[g].type != J_ARR)
			continue;
		for (int32_t a = in->n[g].first; a >= 0; a = in->n[a].next) {
			s = j_str(in, j_get(in, a, "action"), &len);
			if (len < idlen || memcmp(s, id, idlen) || (len > idlen && s[idlen] != ' '))
				continue;
			found = 1;
			int32_t years = j_get(in, a, "budgetYearMap");
			if (years >= 0 && in->n[years].type == J_OBJ)
				for (int32_t y = in->n[years].first; y >= 0; y = in->n[y].next) {
					s = j_str(in, y, &len);
					if (in->n[y].type == J_NUM && call_number(s, len, &v) == 0)
						total += v;
					else
						call_warn(r, "budgetOverview: a year's budget is not a number");
				}
			number1(in, j_get(in, a, "expectedGrants"), r, X_EXPECTED_GRANTS, "budgetOverview.expectedGrants");
			number1(in, j_get(in, a, "minContribution"), r, X_BUDGET_MIN, "budgetOverview.minContribution");
			number1(in, j_get(in, a, "maxContribution"), r, X_BUDGET_MAX, "budgetOverview.maxContribution");
		}
	}
	if (found && total > 0) {
		eu_buf_clear(&r->v[X_BUDGET_TOPIC]);
		eu_buf_printf(&r->v[X_BUDGET_TOPIC], "%.2f", total);
	}
}

static void map_result(const eu_calls *C, const struct jdom *d, int32_t o, int32_t meta, struct call_rec *r)
{
	struct jdom in;

	jdom_init(&in, C);
	text1(d, meta1(d, meta, "identifier", r), r, EU_C_ID, "metadata.identifier");
	text1(d, j_get(d, o, "reference"), r, X_PORTAL_REFERENCE, "reference");
	call_set_ids(r);
	text1(d, meta1(d, meta, "title", r), r, EU_C_TITLE, "metadata.title");
	if (!r->v[EU_C_TITLE].len)
		text1(d, j_get(d, o, "title"), r, EU_C_TITLE, "title");
	if (!r->v[EU_C_TITLE].len)
		text1(d, j_get(d, o, "summary"), r, EU_C_TITLE, "summary");
	text1(d, meta1(d, meta, "callIdentifier", r), r, X_CALL_IDENTIFIER, "metadata.callIdentifier");
	text1(d, meta1(d, meta, "callTitle", r), r, X_CALL_TITLE, "metadata.callTitle");
	text1(d, meta1(d, meta, "frameworkProgramme", r), r, X_PROGRAMME_ID, "metadata.frameworkProgramme");
	text1(d, meta1(d, meta, "deadlineModel", r), r, X_SUBMISSION, "metadata.deadlineModel");
	text1(d, meta1(d, meta, "startDate", r), r, X_START_DATE, "metadata.startDate");
	meta_all(d, meta, "deadlineDate", r, &r->v[X_DEADLINES]);
	/* The dates in actions only when the metadata has none. */
	map_actions(C, &in, d, meta, r, !r->v[X_DEADLINES].len);
	if (!r->v[EU_C_STATUS].len)
		text1(d, meta1(d, meta, "status", r), r, EU_C_STATUS, "metadata.status");
	if (!r->v[X_TYPE_OF_ACTION].len)
		text1(d, meta1(d, meta, "typesOfAction", r), r, X_TYPE_OF_ACTION, "metadata.typesOfAction");
	meta_all(d, meta, "keywords", r, &r->v[EU_C_KEYWORDS]);
	meta_all(d, meta, "tags", r, &r->v[EU_C_KEYWORDS]);
	text1(d, meta1(d, meta, "descriptionByte", r), r, EU_C_SUMMARY, "metadata.descriptionByte");
	map_budget(C, &in, d, meta, r);
	jdom_free(&in);
}

int call_map_json(eu_calls *C, const struct jdom *d, struct call_rec *r)
{
	if (!d->nn)
		return 0;
	int32_t o = 0;
	if (d->n[o].type != J_OBJ)
		return 0;
	int32_t meta = j_get(d, o, "metadata");
	if (meta >= 0 && d->n[meta].type == J_OBJ) {
		map_result(C, d, o, meta, r);
		return 0;
	}
	if (j_get(d, o, "topicId") >= 0) {
		map_snapshot(d, o, r);
		return 0;
	}
	int32_t ev = j_get(d, o, "events");
	if (ev >= 0 && d->n[ev].type == J_ARR && j_get(d, o, "summary") >= 0 && j_get(d, o, "date") >= 0 &&
	    j_get(d, o, "identifier") < 0)
		return -1;
	call_reject(r, "no topic id: neither topicId (the snapshot) nor metadata.identifier (the search API)");
	return 0;
}
