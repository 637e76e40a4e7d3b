/* euprio-apps' stage object: settings and profiles loaded once, the
 * scratch buffers kept across records, and the canonical header.  The
 * profile compiler is profile.c, the mapping map.c, the duplicate-id
 * detector dups.c and the XML reader xml.c. */
#include <stdlib.h>

#include "apps_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stream/schema.h"

eu_apps *eu_apps_new(const char *config_dir, const char *profile)
{
	eu_apps *A = eu_xcalloc(1, sizeof *A);
	int rc = 0;

	apps_xml_init();
	/* Tests compare the simple paths with XPath on the same inputs. */
	A->xpath_only = getenv("EUPRIO_XPATH_ONLY") != NULL;
	if (eu_settings_dkk_rate(config_dir, &A->dkk_rate) < 0)
		rc = -1;

	rc |= apps_load_profiles(A, config_dir, profile);
	if (rc) {
		eu_apps_free(A);
		return NULL;
	}
	return A;
}

void eu_apps_free(eu_apps *A)
{
	if (!A)
		return;
	for (size_t i = 0; i < A->np; i++)
		apps_profile_free(&A->p[i]);
	free(A->p);
	free(A->sel.v);
	free(A->parts.v);
	eu_buf_free(&A->raw);
	eu_buf_free(&A->cur);
	eu_buf_free(&A->tmp);
	for (int a = 0; a < EU_P_NATTR; a++)
		eu_buf_free(&A->attr[a]);
	eu_dupes_free(A->dups);
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
