/* euprio-apps' profile compiler: reads the tables in config/profiles into
 * rules with precompiled XPaths, and with a simple path wherever the XPath
 * is one (walked directly over the tree, see map.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "apps_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/text.h"
#include "euprio/stream/partners.h"
#include "euprio/stream/schema.h"

/* XPath compile errors during profile loading go here, not to the
 * reader's handler (xml.c). */
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

void apps_profile_free(struct profile *p)
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
		static const char *const kinds[K_NKIND] = {
			[K_CONST] = "const", [K_FIELD] = "field", [K_TEXT] = "text", [K_LIST] = "list",
			[K_DATE] = "date", [K_AMOUNT] = "amount", [K_PARTNERS] = "partners", [K_PARTNER] = "partner",
		};
		int k = eu_table_enum(&t, r, ck, "kind", kinds, K_NKIND);
		if (k < 0) {
			rc = -1;
			continue;
		}
		ru.kind = (enum kind)k;
		if (ru.kind == K_PARTNER) {
			ru.col = eu_pattr_index(col);
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

int apps_load_profiles(eu_apps *A, const char *config_dir, const char *profile)
{
	int rc = 0;

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
		char **names;
		long got = eu_table_dir(dir.p, &names);
		if (got < 0) {
			rc = -1;
		} else {
			size_t n = (size_t)got;
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
	return rc;
}
