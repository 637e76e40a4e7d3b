/* The words for people from config/labels.csv: one column (da or en) kept,
 * looked up by key, placeholders filled.  Shared by euprio-rank's reasons
 * and euprio-xlsx's titles so both read the same file the same way. */
#include <stdlib.h>
#include <string.h>

#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/core/labels.h"

const char *eu_lang_code(enum eu_lang lang)
{
	return lang == EU_LANG_EN ? "en" : "da";
}

int eu_labels_load(eu_labels *L, const char *dir, const char *lang, const char *const *need)
{
	static const char *const req[] = {"key", "da", "en", NULL};
	eu_table t;

	memset(L, 0, sizeof *L);
	if (eu_table_load(&t, dir, "labels.csv", req) < 0) {
		eu_table_free(&t);
		return -1;
	}
	long ck = eu_table_col(&t, "key"), cl = eu_table_col(&t, strcmp(lang, "en") == 0 ? "en" : "da");
	L->key = eu_xcalloc(t.nrows + 1, sizeof *L->key);
	L->text = eu_xcalloc(t.nrows + 1, sizeof *L->text);
	for (size_t r = 0; r < t.nrows; r++) {
		L->key[L->n] = eu_xstrdup(eu_table_get(&t, r, ck));
		L->text[L->n] = eu_xstrdup(eu_table_get(&t, r, cl));
		/* A key given twice: its first row holds, as it always did. */
		eu_strmap_add(&L->index, L->key[L->n], strlen(L->key[L->n]), (void *)(L->n + 1));
		L->n++;
	}
	L->path = eu_xstrdup(t.path);
	int rc = 0;
	for (size_t i = 0; need && need[i]; i++) {
		if (!eu_strmap_get(&L->index, need[i], strlen(need[i]), NULL)) {
			eu_warn_at(t.path, 0, "missing label '%s'", need[i]);
			rc = -1;
		}
	}
	eu_table_free(&t);
	return rc;
}

void eu_labels_free(eu_labels *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->key[i]);
		free(L->text[i]);
	}
	free(L->key);
	free(L->text);
	free(L->path);
	eu_strmap_free(&L->index, NULL);
	memset(L, 0, sizeof *L);
}

const char *eu_label(const eu_labels *L, const char *key)
{
	size_t at = (size_t)eu_strmap_get(&L->index, key, strlen(key), NULL);

	return at ? L->text[at - 1] : key;
}

void eu_label_vfill(const eu_labels *L, eu_buf *out, const char *key, va_list ap)
{
	const char *names[8], *vals[8];
	size_t n = 0;
	const char *nm;

	while (n < 8 && (nm = va_arg(ap, const char *))) {
		names[n] = nm;
		vals[n++] = va_arg(ap, const char *);
	}
	for (const char *p = eu_label(L, key); *p; p++) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			size_t k;
			for (k = 0; e && k < n; k++)
				if (strlen(names[k]) == (size_t)(e - p - 1) &&
				    strncmp(names[k], p + 1, (size_t)(e - p - 1)) == 0)
					break;
			if (e && k < n) {
				eu_buf_adds(out, vals[k]);
				p = e;
				continue;
			}
		}
		eu_buf_addc(out, *p);
	}
}

void eu_label_fill(const eu_labels *L, eu_buf *out, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	eu_label_vfill(L, out, key, ap);
	va_end(ap);
}

void eu_label_vappend(const eu_labels *L, eu_buf *out, const char *sep, const char *key, va_list ap)
{
	if (out->len)
		eu_buf_adds(out, sep);
	eu_label_vfill(L, out, key, ap);
}
