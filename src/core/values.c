/* Dates and amounts as people type them in Danish spreadsheets and
 * exports.  Strict about validity (31-02-2025 is refused), lenient about
 * form. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "euprio/core/text.h"
#include "euprio/core/values.h"

/* Howard Hinnant's days-from-civil algorithm (public domain description):
 * exact for the proleptic Gregorian calendar, no time zones involved. */
long eu_days_from_civil(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void eu_civil_from_days(long z, int *year, int *month, int *day)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

void eu_fmt_date(eu_buf *out, long days)
{
	int y, m, d;
	eu_civil_from_days(days, &y, &m, &d);
	eu_buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

long eu_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return eu_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int month_name(const char *s, size_t n)
{
	static const char *const names[][3] = {
		{"januar", "january", "jan"}, {"februar", "february", "feb"},
		{"marts", "march", "mar"}, {"april", "april", "apr"},
		{"maj", "may", "maj"}, {"juni", "june", "jun"},
		{"juli", "july", "jul"}, {"august", "august", "aug"},
		{"september", "september", "sep"}, {"oktober", "october", "okt"},
		{"november", "november", "nov"}, {"december", "december", "dec"},
	};
	char w[16];

	if (n == 0 || n >= sizeof w)
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)s[i]);
	w[n] = '\0';
	if (n > 1 && w[n - 1] == '.')
		w[--n] = '\0';
	for (int m = 0; m < 12; m++)
		for (int k = 0; k < 3; k++)
			if (strcmp(w, names[m][k]) == 0 || (k == 2 && strcmp(w, "oct") == 0 && m == 9))
				return m + 1;
	return 0;
}

static int read_int(const char **p, int maxdigits, int *out)
{
	int v = 0, n = 0;

	while (**p >= '0' && **p <= '9' && n < maxdigits + 1) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || n > maxdigits)
		return -1;
	*out = v;
	return n;
}

long eu_parse_date(const char *s)
{
	const char *p = s;
	int a, b, c, na, nc;

	while (*p == ' ')
		p++;
	if ((na = read_int(&p, 4, &a)) < 0)
		return -1;
	if (na == 4 && *p == '-') {                     /* ISO */
		p++;
		if (read_int(&p, 2, &b) < 0 || *p++ != '-' || read_int(&p, 2, &c) < 0)
			return -1;
		if (*p == 'T' || *p == ' ') {           /* a time part is allowed */
			p++;
			while (*p && strchr("0123456789:.+-Z", *p))
				p++;
		}
		while (*p == ' ')
			p++;
		return *p ? -1 : eu_days_from_civil(a, b, c);
	}
	if (na > 2)
		return -1;
	char sep = *p;
	if (sep == '-' || sep == '/' || (sep == '.' && p[1] >= '0' && p[1] <= '9')) {
		p++;
		if (read_int(&p, 2, &b) < 0 || *p++ != sep || (nc = read_int(&p, 4, &c)) != 4)
			return -1;
		while (*p == ' ')
			p++;
		return *p ? -1 : eu_days_from_civil(c, b, a);
	}
	/* "3. juli 2025", "15 maj 2025" */
	if (*p == '.')
		p++;
	while (*p == ' ')
		p++;
	const char *w = p;
	while (*p && *p != ' ' && !(*p >= '0' && *p <= '9'))
		p++;
	int m = month_name(w, (size_t)(p - w));
	if (!m)
		return -1;
	while (*p == ' ')
		p++;
	if (read_int(&p, 4, &c) != 4)
		return -1;
	while (*p == ' ')
		p++;
	return *p ? -1 : eu_days_from_civil(c, m, a);
}

static int word_is(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(w, *list, n) == 0)
			return 1;
	return 0;
}

int eu_parse_amount(const char *s, double *value, enum eu_currency *cur)
{
	return eu_parse_amount_dec(s, 0, value, cur);
}

int eu_parse_amount_dec(const char *s, char forced, double *value, enum eu_currency *cur)
{
	static const char *const dkk[] = {"kr", "kr.", "dkk", "kroner", "danske kroner", NULL};
	static const char *const eur[] = {"eur", "euro", "€", "eur.", NULL};
	static const char *const mio[] = {"mio", "mio.", "million", "millioner", "mill", "mill.", "m", "mn", NULL};
	static const char *const mia[] = {"mia", "mia.", "milliard", "milliarder", "bn", "billion", NULL};
	static const char *const tus[] = {"t", "t.", "tusind", "k", NULL};
	char num[64];
	size_t nn = 0;
	double scale = 1;
	int neg = 0, seen_num = 0;
	const char *p = s;

	*cur = EU_CUR_UNKNOWN;
	while (*p) {
		unsigned char ch = (unsigned char)*p;
		if (ch == ' ' || ch == '\t') {
			p++;
			continue;
		}
		if (ch == 0xc2 && (unsigned char)p[1] == 0xa0) {   /* no-break space */
			p += 2;
			continue;
		}
		if (ch >= '0' && ch <= '9') {
			if (seen_num == 2)
				return -1;      /* a second number: "1 000 or 2" */
			while ((*p >= '0' && *p <= '9') || *p == '.' || *p == ',' ||
			       (*p == ' ' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9')) {
				if (*p != ' ') {
					if (nn + 1 >= sizeof num)
						return -1;
					num[nn++] = *p;
				}
				p++;
			}
			seen_num = 2;
			continue;
		}
		if (ch == '-' && !seen_num) {
			neg = 1;
			p++;
			continue;
		}
		/* A word: currency or scale. */
		const char *w = p;
		if (ch == 0xe2 && (unsigned char)p[1] == 0x82 && (unsigned char)p[2] == 0xac) {
			p += 3;                              /* € */
		} else {
			while (*p && *p != ' ' && !(*p >= '0' && *p <= '9'))
				p++;
		}
		size_t n = (size_t)(p - w);
		/* "mio.kr." arrives glued: split at an inner dot once. */
		const char *dot = memchr(w, '.', n);
		if (dot && dot + 1 < w + n && !word_is(w, n, dkk) && !word_is(w, n, mio)) {
			p = dot + 1;
			n = (size_t)(dot + 1 - w);
		}
		if (word_is(w, n, dkk))
			*cur = EU_CUR_DKK;
		else if (word_is(w, n, eur) || (n == 3 && memcmp(w, "\xe2\x82\xac", 3) == 0))
			*cur = EU_CUR_EUR;
		else if (word_is(w, n, mio))
			scale = 1e6;
		else if (word_is(w, n, mia))
			scale = 1e9;
		else if (word_is(w, n, tus))
			scale = 1e3;
		else if (n == 1 && (*w == '.' || *w == ','))
			;
		else
			return -1;
	}
	if (!seen_num || nn == 0)
		return -1;
	num[nn] = '\0';

	/* Which separator is the decimal one?  Both present: the last.  Only
	 * dots: thousands when several, or when exactly three digits follow
	 * the only one (Danish 15.414 = 15414); else decimal.  Only commas:
	 * several are thousands (English), one is the Danish decimal comma. */
	char *ld = strrchr(num, '.'), *lc = strrchr(num, ',');
	char dec = 0;
	if (forced)
		dec = forced;
	else if (ld && lc)
		dec = ld > lc ? '.' : ',';
	else if (ld) {
		int several = strchr(num, '.') != ld;
		dec = (several || (strlen(ld + 1) == 3 && scale == 1)) ? 0 : '.';
	} else if (lc) {
		dec = strchr(num, ',') != lc ? 0 : ',';
	}
	char clean[64];
	size_t k = 0;
	int seen_dec = 0;
	for (size_t i = 0; i < nn; i++) {
		if (num[i] == dec) {
			if (seen_dec)
				return -1;
			seen_dec = 1;
			clean[k++] = '.';
		} else if (num[i] == '.' || num[i] == ',') {
			continue;
		} else {
			clean[k++] = num[i];
		}
	}
	clean[k] = '\0';
	if (k == 0 || (k == 1 && clean[0] == '.'))
		return -1;
	char *end;
	double v = strtod(clean, &end);
	if (*end || !isfinite(v))
		return -1;
	v *= scale;
	if (neg)
		v = -v;
	if (fabs(v) >= 1e12)
		return -1;
	*value = v;
	return 0;
}

int eu_parse_number(const char *s, size_t len, int flags, double *out)
{
	char tmp[64];
	size_t i = 0, digits = 0, k = 0;

	if (len == 0 || len >= sizeof tmp)
		return -1;
	if (s[i] == '-' || s[i] == '+')
		tmp[k++] = s[i++];
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		tmp[k++] = s[i];
	if (i < len && (s[i] == '.' || ((flags & EU_NUM_COMMA) && s[i] == ','))) {
		size_t frac = 0;
		tmp[k++] = '.';
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac++)
			tmp[k++] = s[i];
		if (!frac)
			return -1;
	}
	if (i != len || !digits)
		return -1;
	tmp[k] = '\0';
	*out = strtod(tmp, NULL);
	return 0;
}

double eu_to_eur(double v, enum eu_currency cur, enum eu_currency dflt, double dkk_rate)
{
	if (cur == EU_CUR_UNKNOWN)
		cur = dflt;
	return cur == EU_CUR_DKK ? v / dkk_rate : v;
}
