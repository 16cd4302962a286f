/* SPDX-License-Identifier: GPL-2.0 */
/* Field-by-field checks of JSON request bodies, shared by api/model.c and api/config.c; jobj() builds replies. */
#ifndef PASSVM_API_MODEL_UTIL_H
#define PASSVM_API_MODEL_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"
#include "vmm/vm_config.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum ftype { FT_STR, FT_BOOL, FT_INT, FT_OBJ };

/* One field of a request body, as the swagger's schema names it. */
struct fspec {
	const char *name;
	enum ftype type;
	bool required;
};

/*
 * check_fields() - @o must be an object whose every key is in @spec (else
 * "unknown field `x`, expected one of ..."), with the type @spec gives
 * (integers: non-negative JSON integers), and every required field present
 * ("missing field `x`"). check_fields_opt() with @all_optional (PATCH)
 * requires nothing. Returns 0 or -EBADMSG with the message in @err.
 */
int check_fields(json_t *o, const struct fspec *spec, size_t n,
		 struct pv_error *err);
int check_fields_opt(json_t *o, const struct fspec *spec, size_t n,
		     bool all_optional, struct pv_error *err);

/*
 * jobj() - a new JSON object holding the (key, value) pairs given, the
 * list ended by a NULL key. The values are json_t * (json_string(),
 * json_integer(), json_boolean(), another jobj()) whose references the
 * object takes, as json_pack("{s:o}") takes them; keys are C string
 * literals (not checked for UTF-8). Returns NULL, every value released,
 * when a value is NULL (json_string(NULL), a failed constructor) or memory
 * runs out: json_pack's behaviour, without its format parser in the
 * release binary (issue #8).
 */
json_t *jobj(const char *key, ...) __attribute__((sentinel));

/* field() - member @key of @o; NULL when absent or null (serde's None). */
json_t *field(json_t *o, const char *key);

/* str_of() - the string member @key of @o, or NULL. */
const char *str_of(json_t *o, const char *key);

/*
 * check_bucket() - a TokenBucket {size, refill_time (ms), one_time_burst?}
 * (swagger TokenBucket). One that limits nothing (size or refill_time 0:
 * Firecracker builds no bucket) is accepted; one that would throttle is
 * refused with -EINVAL (passvm has no rate limiter). Returns 0, -EBADMSG
 * (shape) or -EINVAL.
 */
int check_bucket(json_t *o, const char *what, struct pv_error *err);

/*
 * rate_limiter_text() - check a RateLimiter {bandwidth?, ops?} (@rl may be
 * NULL: *@text = NULL) and give it back as compact JSON text in *@text
 * (malloc'd, the caller frees): only a limiter that limits nothing (see
 * check_bucket()). Returns 0, -EBADMSG, -EINVAL or -ENOMEM.
 */
int rate_limiter_text(json_t *rl, const char *what, char **text,
		      struct pv_error *err);

/*
 * check_id() - a resource id in a body (@field names it) is valid
 * (vm_id_valid) and equals @path_id, the URL's (NULL: a config file's);
 * else -EINVAL with Firecracker's "The id from the path does not match
 * the id from the body!".
 */
int check_id(const char *path_id, const char *body_id, const char *field,
	     struct pv_error *err);

/*
 * fc_lacks() - entry @i of Firecracker's resources passvm lacks (swagger
 * firecracker.yaml 1.17): what it is, its API path prefix in *@prefix and
 * its config-file key in *@key (NULL: none); NULL past the last entry.
 * The router and the config file refuse them, saying so.
 */
const char *fc_lacks(size_t i, const char **prefix, const char **key);

/* parse_mac() - "06:00:c0:a8:00:02" into @mac. Returns 0 or -EINVAL. */
int parse_mac(const char *s, uint8_t mac[6]);

#endif
