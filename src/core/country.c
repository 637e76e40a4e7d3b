/* Country cells as exports write them: ISO codes (DK), EU codes (EL, UK),
 * three-letter codes (DNK) and names in many languages (Danmark, Denmark,
 * Dänemark).  Staff list the spellings in countries.csv; the cell is
 * folded (eu_fold) and looked up, so case and accents never decide. */
#include <stdlib.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/core/config.h"
#include "euprio/core/country.h"
#include "euprio/core/diag.h"
#include "euprio/core/strmap.h"
#include "euprio/core/text.h"

struct eu_countries {
	eu_strmap spelling;      /* folded spelling -> code (char[3], owned) */
	char home[3];
};

static int is_code(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

eu_countries *eu_countries_load(const char *dir)
{
	static const char *const req[] = {"code", "spelling", NULL};
	eu_countries *C = eu_xcalloc(1, sizeof *C);
	eu_table t;
	eu_settings s;
	int rc = 0;

	if (eu_table_load(&t, dir, "countries.csv", req) < 0) {
		rc = -1;
	} else {
		long cc = eu_table_col(&t, "code"), cs = eu_table_col(&t, "spelling");
		eu_buf f = EU_BUF_INIT;
		for (size_t r = 0; r < t.nrows; r++) {
			const char *code = eu_table_get(&t, r, cc), *sp = eu_table_get(&t, r, cs);
			if (!is_code(code)) {
				eu_table_error(&t, r, cc, "code must be an ISO 3166 alpha-2 code in capitals, not '%s'", code);
				rc = -1;
				continue;
			}
			eu_buf_clear(&f);
			eu_fold(&f, sp, strlen(sp));
			if (!f.len) {
				eu_table_error(&t, r, cs, "a spelling needs letters");
				rc = -1;
				continue;
			}
			char *dup = eu_xstrdup(code);
			const char *had = eu_strmap_get(&C->spelling, f.p, f.len, NULL);
			if (had && strcmp(had, code) != 0) {
				eu_table_error(&t, r, cs, "'%s' already names %s", sp, had);
				rc = -1;
			}
			if (!eu_strmap_add(&C->spelling, f.p, f.len, dup))
				free(dup);
		}
		eu_buf_free(&f);
	}
	eu_table_free(&t);
	if (eu_settings_load(&s, dir, "settings.csv") == 0) {
		const char *h = eu_setting_str(&s, "home_country");
		if (!h)
			rc = -1;
		else if (!is_code(h)) {
			eu_table_error(&s.t, (size_t)eu_setting_row(&s, "home_country"), s.cval,
				       "home_country must be an ISO 3166 alpha-2 code in capitals, not '%s'", h);
			rc = -1;
		} else {
			memcpy(C->home, h, 3);
		}
	} else {
		rc = -1;
	}
	eu_settings_free(&s);
	if (rc) {
		eu_countries_free(C);
		return NULL;
	}
	return C;
}

void eu_countries_free(eu_countries *C)
{
	if (!C)
		return;
	eu_strmap_free(&C->spelling, free);
	free(C);
}

int eu_country_code(const eu_countries *C, const char *s, size_t len, char code[3])
{
	eu_buf f = EU_BUF_INIT;
	int known = 0;

	/* A buffer of its own per call, so that threads may share C. */
	code[0] = '\0';
	eu_fold(&f, s, len);
	const char *c = f.len ? eu_strmap_get(&C->spelling, f.p, f.len, NULL) : NULL;
	if (c) {
		memcpy(code, c, 3);
		known = 1;
	} else if (f.len == 2 && f.p[0] >= 'a' && f.p[0] <= 'z' && f.p[1] >= 'a' && f.p[1] <= 'z') {
		code[0] = (char)(f.p[0] - 32);
		code[1] = (char)(f.p[1] - 32);
		code[2] = '\0';
		known = 1;
	}
	eu_buf_free(&f);
	return known;
}

int eu_country_is_home(const eu_countries *C, const char *s, size_t len)
{
	char code[3];

	return eu_country_code(C, s, len, code) && strcmp(code, C->home) == 0;
}

const char *eu_country_home(const eu_countries *C)
{
	return C->home;
}
