/* Exported applications: XML in, canonical records out.
 *
 * The reader streams (xmlReaderForFd), stops at each record element,
 * expands only that subtree, maps it with the profile's precompiled XPaths
 * and skips on, so memory holds one record whatever the file size.  The
 * input is untrusted: no network, no DTD, no external entity (a loader that
 * refuses everything, because XML_PARSE_NONET does not stop file://), no
 * entity substitution, no XInclude, libxml2's default size limits.  A file
 * that declares a DTD is refused outright, which also ends billion-laughs
 * files before any entity is used. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "euprio/stages/apps.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"
#include "euprio/core/strmap.h"
#include "euprio/core/text.h"
#include "euprio/core/values.h"

enum kind { K_CONST, K_FIELD, K_TEXT, K_LIST, K_DATE, K_AMOUNT, K_PARTNERS, K_PARTNER };

/* One step of a simple path: a child element (with at most one
 * [@attr='value'] test), an attribute, or the parent. */
struct step {
	char kind;               /* 'c' child, 'a' attribute, 'p' parent */
	char *local, *ns;        /* ns NULL: no namespace */
	char *tlocal, *tns, *tval;   /* the attribute test, when tlocal */
};

/* The paths profiles use ("p:budget/p:total", "@id", "../@department",
 * "p:title[@xml:lang='da']") walked directly over the tree.  XPath gives
 * the same nodes, but evaluating it per field and record was a third of
 * euprio-apps' time; anything beyond this grammar still goes to XPath. */
struct path {
	struct step *s;
	size_t n;
};

/* What a rule selects: by its simple path when it has one, else XPath. */
struct sel {
	struct path *path;
	xmlXPathCompExprPtr xp;
};

struct rule {
	enum kind kind;
	int col;                 /* canonical column, or partner attribute */
	char *src;               /* the XPath text, for messages */
	struct sel sel;
	char *value;             /* K_CONST value, or a fixed currency */
	struct sel cur;          /* currency attribute, relative to the amount */
};

/* Nodes a selection found, in document order (scratch, reused). */
struct nodes {
	xmlNodePtr *v;
	size_t n, cap, limit;
};

struct profile {
	char *name;
	char *path;
	char *detect_local[4], *detect_ns[4];
	size_t ndetect;
	char *ns_prefix[8], *ns_uri[8];
	size_t nns;
	char *rec_local, *rec_ns;
	struct rule *rules;
	size_t nrules;
	struct rule *prules;     /* partner attributes */
	size_t nprules;
	struct rule *partners;   /* the K_PARTNERS rule */
};

struct eu_apps {
	struct profile *p;
	size_t np;
	int forced;              /* --profile given */
	double dkk_rate;
	/* per-run state */
	struct dups *dups;       /* ids seen in this run */
	/* per-file state */
	const char *file;
	unsigned long errors_shown;
	int quiet;               /* after a refusal: libxml2's echo adds nothing */
	const int *refused;      /* the current source's refusal flag */
	int xpath_only;          /* EUPRIO_XPATH_ONLY: no simple paths (tests) */
	struct nodes sel, parts; /* scratch for values and for partners */
	/* Per-value scratch kept across records: no allocation per field. */
	eu_buf raw, cur, tmp, attr[EU_P_NATTR];
};

static xmlParserInputPtr deny_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	eu_warnx("refused to load external entity %s", url ? url : "(no URL)");
	return NULL;
}

/* Every libxml2 message, in our one format. */
static void xml_error(void *arg, xmlErrorPtr e)
{
	eu_apps *A = arg;
	char msg[512];

	if (!e || !e->message)
		return;
	snprintf(msg, sizeof msg, "%s", e->message);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (A && (A->quiet || (A->refused && *A->refused) || ++A->errors_shown > 20))
		return;         /* one broken file must not flood the log */
	eu_warn_at_col(A && A->file ? A->file : (e->file ? e->file : "-"), e->line, e->int2,
		       "%s%s", e->level == XML_ERR_WARNING ? "warning: " : "", msg);
}

/* XPath compile errors during profile loading go here instead. */
static char xpath_err[256];
static void xpath_error(void *arg, xmlErrorPtr e)
{
	(void)arg;
	if (e && e->message) {
		snprintf(xpath_err, sizeof xpath_err, "%s", e->message);
		size_t n = strlen(xpath_err);
		while (n && xpath_err[n - 1] == '\n')
			xpath_err[--n] = '\0';
	}
}

static int prefix_split(struct profile *p, const char *qname, char **local, char **ns)
{
	const char *colon = strchr(qname, ':');

	if (!colon) {
		*local = eu_xstrdup(qname);
		*ns = NULL;
		return 0;
	}
	for (size_t i = 0; i < p->nns; i++)
		if (strlen(p->ns_prefix[i]) == (size_t)(colon - qname) &&
		    strncmp(p->ns_prefix[i], qname, (size_t)(colon - qname)) == 0) {
			*local = eu_xstrdup(colon + 1);
			*ns = eu_xstrdup(p->ns_uri[i]);
			return 0;
		}
	return -1;
}

static xmlXPathCompExprPtr compile_xpath(struct profile *p, xmlXPathContextPtr ctx,
					 const eu_table *t, size_t r, long c, const char *expr)
{
	xpath_err[0] = '\0';
	xmlXPathCompExprPtr xp = xmlXPathCtxtCompile(ctx, (const xmlChar *)expr);
	if (!xp) {
		eu_table_error(t, r, c, "XPath '%s' does not compile%s%s", expr,
			       xpath_err[0] ? ": " : "", xpath_err);
		(void)p;
	}
	return xp;
}

#define XML_NS_URI "http://www.w3.org/XML/1998/namespace"

/* Reads an XML name with an optional declared prefix at *x; NULL when
 * it is not one this grammar takes. */
static int read_qname(const struct profile *p, const char **x, char **local, char **ns)
{
	const char *s = *x, *colon = NULL;
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return -1;
	while (isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.' || (*s == ':' && !colon)) {
		if (*s == ':')
			colon = s;
		s++;
	}
	if (colon && (colon + 1 == s || !(isalpha((unsigned char)colon[1]) || colon[1] == '_')))
		return -1;
	*ns = NULL;
	if (colon) {
		size_t plen = (size_t)(colon - *x);
		if (plen == 3 && strncmp(*x, "xml", 3) == 0)
			*ns = eu_xstrdup(XML_NS_URI);
		for (size_t i = 0; !*ns && i < p->nns; i++)
			if (strlen(p->ns_prefix[i]) == plen && strncmp(p->ns_prefix[i], *x, plen) == 0)
				*ns = eu_xstrdup(p->ns_uri[i]);
		if (!*ns)
			return -1;
		*local = eu_xstrndup(colon + 1, (size_t)(s - colon - 1));
	} else {
		*local = eu_xstrndup(*x, (size_t)(s - *x));
	}
	*x = s;
	return 0;
}

static void path_free(struct path *pa)
{
	if (!pa)
		return;
	for (size_t i = 0; i < pa->n; i++) {
		free(pa->s[i].local);
		free(pa->s[i].ns);
		free(pa->s[i].tlocal);
		free(pa->s[i].tns);
		free(pa->s[i].tval);
	}
	free(pa->s);
	free(pa);
}

/* Parses x as a simple path: ("..")* then name steps, each optionally
 * [@name='value'], then optionally @name.  NULL: use XPath. */
static struct path *simple_path(const struct profile *p, const char *x)
{
	struct path *pa = eu_xcalloc(1, sizeof *pa);
	int names = 0;

	for (;;) {
		struct step st = {0};
		pa->s = eu_xrealloc(pa->s, (pa->n + 1) * sizeof *pa->s);
		if (strncmp(x, "..", 2) == 0 && !names) {
			st.kind = 'p';
			x += 2;
		} else if (*x == '@') {
			x++;
			st.kind = 'a';
			if (read_qname(p, &x, &st.local, &st.ns) < 0)
				goto fail;
		} else {
			st.kind = 'c';
			names = 1;
			if (read_qname(p, &x, &st.local, &st.ns) < 0)
				goto fail;
			if (*x == '[') {
				x++;
				if (*x++ != '@' || read_qname(p, &x, &st.tlocal, &st.tns) < 0 || *x++ != '=')
					goto fail_step;
				char q = *x++;
				const char *end = (q == '\'' || q == '"') ? strchr(x, q) : NULL;
				if (!end || end[1] != ']')
					goto fail_step;
				st.tval = eu_xstrndup(x, (size_t)(end - x));
				x = end + 2;
			}
		}
		pa->s[pa->n++] = st;
		if (*x == '\0')
			return pa;
		if (*x != '/' || st.kind == 'a')
			goto fail;
		x++;
		continue;
	fail_step:
		pa->s[pa->n++] = st;
		goto fail;
	}
fail:
	path_free(pa);
	return NULL;
}

static void profile_free(struct profile *p)
{
	free(p->name);
	free(p->path);
	for (size_t i = 0; i < p->ndetect; i++) {
		free(p->detect_local[i]);
		free(p->detect_ns[i]);
	}
	for (size_t i = 0; i < p->nns; i++) {
		free(p->ns_prefix[i]);
		free(p->ns_uri[i]);
	}
	free(p->rec_local);
	free(p->rec_ns);
	struct rule *lists[2] = {p->rules, p->prules};
	size_t counts[2] = {p->nrules, p->nprules};
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			free(lists[l][i].src);
			free(lists[l][i].value);
			xmlXPathFreeCompExpr(lists[l][i].sel.xp);
			path_free(lists[l][i].sel.path);
			xmlXPathFreeCompExpr(lists[l][i].cur.xp);
			path_free(lists[l][i].cur.path);
		}
		free(lists[l]);
	}
}

static int profile_load(struct profile *p, const char *dir, const char *file)
{
	static const char *const req[] = {"kind", "column", "xpath", NULL};
	eu_table t;
	int rc = 0;

	memset(p, 0, sizeof *p);
	if (eu_table_load(&t, dir, file, req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	p->path = eu_xstrdup(t.path);
	p->name = eu_xstrdup(file);
	char *dot = strrchr(p->name, '.');
	if (dot)
		*dot = '\0';
	long ck = eu_table_col(&t, "kind"), cc = eu_table_col(&t, "column"),
	     cx = eu_table_col(&t, "xpath"), co = eu_table_col(&t, "option");

	/* Namespaces first: XPaths on any line may use them. */
	for (size_t r = 0; r < t.nrows; r++) {
		if (strcmp(eu_table_get(&t, r, ck), "ns") != 0)
			continue;
		if (p->nns == 8) {
			eu_table_error(&t, r, ck, "at most 8 namespaces");
			rc = -1;
			continue;
		}
		p->ns_prefix[p->nns] = eu_xstrdup(eu_table_get(&t, r, cc));
		p->ns_uri[p->nns++] = eu_xstrdup(eu_table_get(&t, r, cx));
	}
	xmlXPathContextPtr ctx = xmlXPathNewContext(NULL);
	for (size_t i = 0; i < p->nns; i++)
		xmlXPathRegisterNs(ctx, (const xmlChar *)p->ns_prefix[i], (const xmlChar *)p->ns_uri[i]);
	xmlSetStructuredErrorFunc(NULL, xpath_error);

	p->rules = eu_xcalloc(t.nrows + 1, sizeof *p->rules);
	p->prules = eu_xcalloc(t.nrows + 1, sizeof *p->prules);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *kind = eu_table_get(&t, r, ck), *col = eu_table_get(&t, r, cc),
			   *x = eu_table_get(&t, r, cx), *opt = eu_table_get(&t, r, co);
		if (!strcmp(kind, "ns"))
			continue;
		if (!strcmp(kind, "detect")) {
			if (p->ndetect < 4) {
				p->detect_local[p->ndetect] = eu_xstrdup(x);
				p->detect_ns[p->ndetect++] = eu_xstrdup(opt);
			}
			continue;
		}
		if (!strcmp(kind, "record")) {
			free(p->rec_local);
			free(p->rec_ns);
			if (prefix_split(p, x, &p->rec_local, &p->rec_ns) < 0) {
				eu_table_error(&t, r, cx, "undeclared namespace prefix in '%s'", x);
				p->rec_local = NULL;
				rc = -1;
			}
			continue;
		}
		struct rule ru = {0};
		static const struct { const char *name; enum kind k; } kinds[] = {
			{"const", K_CONST}, {"field", K_FIELD}, {"text", K_TEXT}, {"list", K_LIST},
			{"date", K_DATE}, {"amount", K_AMOUNT}, {"partners", K_PARTNERS}, {"partner", K_PARTNER},
		};
		size_t k;
		for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (!strcmp(kinds[k].name, kind))
				break;
		if (k == sizeof kinds / sizeof *kinds) {
			eu_table_error(&t, r, ck, "unknown kind '%s'", kind);
			rc = -1;
			continue;
		}
		ru.kind = kinds[k].k;
		if (ru.kind == K_PARTNER) {
			ru.col = -1;
			for (int a = 0; a < EU_P_NATTR; a++)
				if (!strcmp(eu_pattr_names[a], col))
					ru.col = a;
		} else {
			ru.col = eu_canon_index(col);
			if (ru.col == EU_C_ORIGIN || ru.col == EU_C_WARNINGS || ru.col == EU_C_REJECT)
				ru.col = -1;
		}
		if (ru.col < 0) {
			eu_table_error(&t, r, cc, "'%s' is not a column a profile can fill", col);
			rc = -1;
			continue;
		}
		if (ru.kind == K_PARTNERS && ru.col != EU_C_PARTNERS) {
			eu_table_error(&t, r, cc, "partners rows fill the partners column");
			rc = -1;
			continue;
		}
		ru.src = eu_xstrdup(x);
		if (ru.kind == K_CONST) {
			ru.value = eu_xstrdup(x);
		} else {
			ru.sel.xp = compile_xpath(p, ctx, &t, r, cx, x);
			if (!ru.sel.xp) {
				rc = -1;
				free(ru.src);
				continue;
			}
			ru.sel.path = simple_path(p, x);
		}
		if (ru.kind == K_AMOUNT && *opt) {
			if (opt[0] == '@' || strchr(opt, '/')) {
				ru.cur.xp = compile_xpath(p, ctx, &t, r, co, opt);
				if (!ru.cur.xp)
					rc = -1;
				ru.cur.path = simple_path(p, opt);
			} else if (eu_strcaseeq(opt, "EUR") || eu_strcaseeq(opt, "DKK")) {
				ru.value = eu_xstrdup(opt);
			} else {
				eu_table_error(&t, r, co, "currency must be @attribute, EUR or DKK, not '%s'", opt);
				rc = -1;
			}
		}
		if (ru.kind == K_PARTNER)
			p->prules[p->nprules++] = ru;
		else
			p->rules[p->nrules++] = ru;
	}
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].kind == K_PARTNERS)
			p->partners = &p->rules[i];
	if (!p->rec_local) {
		eu_warn_at(t.path, 0, "profile has no record row: which element is one record?");
		rc = -1;
	}
	int has_id = 0;
	for (size_t i = 0; i < p->nrules; i++)
		has_id |= p->rules[i].col == EU_C_ID;
	if (!has_id) {
		eu_warn_at(t.path, 0, "profile has no rule for the id column");
		rc = -1;
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlXPathFreeContext(ctx);
	eu_table_free(&t);
	return rc;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

eu_apps *eu_apps_new(const char *config_dir, const char *profile)
{
	eu_apps *A = eu_xcalloc(1, sizeof *A);
	eu_settings s;
	int rc = 0;

	xmlInitParser();
	xmlSetExternalEntityLoader(deny_entity);
	/* Tests compare the simple paths with XPath on the same inputs. */
	A->xpath_only = getenv("EUPRIO_XPATH_ONLY") != NULL;
	if (eu_settings_load(&s, config_dir, "settings.csv") < 0 ||
	    eu_setting_number(&s, "dkk_rate", 0.01, 1000, &A->dkk_rate) < 0)
		rc = -1;
	eu_settings_free(&s);

	eu_buf dir = EU_BUF_INIT;
	eu_buf_printf(&dir, "%s/profiles", config_dir);
	if (profile && (strchr(profile, '/') || has_suffix(profile, ".csv"))) {
		/* A path to a profile of the user's own. */
		char *copy = eu_xstrdup(profile);
		char *slash = strrchr(copy, '/');
		A->p = eu_xcalloc(1, sizeof *A->p);
		if (slash) {
			*slash = '\0';
			rc |= profile_load(&A->p[0], *copy ? copy : "/", slash + 1);
		} else {
			rc |= profile_load(&A->p[0], ".", copy);
		}
		A->np = 1;
		A->forced = 1;
		free(copy);
	} else {
		DIR *d = opendir(dir.p);
		if (!d) {
			eu_warn_at(dir.p, 0, "cannot open profile directory: %s", strerror(errno));
			rc = -1;
		} else {
			char **names = NULL;
			size_t n = 0;
			struct dirent *de;
			while ((de = readdir(d)))
				if (has_suffix(de->d_name, ".csv")) {
					names = eu_xrealloc(names, (n + 1) * sizeof *names);
					names[n++] = eu_xstrdup(de->d_name);
				}
			closedir(d);
			qsort(names, n, sizeof *names, cmp_str);
			A->p = eu_xcalloc(n + 1, sizeof *A->p);
			for (size_t i = 0; i < n; i++) {
				char want[256];
				snprintf(want, sizeof want, "%s.csv", profile ? profile : "");
				if (profile && strcmp(names[i], want) != 0) {
					free(names[i]);
					continue;
				}
				rc |= profile_load(&A->p[A->np++], dir.p, names[i]);
				free(names[i]);
			}
			free(names);
			if (profile && A->np == 0) {
				eu_warnx("no profile '%s' in %s", profile, dir.p);
				rc = -1;
			}
			A->forced = profile != NULL;
		}
	}
	eu_buf_free(&dir);
	if (rc) {
		eu_apps_free(A);
		return NULL;
	}
	return A;
}

/* Duplicate ids in a run, in memory that does not grow with the run: each
 * id goes, with its origin, to a spool file and into a Bloom filter, and
 * an id the filter may have seen becomes a suspect.  The report reads the
 * spool once and names every later occurrence of each suspect that really
 * repeats, so a filter's false positive costs a look-up, never a false
 * report.  Without a spool (no temporary file) an exact in-memory set does
 * the job and reports at once. */
#define DUP_BITS (1u << 23)      /* 1 MiB: ~1e-6 false positives at 100 000 ids */

struct dups {
	uint64_t *bloom;
	FILE *spool;
	char **files;                /* origin file names, by index */
	size_t nfiles;
	eu_strmap suspects;
	eu_strmap exact;             /* the fallback */
};

static uint64_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;     /* FNV-1a, then a finaliser */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static void dups_free(struct dups *D)
{
	if (!D)
		return;
	free(D->bloom);
	if (D->spool)
		fclose(D->spool);
	for (size_t i = 0; i < D->nfiles; i++)
		free(D->files[i]);
	free(D->files);
	eu_strmap_free(&D->suspects, NULL);
	eu_strmap_free(&D->exact, NULL);
	free(D);
}

static void note_id(eu_apps *A, const char *id, const char *file, long line)
{
	struct dups *D = A->dups;
	if (!D) {
		D = A->dups = eu_xcalloc(1, sizeof *D);
		int fd = eu_spool_fd("ids");
		if (fd >= 0 && !(D->spool = fdopen(fd, "w+")))
			close(fd);
		if (D->spool)
			D->bloom = eu_xcalloc(DUP_BITS / 64, sizeof *D->bloom);
	}
	if (!D->spool) {
		if (!eu_strmap_add(&D->exact, id, strlen(id), NULL))
			eu_warn_at(file, line, "id %s appears more than once in this run", id);
		return;
	}
	if (!D->nfiles || strcmp(D->files[D->nfiles - 1], file) != 0) {
		D->files = eu_xrealloc(D->files, (D->nfiles + 1) * sizeof *D->files);
		D->files[D->nfiles++] = eu_xstrdup(file);
	}
	fprintf(D->spool, "%zu %ld %s\n", D->nfiles - 1, line, id);
	uint64_t h = id_hash(id), h2 = (h >> 32 | h << 32) | 1;
	int all = 1;
	for (int k = 0; k < 4; k++) {
		uint32_t bit = (uint32_t)((h + (uint64_t)k * h2) % DUP_BITS);
		uint64_t m = 1ull << (bit & 63);
		all &= (D->bloom[bit >> 6] & m) != 0;
		D->bloom[bit >> 6] |= m;
	}
	if (all)
		eu_strmap_add(&D->suspects, id, strlen(id), NULL);
}

void eu_apps_report_duplicates(eu_apps *A)
{
	struct dups *D = A->dups;
	if (!D || !D->spool || !D->suspects.n) {
		dups_free(D);
		A->dups = NULL;
		return;
	}
	eu_strmap first = EU_STRMAP_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	eu_buf origin = EU_BUF_INIT;

	fflush(D->spool);
	rewind(D->spool);
	while ((n = getline(&line, &cap, D->spool)) > 0) {
		size_t fi;
		long ln;
		int off = 0;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (sscanf(line, "%zu %ld %n", &fi, &ln, &off) < 2 || !off || fi >= D->nfiles)
			continue;
		const char *id = line + off;
		size_t len = strlen(id);
		int suspect;
		eu_strmap_get(&D->suspects, id, len, &suspect);
		if (!suspect)
			continue;
		int seen;
		char *at = eu_strmap_get(&first, id, len, &seen);
		if (!seen) {
			eu_buf_clear(&origin);
			eu_origin_format(&origin, D->files[fi], ln);
			eu_strmap_add(&first, id, len, eu_xstrdup(origin.p));
			continue;
		}
		eu_warn_at(D->files[fi], ln, "id %s appears more than once in this run (first at %s)", id, at);
	}
	free(line);
	eu_buf_free(&origin);
	eu_strmap_free(&first, free);
	dups_free(D);
	A->dups = NULL;
}

void eu_apps_free(eu_apps *A)
{
	if (!A)
		return;
	for (size_t i = 0; i < A->np; i++)
		profile_free(&A->p[i]);
	free(A->p);
	free(A->sel.v);
	free(A->parts.v);
	eu_buf_free(&A->raw);
	eu_buf_free(&A->cur);
	eu_buf_free(&A->tmp);
	for (int a = 0; a < EU_P_NATTR; a++)
		eu_buf_free(&A->attr[a]);
	dups_free(A->dups);
	free(A);
}

size_t eu_apps_nprofiles(const eu_apps *A) { return A->np; }
const char *eu_apps_profile_name(const eu_apps *A, size_t i) { return A->p[i].name; }

void eu_apps_write_header(eu_writer *w)
{
	for (int i = 0; i < EU_NCANON; i++)
		eu_write_str(w, eu_canon_names[i]);
	eu_write_end(w);
}

static xmlXPathObjectPtr eval_at(xmlXPathContextPtr ctx, xmlNodePtr node, xmlXPathCompExprPtr xp)
{
	ctx->node = node;
	return xmlXPathCompiledEval(xp, ctx);
}

static int name_is(const xmlChar *name, const xmlNs *ns, const char *local, const char *uri)
{
	if (strcmp((const char *)name, local) != 0)
		return 0;
	if (!uri)
		return !ns || !ns->href || !*ns->href;
	return ns && ns->href && strcmp((const char *)ns->href, uri) == 0;
}

static xmlAttrPtr find_attr(xmlNodePtr n, const char *local, const char *uri)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (name_is(a->name, a->ns, local, uri))
			return a;
	return NULL;
}

static int attr_is(xmlAttrPtr a, const char *value)
{
	xmlNodePtr c = a->children;
	if (!c)
		return !*value;
	if (c->type == XML_TEXT_NODE && !c->next)
		return strcmp(c->content ? (const char *)c->content : "", value) == 0;
	xmlChar *t = xmlNodeGetContent((xmlNodePtr)a);
	int eq = strcmp(t ? (const char *)t : "", value) == 0;
	xmlFree(t);
	return eq;
}

static void walk(xmlNodePtr n, const struct path *pa, size_t i, struct nodes *out)
{
	if (out->n >= out->limit)
		return;
	if (i == pa->n) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = eu_xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = n;
		return;
	}
	const struct step *st = &pa->s[i];
	if (st->kind == 'p') {
		if (n->parent && n->parent->type == XML_ELEMENT_NODE)
			walk(n->parent, pa, i + 1, out);
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	if (st->kind == 'a') {
		xmlAttrPtr a = find_attr(n, st->local, st->ns);
		if (a)
			walk((xmlNodePtr)a, pa, i + 1, out);
		return;
	}
	for (xmlNodePtr c = n->children; c && out->n < out->limit; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !name_is(c->name, c->ns, st->local, st->ns))
			continue;
		if (st->tlocal) {
			xmlAttrPtr a = find_attr(c, st->tlocal, st->tns);
			if (!a || !attr_is(a, st->tval))
				continue;
		}
		walk(c, pa, i + 1, out);
	}
}

/* The nodes sel finds at node (at most limit), into out.  XPath results
 * that are not node-sets have no nodes: see sel_value. */
static void sel_nodes(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
		      size_t limit, struct nodes *out)
{
	out->n = 0;
	out->limit = limit;
	if (sel->path && !A->xpath_only) {
		walk(node, sel->path, 0, out);
		return;
	}
	xmlXPathObjectPtr o = eval_at(ctx, node, sel->xp);
	xmlNodeSetPtr ns = o && o->type == XPATH_NODESET ? o->nodesetval : NULL;
	for (int k = 0; ns && k < ns->nodeNr && out->n < limit; k++) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = eu_xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = ns->nodeTab[k];
	}
	xmlXPathFreeObject(o);
}

/* Appends a node's text without the allocation xmlNodeGetContent makes:
 * an attribute's or a text node's content directly, an element's by
 * walking its text children (the usual one-text-child case is direct). */
static void append_content(eu_buf *out, xmlNodePtr node)
{
	if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
		if (node->content)
			eu_buf_adds(out, (const char *)node->content);
		return;
	}
	if (node->type == XML_ATTRIBUTE_NODE || node->type == XML_ELEMENT_NODE) {
		for (xmlNodePtr c = node->children; c; c = c->next) {
			if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
				if (c->content)
					eu_buf_adds(out, (const char *)c->content);
			} else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE) {
				xmlChar *t = xmlNodeGetContent(c);   /* rare: mixed content */
				if (t) {
					eu_buf_adds(out, (const char *)t);
					xmlFree(t);
				}
			}
		}
		return;
	}
	xmlChar *t = xmlNodeGetContent(node);
	if (t) {
		eu_buf_adds(out, (const char *)t);
		xmlFree(t);
	}
}

/* The string value of what sel finds at node: the first node's content,
 * or all of them ';'-joined.  Appends to out; returns the first node. */
static xmlNodePtr sel_value(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
			    int all, eu_buf *out)
{
	xmlNodePtr first = NULL;

	if (sel->path && !A->xpath_only) {
		sel_nodes(A, ctx, node, sel, all ? SIZE_MAX : 1, &A->sel);
		for (size_t i = 0; i < A->sel.n; i++) {
			if (all && out->len)
				eu_buf_addc(out, ';');
			append_content(out, A->sel.v[i]);
		}
		return A->sel.n ? A->sel.v[0] : NULL;
	}
	xmlXPathObjectPtr o = eval_at(ctx, node, sel->xp);
	if (o && o->type == XPATH_NODESET) {
		xmlNodeSetPtr ns = o->nodesetval;
		for (int i = 0; ns && i < ns->nodeNr && (all || i == 0); i++) {
			if (!first)
				first = ns->nodeTab[i];
			if (all && out->len)
				eu_buf_addc(out, ';');
			append_content(out, ns->nodeTab[i]);
		}
	} else if (o) {
		/* An XPath may also yield a string or a number. */
		xmlChar *c = xmlXPathCastToString(o);
		if (c) {
			eu_buf_adds(out, (const char *)c);
			xmlFree(c);
		}
	}
	xmlXPathFreeObject(o);
	return first;
}

/* The first value sel finds at node (all of them with all), pointing into
 * the tree when it is a single text node, else copied into raw; *len is
 * its length and *first the node it came from. */
static const char *sel_text(eu_apps *A, xmlXPathContextPtr ctx, xmlNodePtr node, const struct sel *sel,
			    int all, eu_buf *raw, size_t *len, xmlNodePtr *first)
{
	eu_buf_clear(raw);
	if (!all && sel->path && !A->xpath_only) {
		sel_nodes(A, ctx, node, sel, 1, &A->sel);
		*first = A->sel.n ? A->sel.v[0] : NULL;
		xmlNodePtr n = *first, c = NULL;
		if (n && (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE))
			c = n->children;
		if (n && c && !c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content) {
			*len = strlen((const char *)c->content);
			return (const char *)c->content;
		}
		if (n)
			append_content(raw, n);
	} else {
		*first = sel_value(A, ctx, node, sel, all, raw);
	}
	*len = raw->len;
	return raw->p ? raw->p : "";
}

static void add_warning(eu_buf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_warning(eu_buf *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (w->len)
		eu_buf_adds(w, "; ");
	eu_buf_adds(w, msg);
}

/* Keeps line breaks (as LF) but trims each end. */
static void tidy_text(eu_buf *out, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	/* Copy runs between CRs in bulk; a CR ends a line (CRLF -> LF). */
	eu_buf_reserve(out, n);
	while (n) {
		const char *cr = memchr(s, '\r', n);
		size_t run = cr ? (size_t)(cr - s) : n;
		eu_buf_add(out, s, run);
		if (!cr)
			break;
		if (run + 1 < n && s[run + 1] == '\n') {
			s += run + 1;
			n -= run + 1;
		} else {
			eu_buf_addc(out, '\n');
			s += run + 1;
			n -= run + 1;
		}
	}
}

static void map_record(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx,
		       xmlNodePtr rec, eu_buf *val, eu_buf *warn)
{
	eu_buf *raw = &A->raw, *cur = &A->cur, *t = &A->tmp, *attr = A->attr;
	xmlNodePtr node;
	size_t len;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *ru = &p->rules[i];
		eu_buf *v = &val[ru->col];
		if (v->len)
			continue;      /* an earlier row for this column won */
		if (ru->kind == K_CONST) {
			eu_buf_adds(v, ru->value);
			continue;
		}
		if (ru->kind == K_PARTNERS) {
			sel_nodes(A, ctx, rec, &ru->sel, SIZE_MAX, &A->parts);
			for (size_t k = 0; k < A->parts.n; k++) {
				const char *av[EU_P_NATTR] = {0};
				for (int a = 0; a < EU_P_NATTR; a++)
					eu_buf_clear(&attr[a]);
				for (size_t q = 0; q < p->nprules; q++) {
					const struct rule *pr = &p->prules[q];
					if (attr[pr->col].len)
						continue;
					const char *s = sel_text(A, ctx, A->parts.v[k], &pr->sel, 0, raw, &len, &node);
					eu_collapse_ws(&attr[pr->col], s, len);
				}
				for (int a = 0; a < EU_P_NATTR; a++)
					av[a] = attr[a].len ? attr[a].p : NULL;
				if (attr[EU_P_NAME].len)
					eu_partner_encode(v, av);
				else
					add_warning(warn, "partners: a partner without a name was left out");
			}
			continue;
		}
		const char *s = sel_text(A, ctx, rec, &ru->sel, ru->kind == K_LIST, raw, &len, &node);
		switch (ru->kind) {
		case K_TEXT:
			tidy_text(v, s);
			break;
		case K_DATE:
			eu_buf_clear(t);
			eu_collapse_ws(t, s, len);
			if (t->len) {
				long d = eu_parse_date(t->p);
				if (d >= 0)
					eu_fmt_date(v, d);
				else
					add_warning(warn, "%s: '%s' is not a date", eu_canon_names[ru->col], t->p);
			}
			break;
		case K_AMOUNT:
			eu_buf_clear(t);
			eu_collapse_ws(t, s, len);
			if (t->len) {
				double amount;
				enum eu_currency c, dflt = EU_CUR_EUR;
				eu_buf_clear(cur);
				if (ru->cur.xp && node)
					sel_value(A, ctx, node, &ru->cur, 0, cur);
				else if (ru->value)
					eu_buf_adds(cur, ru->value);
				if (cur->len && eu_strcaseeq(cur->p, "DKK"))
					dflt = EU_CUR_DKK;
				else if (cur->len && !eu_strcaseeq(cur->p, "EUR"))
					add_warning(warn, "unknown currency '%s', read as EUR", cur->p);
				if (eu_parse_amount(t->p, &amount, &c) == 0 && amount >= 0)
					eu_fmt_amount(v, eu_to_eur(amount, c, dflt, A->dkk_rate));
				else
					add_warning(warn, "%s: '%s' is not an amount", eu_canon_names[ru->col], t->p);
			}
			break;
		default:     /* K_FIELD, K_LIST */
			eu_collapse_ws(v, s, len);
			break;
		}
	}
	/* One huge summary must not pin its buffer for the rest of the run. */
	eu_buf_shrink(raw, 1 << 16);
}

static void emit(eu_writer *w, eu_buf *val)
{
	for (int i = 0; i < EU_NCANON; i++)
		eu_write_field(w, val[i].p ? val[i].p : "", val[i].len, 0);
	eu_write_end(w);
}

static const struct profile *detect(eu_apps *A, const char *local, const char *ns)
{
	for (size_t i = 0; i < A->np; i++) {
		if (A->forced)
			return &A->p[i];
		for (size_t k = 0; k < A->p[i].ndetect; k++)
			if (!strcmp(A->p[i].detect_local[k], local) &&
			    !strcmp(A->p[i].detect_ns[k], ns ? ns : ""))
				return &A->p[i];
	}
	return NULL;
}

/* XML_PARSE_COMPACT stores short text inside its node: fewer allocations. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOXINCNODE | XML_PARSE_COMPACT)

/* Maps one record element and writes it; reject, when set, sends it on as
 * rejected with that reason. */
static void emit_node(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx,
		      xmlNodePtr node, long line, const char *name, eu_writer *w,
		      eu_buf *val, eu_buf *warn, int *status, const char *reject)
{
	for (int i = 0; i < EU_NCANON; i++)
		eu_buf_clear(&val[i]);
	eu_buf_clear(warn);
	eu_origin_format(&val[EU_C_ORIGIN], name, line);
	map_record(A, p, ctx, node, val, warn);
	eu_buf_add(&val[EU_C_WARNINGS], warn->p ? warn->p : "", warn->len);
	if (reject) {
		eu_buf_adds(&val[EU_C_REJECT], reject);
		eu_warn_at(name, line, "record %s: %s", val[EU_C_ID].len ? val[EU_C_ID].p : "?", reject);
		eu_status_raise(status, EU_EXIT_BADREC);
	} else if (!val[EU_C_ID].len) {
		eu_buf_adds(&val[EU_C_REJECT], "the record has no id");
		eu_warn_at(name, line, "record without an id: passed on as rejected");
		eu_status_raise(status, EU_EXIT_BADREC);
	} else {
		note_id(A, val[EU_C_ID].p, name, line);
	}
	if (warn->len && !reject)
		eu_warn_at(name, line, "record %s: %s", val[EU_C_ID].len ? val[EU_C_ID].p : "?", warn->p);
	emit(w, val);
}

static int is_record(const struct profile *p, xmlNodePtr n)
{
	const char *ns = n->ns && n->ns->href ? (const char *)n->ns->href : "";
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, p->rec_local) == 0 &&
	       strcmp(ns, p->rec_ns ? p->rec_ns : "") == 0;
}

/* After a parse error the reader stops, but the tree the parser built so
 * far is still there: records after the last one written were complete
 * except, perhaps, the last, which goes on as rejected.  So a broken file
 * keeps every record it completed, and loses none silently. */
static void salvage(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx, xmlNodePtr root,
		    long after, const char *name, eu_writer *w, eu_buf *val, eu_buf *warn,
		    int *status, unsigned long *records)
{
	xmlNodePtr found[2] = {NULL, NULL};   /* the previous and the current candidate */

	for (xmlNodePtr n = root; n;) {
		if (is_record(p, n)) {
			if (xmlGetLineNo(n) > after) {
				if (found[1]) {
					emit_node(A, p, ctx, found[1], xmlGetLineNo(found[1]), name, w, val, warn, status, NULL);
					(*records)++;
				}
				found[1] = n;
			}
		} else if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next && n != root)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	if (found[1])
		emit_node(A, p, ctx, found[1], xmlGetLineNo(found[1]), name, w, val, warn, status,
			  "the XML breaks inside or just after this record; it may be incomplete");
}

/* The prolog scan: refuses a DTD before libxml2 parses any of it. */
struct source {
	int fd;
	const char *mem;
	size_t memlen, mempos;
	int in_prolog;
	char tail[16];
	size_t ntail;
	int refused;
	long line;               /* of the prolog, for the refusal message */
};

static int scan_prolog(struct source *src, const char *buf, int n)
{
	/* Look at the bytes before the root element, keeping a few from the
	 * previous chunk so a keyword split across reads is still seen. */
	char win[4096 + 16];
	int i = 0;

	while (i < n && src->in_prolog) {
		int take = n - i > 4096 ? 4096 : n - i;
		memcpy(win, src->tail, src->ntail);
		memcpy(win + src->ntail, buf + i, (size_t)take);
		size_t wl = src->ntail + (size_t)take;
		for (size_t k = 0; k + 1 < wl; k++) {
			if (win[k] == '\n' && k >= src->ntail)
				src->line++;
			if (win[k] != '<')
				continue;
			unsigned char c = (unsigned char)win[k + 1];
			if (c == '!' && (k + 2 >= wl || win[k + 2] != '-')) {
				if (wl - k >= 9 && (memcmp(win + k, "<!DOCTYPE", 9) == 0 || memcmp(win + k, "<!ENTITY", 8) == 0)) {
					src->refused = 1;
					return -1;
				}
			} else if (c != '?' && c != '!') {
				src->in_prolog = 0;     /* the root element starts */
				break;
			}
		}
		size_t keep = wl < 15 ? wl : 15;
		memcpy(src->tail, win + wl - keep, keep);
		src->ntail = keep;
		i += take;
	}
	return 0;
}

static int src_read(void *ctx, char *buf, int len)
{
	struct source *src = ctx;
	int n;

	if (src->mem) {
		size_t left = src->memlen - src->mempos;
		n = (int)(left < (size_t)len ? left : (size_t)len);
		memcpy(buf, src->mem + src->mempos, (size_t)n);
		src->mempos += (size_t)n;
	} else {
		ssize_t got;
		do
			got = read(src->fd, buf, (size_t)len);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		n = (int)got;
	}
	if (src->in_prolog && scan_prolog(src, buf, n) < 0)
		return -1;
	return n;
}

static int src_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int read_source(eu_apps *A, struct source *src, const char *name, eu_writer *w)
{
	const struct profile *p = NULL;
	xmlXPathContextPtr ctx = NULL;
	xmlNodePtr root = NULL;
	xmlDocPtr doc = NULL;
	eu_buf val[EU_NCANON], warn = EU_BUF_INIT;
	int status = EU_EXIT_OK, rc = 1, advanced = 0;
	unsigned long records = 0;
	long last_line = 0;

	src->in_prolog = 1;
	src->line = 1;
	A->refused = &src->refused;
	xmlTextReaderPtr r = xmlReaderForIO(src_read, src_close, src, name, NULL, XML_OPTIONS);
	if (!r) {
		if (src->refused) {
			eu_warn_at(name, src->line, "document type declaration refused: exports must not carry a DTD or entity declarations");
			A->refused = NULL;
			return EU_EXIT_INPUT;
		}
		eu_warn_at(name, 0, "cannot start the XML reader");
		A->refused = NULL;
		return EU_EXIT_INPUT;
	}
	for (int i = 0; i < EU_NCANON; i++)
		val[i] = (eu_buf)EU_BUF_INIT;
	A->file = name;
	A->errors_shown = 0;
	A->quiet = 0;
	xmlTextReaderSetStructuredErrorHandler(r, xml_error, A);

	for (;;) {
		/* After Next() the reader already stands on the following
		 * node, which must be looked at before reading on. */
		if (!advanced && (rc = xmlTextReaderRead(r)) != 1)
			break;
		advanced = 0;
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			src->refused = 1;
			rc = -1;
			break;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		const char *local = (const char *)xmlTextReaderConstLocalName(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		if (!p) {
			p = detect(A, local, ns);
			if (!p) {
				xmlNodePtr cur = xmlTextReaderCurrentNode(r);
				eu_warn_at(name, cur ? xmlGetLineNo(cur) : xmlTextReaderGetParserLineNumber(r),
					   "no profile matches the root element {%s}%s; name one with --profile",
					   ns ? ns : "", local);
				status = EU_EXIT_INPUT;
				goto done;
			}
			/* Not xmlTextReaderCurrentDoc(): it makes the reader
			 * keep every node, and memory would grow with the file. */
			root = xmlTextReaderCurrentNode(r);
			ctx = xmlXPathNewContext(root ? root->doc : NULL);
			for (size_t i = 0; i < p->nns; i++)
				xmlXPathRegisterNs(ctx, (const xmlChar *)p->ns_prefix[i], (const xmlChar *)p->ns_uri[i]);
		}
		if (strcmp(local, p->rec_local) != 0 || strcmp(ns ? ns : "", p->rec_ns ? p->rec_ns : "") != 0)
			continue;
		xmlNodePtr node = xmlTextReaderExpand(r);
		if (!node) {
			rc = -1;
			break;
		}
		last_line = xmlGetLineNo(node);
		emit_node(A, p, ctx, node, last_line, name, w, val, &warn, &status, NULL);
		records++;
		if (eu_writer_error(w))
			goto done;
		if ((rc = xmlTextReaderNext(r)) != 1)
			break;
		advanced = 1;
	}
	if (rc < 0 && src->refused)
		goto refused;
	if (rc < 0) {
		A->quiet = 1;
		/* Reading is over, so keeping the tree no longer costs memory:
		 * now it is safe to take the document and walk what was built. */
		doc = xmlTextReaderCurrentDoc(r);
		if (!root && doc)
			root = xmlDocGetRootElement(doc);
		if (!p && root) {
			const char *rns = root->ns && root->ns->href ? (const char *)root->ns->href : "";
			p = detect(A, (const char *)root->name, rns);
			if (p) {
				ctx = xmlXPathNewContext(doc);
				for (size_t i = 0; i < p->nns; i++)
					xmlXPathRegisterNs(ctx, (const xmlChar *)p->ns_prefix[i], (const xmlChar *)p->ns_uri[i]);
			}
		}
		if (p && root)
			salvage(A, p, ctx, root, last_line, name, w, val, &warn, &status, &records);
		eu_warn_at(name, 0, "not well-formed XML: %lu complete records were kept", records);
		status = EU_EXIT_INPUT;
	} else if (!p) {
		eu_warn_at(name, 0, "no XML element found");
		status = EU_EXIT_INPUT;
	}
	goto done;
refused:
	eu_warn_at(name, src->line, "document type declaration refused: exports must not carry a DTD or entity declarations");
	status = EU_EXIT_INPUT;
done:
	xmlXPathFreeContext(ctx);
	xmlFreeTextReader(r);
	xmlFreeDoc(doc);     /* only set when taken from the reader above */
	A->refused = NULL;
	for (int i = 0; i < EU_NCANON; i++)
		eu_buf_free(&val[i]);
	eu_buf_free(&warn);
	A->file = NULL;
	return status;
}

int eu_apps_read_fd(eu_apps *A, int fd, const char *name, eu_writer *w)
{
	struct source src = {.fd = fd};

	return read_source(A, &src, name, w);
}

int eu_apps_read_mem(eu_apps *A, const char *buf, size_t len, const char *name, eu_writer *w)
{
	struct source src = {.fd = -1, .mem = buf ? buf : "", .memlen = len};

	return read_source(A, &src, name, w);
}
