/* The input limits (limits.h), read from settings.csv. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "euprio/core/buf.h"
#include "euprio/core/config.h"
#include "euprio/core/limits.h"

/* The shipped settings.csv's values: what a program has before it reads a
 * policy, and what euprio-cat keeps without one. */
eu_limits eu_limit = {
	.field_bytes = 8u << 20,
	.columns = 5000,
	.xml_attributes = 1000,
};

int eu_limits_load(const char *dir, int required)
{
	struct { const char *key; size_t *dst; double min, max; } keys[] = {
		{"limit.field_bytes", &eu_limit.field_bytes, 1024, 1 << 30},
		{"limit.columns", &eu_limit.columns, 16, 1000000},
		{"limit.xml_attributes", &eu_limit.xml_attributes, 16, 1000000},
	};
	eu_buf path = EU_BUF_INIT;
	struct stat st;
	eu_settings s;
	int rc = 0;

	eu_buf_printf(&path, "%s/settings.csv", dir);
	int present = stat(path.p, &st) == 0;
	eu_buf_free(&path);
	if (!present && !required)
		return 0;
	if (eu_settings_load(&s, dir, "settings.csv") < 0) {
		eu_settings_free(&s);
		return -1;
	}
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		double v;
		if (!required && eu_setting_row(&s, keys[i].key) < 0)
			continue;
		if (eu_setting_number(&s, keys[i].key, keys[i].min, keys[i].max, &v) < 0) {
			rc = -1;
			continue;
		}
		*keys[i].dst = (size_t)v;
	}
	eu_settings_free(&s);
	return rc;
}
