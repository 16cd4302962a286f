// SPDX-License-Identifier: GPL-2.0
#include "util/date.h"

void civil_date_of(int64_t t, struct civil_date *d)
{
	int64_t days = t / 86400, z = days + 719468; /* days since 0000-03-01 */
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153; /* March = 0 */
	int secs = (int)(t % 86400);

	d->sec = secs % 60;
	d->min = secs / 60 % 60;
	d->hour = secs / 3600;
	d->wday = (int)((days + 4) % 7); /* 1970-01-01: a Thursday */
	d->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	d->year = (int)(yoe + era * 400 + (d->mon < 2)) - 1900;
}
