// SPDX-License-Identifier: GPL-2.0
/* Field checks for request bodies with serde's wording (deny_unknown_fields, missing field, invalid type). */
#include "api/model_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *jobj(const char *key, ...)
{
	json_t *o = json_object();
	bool ok = o != NULL;
	va_list ap;

	va_start(ap, key);
	for (; key; key = va_arg(ap, const char *)) {
		json_t *v = va_arg(ap, json_t *);

		if (!ok)
			json_decref(v);
		else if (!v || json_object_set_new(o, key, v))
			ok = false; /* set_new released @v */
	}
	va_end(ap);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static const char *type_name(enum ftype t)
{
	switch (t) {
	case FT_STR:
		return "a string";
	case FT_BOOL:
		return "a boolean";
	case FT_INT:
		return "a non-negative integer";
	default:
		return "an object";
	}
}

static const char *json_kind(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "map";
	case JSON_ARRAY:
		return "sequence";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return json_integer_value(v) < 0 ? "negative integer" :
						   "integer";
	case JSON_REAL:
		return "floating point";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static bool type_ok(json_t *v, enum ftype t)
{
	switch (t) {
	case FT_STR:
		return json_is_string(v);
	case FT_BOOL:
		return json_is_boolean(v);
	case FT_INT:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	default:
		return json_is_object(v);
	}
}

int check_fields_opt(json_t *o, const struct fspec *spec, size_t n,
		     bool all_optional, struct pv_error *err)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(o))
		return pv_seterr(err, EBADMSG,
				 "invalid type: %s, expected a JSON object",
				 o ? json_kind(o) : "nothing");
	json_object_foreach(o, key, v)
	{
		for (i = 0; i < n; i++)
			if (!strcmp(spec[i].name, key))
				break;
		if (i == n) {
			char list[256] = "";
			size_t l = 0;

			for (size_t j = 0; j < n && l < sizeof(list); j++)
				l += (size_t)snprintf(
					list + l, sizeof(list) - l, "%s`%s`",
					j ? ", " : "", spec[j].name);
			return pv_seterr(err, EBADMSG,
					 "unknown field `%.64s`, expected %s%s",
					 key, n > 1 ? "one of " : "", list);
		}
		/* null stands for "not given" (serde's Option) when optional. */
		if (json_is_null(v) && !spec[i].required)
			continue;
		if (!type_ok(v, spec[i].type))
			return pv_seterr(
				err, EBADMSG,
				"invalid type: %s, expected %s for field `%s`",
				json_kind(v), type_name(spec[i].type),
				spec[i].name);
	}
	for (i = 0; i < n && !all_optional; i++)
		if (spec[i].required && !json_object_get(o, spec[i].name))
			return pv_seterr(err, EBADMSG, "missing field `%s`",
					 spec[i].name);
	return 0;
}

int check_fields(json_t *o, const struct fspec *spec, size_t n,
		 struct pv_error *err)
{
	return check_fields_opt(o, spec, n, false, err);
}

json_t *field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

const char *str_of(json_t *o, const char *key)
{
	return json_string_value(field(o, key));
}

int check_bucket(json_t *o, const char *what, struct pv_error *err)
{
	static const struct fspec f[] = {
		{ "size", FT_INT, true },
		{ "refill_time", FT_INT, true },
		{ "one_time_burst", FT_INT, false },
	};
	json_int_t size, ms;
	struct pv_error e;

	if (check_fields(o, f, ARRAY_LEN(f), &e))
		return pv_seterr(err, EBADMSG, "%s: %s", what, e.msg);
	/*
	 * Firecracker's TokenBucket::new() makes no bucket (no limit) of a
	 * size or refill_time of 0; any other bucket would throttle, which
	 * passvm's devices cannot do.
	 */
	size = json_integer_value(json_object_get(o, "size"));
	ms = json_integer_value(json_object_get(o, "refill_time"));
	if (size && ms)
		return pv_seterr(
			err, EINVAL,
			"%s: passvm does not support rate limiting (size %lld per %lld ms): leave it out or give size 0",
			what, (long long)size, (long long)ms);
	return 0;
}

int rate_limiter_text(json_t *rl, const char *what, char **text,
		      struct pv_error *err)
{
	static const struct fspec f[] = {
		{ "bandwidth", FT_OBJ, false },
		{ "ops", FT_OBJ, false },
	};
	struct pv_error e;
	char sub[64];
	json_t *b;
	int ret;

	*text = NULL;
	if (!rl || json_is_null(rl))
		return 0;
	if (check_fields(rl, f, ARRAY_LEN(f), &e))
		return pv_seterr(err, EBADMSG, "%s: %s", what, e.msg);
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		b = field(rl, f[i].name);
		snprintf(sub, sizeof(sub), "%s.%s", what, f[i].name);
		ret = b ? check_bucket(b, sub, err) : 0;
		if (ret)
			return ret;
	}
	*text = json_dumps(rl, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*text)
		return pv_seterr(err, ENOMEM, "out of memory");
	return 0;
}

int check_id(const char *path_id, const char *body_id, const char *field,
	     struct pv_error *err)
{
	if (!vm_id_valid(body_id, false))
		return pv_seterr(
			err, EINVAL,
			"%s '%s': invalid id: use 1 to %d letters, digits or '_'",
			field, body_id, VM_ID_MAX);
	if (path_id && strcmp(path_id, body_id))
		return pv_seterr(
			err, EINVAL,
			"The id from the path does not match the id from the body! (%s '%s', path '%s')",
			field, body_id, path_id);
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Firecracker's resources passvm lacks: API path prefix, config-file key. */
static const char *const lacks[][3] = {
	{ "/mmds", "mmds-config", "MMDS (the metadata service)" },
	{ "/balloon", "balloon", "the balloon device" },
	{ "/entropy", "entropy", "the entropy device" },
	{ "/cpu-config", "cpu-config", "custom CPU templates" },
	{ "/hotplug", "memory-hotplug", "memory hotplug" },
	{ "/pmem", "pmem", "pmem devices" },
	{ "/snapshot", NULL, "snapshots" },
};

const char *fc_lacks(size_t i, const char **prefix, const char **key)
{
	if (i >= ARRAY_LEN(lacks))
		return NULL;
	*prefix = lacks[i][0];
	*key = lacks[i][1];
	return lacks[i][2];
}
