/* A sovstack plugin in freestanding C: no libc, no SDK, no imports. It judges the processor
 * layer the way the ABI documentation ("Criteria", "Scoring", "Refusals" in
 * crates/abi/src/lib.rs) specifies, for the criteria jurisdiction, openness, known_attribution,
 * assessed and concentration, under both scoring methods.
 *
 * It is meant as a template for an outside author: every ABI obligation is in this one file,
 * marked "ABI:". The JSON reader is jsmn (vendor/jsmn.h, MIT, as Debian packages it in
 * libjsmn-dev 1.1.0-2); the writer is below. Its messages are its own words: the ABI fixes what a
 * finding says (rule, item, severity, objective, level, actors) and leaves the sentence to the
 * plugin.
 *
 * Build: make (clang --target=wasm32-unknown-unknown, wasm-ld). See README.md. */

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include "vendor/jsmn.h"

#include <stddef.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name), visibility("default")))

/* ---------------------------------------------------------------------------------------------
 * ABI: the manifest, a custom section named sovstack_manifest holding JSON (manifest.json, byte
 * for byte), read by `sovstack plugin inspect` without running the module. clang 14 ignores a
 * section attribute on C data for wasm custom sections, so the assembler writes it. */
#ifndef SOVSTACK_NATIVE
__asm__(".section .custom_section.sovstack_manifest,\"\",@\n"
        ".incbin \"manifest.json\"\n"
        ".text\n");
#endif

/* ABI: what sovstack_info returns. The criteria listed are the only ones this plugin judges; a
 * rule with another is refused with request/unsupported-criterion. */
static const char INFO[] =
    "{\"name\":\"c-processor\",\"version\":\"0.1.0\",\"abi_version\":1,"
    "\"layers\":[\"processor\"],"
    "\"criteria\":[\"jurisdiction\",\"openness\",\"known_attribution\",\"assessed\","
    "\"concentration\",\"supported\"],"
    "\"description\":\"Judges processors (jurisdiction, openness, known attribution, "
    "assessment, concentration, support): a plugin in freestanding C, a template for outside "
    "authors.\"}";

/* The roles of the processor layer (the ABI's "Roles" table). */
static const char *const ROLES[] = {"isa_owner", "core_designer", "soc_vendor", "foundry"};
#define NROLES 4

/* ---------------------------------------------------------------------------------------------
 * Memory. ABI: every call runs in a fresh instance, so nothing is ever freed: a bump allocator
 * over the heap, growing the linear memory as needed. The host's memory limit stops a plugin that
 * asks for too much; here a failed memory.grow traps. */

#ifdef SOVSTACK_NATIVE
#include <string.h> /* the C library's memcpy and memset */
/* A native build (fuzz.c, the tests of the reader): the heap is a static arena, emptied between
 * calls as a fresh instance would be. */
static unsigned char arena[256u << 20];
static size_t arena_used;

static void *bump(size_t n) {
    size_t at = (arena_used + 7) & ~(size_t)7;
    if (n > sizeof arena - at) __builtin_trap();
    arena_used = at + n;
    return arena + at;
}
#else
extern unsigned char __heap_base;
static uintptr_t heap_top;

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

static void *bump(size_t n) {
    if (!heap_top) heap_top = (uintptr_t)&__heap_base;
    uintptr_t at = (heap_top + 7) & ~(uintptr_t)7;
    if (n > UINT32_MAX - at) __builtin_trap();
    uint64_t end = (uint64_t)at + n;
    uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        size_t pages = (size_t)((end - have + 65535u) / 65536u);
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
    }
    heap_top = (uintptr_t)end;
    return (void *)at;
}

/* ABI: sovstack_alloc(len) reserves len bytes the host writes the request into. */
EXPORT("sovstack_alloc") int32_t sovstack_alloc(int32_t len) {
    if (len < 0) __builtin_trap();
    return (int32_t)(uintptr_t)bump((size_t)len);
}

/* ABI: sovstack_abi_version() is 1. */
EXPORT("sovstack_abi_version") int32_t sovstack_abi_version(void) { return 1; }

/* ABI: outputs are returned as (ptr << 32) | len. They may point at static data (INFO below). */
static int64_t pack(const void *ptr, size_t len) {
    return (int64_t)(((uint64_t)(uintptr_t)ptr << 32) | (uint64_t)(uint32_t)len);
}

EXPORT("sovstack_info") int64_t sovstack_info(void) { return pack(INFO, sizeof(INFO) - 1); }
#endif

#ifdef SOVSTACK_IMPORT_PROBE
/* Only for the test that plugins/check-wasm.py and sovstack refuse a module that imports
 * something (tests/e2e/plugin_abi.rs): a clock from the host, which no plugin may have. */
__attribute__((import_module("env"), import_name("clock_ms"))) extern int32_t clock_ms(void);
EXPORT("probe") int32_t probe(void) { return clock_ms(); }
#endif

/* ---------------------------------------------------------------------------------------------
 * Strings and the output buffer. */

typedef struct {
    const char *p; /* NULL: absent or JSON null */
    size_t n;
} Str;

static size_t cstrlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int str_eq(Str a, const char *b) {
    size_t n = cstrlen(b);
    if (!a.p || a.n != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (a.p[i] != b[i]) return 0;
    return 1;
}

static int str_same(Str a, Str b) {
    if (!a.p || !b.p || a.n != b.n) return 0;
    for (size_t i = 0; i < a.n; i++)
        if (a.p[i] != b.p[i]) return 0;
    return 1;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* Country and bloc codes compare ignoring ASCII case (ABI, "Criteria"). */
static int str_same_nocase(Str a, Str b) {
    if (!a.p || !b.p || a.n != b.n) return 0;
    for (size_t i = 0; i < a.n; i++)
        if (lower(a.p[i]) != lower(b.p[i])) return 0;
    return 1;
}

static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* A blank name or country counts as not established: NULL when absent or blank. Trims ASCII
 * white space only (the SDK trims Unicode white space too). */
static Str known(Str s) {
    if (!s.p) return s;
    while (s.n && is_space(s.p[0])) s.p++, s.n--;
    while (s.n && is_space(s.p[s.n - 1])) s.n--;
    if (!s.n) s.p = NULL;
    return s;
}

typedef struct {
    char *p;
    size_t len, cap;
} Buf;

static void put_bytes(Buf *b, const char *s, size_t n) {
    if (!n) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n) cap *= 2;
        char *p = bump(cap);
        if (b->len) memcpy(p, b->p, b->len);
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put(Buf *b, const char *s) { put_bytes(b, s, cstrlen(s)); }
static void put_str(Buf *b, Str s) { put_bytes(b, s.p, s.n); }

static void put_uint(Buf *b, uint64_t v) {
    char digits[24];
    int n = 0;
    do digits[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n) put_bytes(b, &digits[--n], 1);
}

/* A JSON string: quotes, and escapes for the quote, the backslash and control characters. */
static void put_json(Buf *b, Str s) {
    static const char hex[] = "0123456789abcdef";
    put(b, "\"");
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"') put(b, "\\\"");
        else if (c == '\\') put(b, "\\\\");
        else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put_bytes(b, e, 6);
        } else put_bytes(b, (const char *)&c, 1);
    }
    put(b, "\"");
}

static void put_json_or_null(Buf *b, Str s) {
    if (s.p) put_json(b, s);
    else put(b, "null");
}

/* ---------------------------------------------------------------------------------------------
 * Numbers. ABI ("Scoring"): scores are rounded to two decimals, shares and the index to four,
 * half away from zero: round(x, d) = round_half_away(x * 10^d) / 10^d. */

static double round_half_away(double x) {
    double t = __builtin_trunc(x);
    double r = x - t;
    if (r >= 0.5) t += 1.0;
    else if (r <= -0.5) t -= 1.0;
    return t;
}

static double round_to(double x, int decimals) {
    double scale = decimals == 2 ? 100.0 : 10000.0;
    return round_half_away(x * scale) / scale;
}

static int is_finite(double x) { return x - x == 0.0; }

/* A value already rounded to `decimals` places, written with them: k / 10^d read back by any
 * correct JSON reader is the nearest double to that decimal, which is the rounded value. */
static void put_fixed(Buf *b, double v, int decimals) {
    double scale = decimals == 2 ? 100.0 : 10000.0;
    double k = round_half_away(v * scale);
    if (k < 0) put(b, "-"), k = -k;
    uint64_t whole = (uint64_t)k;
    uint64_t s = (uint64_t)scale;
    put_uint(b, whole / s);
    put(b, ".");
    char frac[4];
    uint64_t f = whole % s;
    for (int i = decimals - 1; i >= 0; i--) frac[i] = (char)('0' + f % 10), f /= 10;
    put_bytes(b, frac, (size_t)decimals);
}

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A JSON number. Exact (correctly rounded) when its significant digits fit 2^53 and its decimal
 * exponent is within 22 (every number sovstack writes: serde_json prints the shortest form);
 * otherwise within a few units in the last place. 0 when the text is not a JSON number. */
static int parse_number(const char *s, size_t n, double *out, int *integral) {
    size_t i = 0;
    int neg = 0, exp = 0, digits = 0;
    uint64_t m = 0;
    *integral = 1;
    if (i < n && s[i] == '-') neg = 1, i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return 0;
    if (s[i] == '0' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') return 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (digits < 19) m = m * 10 + (uint64_t)(s[i] - '0'), digits += (m != 0);
        else exp++;
    }
    if (i < n && s[i] == '.') {
        *integral = 0;
        i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (digits < 19) m = m * 10 + (uint64_t)(s[i] - '0'), digits += (m != 0), exp--;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        *integral = 0;
        i++;
        int eneg = 0, e = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i] == '-', i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000) e = e * 10 + (s[i] - '0');
        exp += eneg ? -e : e;
    }
    if (i != n) return 0;
    double v = (double)m;
    if (m != 0) {
        while (exp > 22) {
            v *= 1e22, exp -= 22;
            if (!is_finite(v)) exp = 0; /* overflowed: infinity */
        }
        while (exp < -22) {
            v /= 1e22, exp += 22;
            if (v == 0.0) exp = 0; /* underflowed: zero */
        }
        if (exp > 0) v *= POW10[exp];
        else if (exp < 0) v /= POW10[-exp];
    }
    *out = neg ? -v : v;
    return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Reading the request: jsmn's tokens, then plain structs. */

static const char *js;
static jsmntok_t *tok;
static int ntok;

/* The token after the whole value that starts at t. */
static int skip(int t) {
    int pending = 1;
    while (pending > 0 && t < ntok) pending += tok[t].size - 1, t++;
    return t;
}

/* Whether jsmn's tokens form a tree whose every object member is a key (a string) with one value,
 * so that walking them by their sizes stays within them. */
static int well_formed(void) {
    for (int t = 0; t < ntok; t++) {
        int parent = tok[t].parent;
        int is_key = parent >= 0 && tok[parent].type == JSMN_OBJECT;
        if (is_key && (tok[t].type != JSMN_STRING || tok[t].size != 1)) return 0;
        if (!is_key && tok[t].type == JSMN_STRING && tok[t].size != 0) return 0;
        if (!is_key && tok[t].type == JSMN_PRIMITIVE && tok[t].size != 0) return 0;
    }
    return ntok > 0 && skip(0) == ntok;
}

/* A JSON string token, unescaped to UTF-8 (pointing into the request when it has no escape). */
static int decode(int t, Str *out) {
    if (t < 0 || t >= ntok || tok[t].type != JSMN_STRING) return 0;
    const char *s = js + tok[t].start;
    size_t n = (size_t)(tok[t].end - tok[t].start), i;
    for (i = 0; i < n && s[i] != '\\'; i++) {}
    if (i == n) {
        out->p = s, out->n = n;
        return 1;
    }
    char *d = bump(n), *o = d;
    for (i = 0; i < n; i++) {
        if (s[i] != '\\') {
            *o++ = s[i];
            continue;
        }
        if (++i >= n) return 0;
        switch (s[i]) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t c = 0;
            for (int k = 0; k < 4; k++) {
                if (++i >= n) return 0;
                char h = s[i];
                c = c * 16 + (uint32_t)(h >= '0' && h <= '9'   ? h - '0'
                                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                               : 99);
                if (c > 0xffff) return 0;
            }
            if (c >= 0xd800 && c < 0xdc00) { /* a surrogate pair */
                uint32_t lo = 0;
                if (i + 6 >= n || s[i + 1] != '\\' || s[i + 2] != 'u') return 0;
                i += 2;
                for (int k = 0; k < 4; k++) {
                    char h = s[++i];
                    lo = lo * 16 + (uint32_t)(h >= '0' && h <= '9'   ? h - '0'
                                              : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                              : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                                     : 99);
                    if (lo > 0xffff) return 0;
                }
                if (lo < 0xdc00 || lo > 0xdfff) return 0;
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
            } else if (c >= 0xdc00 && c < 0xe000) return 0;
            if (c < 0x80) *o++ = (char)c;
            else if (c < 0x800) *o++ = (char)(0xc0 | c >> 6), *o++ = (char)(0x80 | (c & 63));
            else if (c < 0x10000)
                *o++ = (char)(0xe0 | c >> 12), *o++ = (char)(0x80 | ((c >> 6) & 63)),
                *o++ = (char)(0x80 | (c & 63));
            else
                *o++ = (char)(0xf0 | c >> 18), *o++ = (char)(0x80 | ((c >> 12) & 63)),
                *o++ = (char)(0x80 | ((c >> 6) & 63)), *o++ = (char)(0x80 | (c & 63));
            break;
        }
        default: return 0;
        }
    }
    out->p = d, out->n = (size_t)(o - d);
    return 1;
}

static int is_null(int t) {
    return t >= 0 && t < ntok && tok[t].type == JSMN_PRIMITIVE && js[tok[t].start] == 'n';
}

/* The value of `key` in the object at t; -1 when absent. */
static int get(int obj, const char *key) {
    if (obj < 0 || obj >= ntok || tok[obj].type != JSMN_OBJECT) return -1;
    int t = obj + 1;
    for (int i = 0; i < tok[obj].size && t < ntok; i++) {
        Str k;
        if (decode(t, &k) && str_eq(k, key)) return t + 1;
        t = skip(t + 1);
    }
    return -1;
}

/* Readers: 1 when the value is there and of the right type. "opt" readers also accept absent
 * and null. */
static int read_str(int t, Str *out) { return decode(t, out); }

static int read_opt_str(int t, Str *out) {
    out->p = NULL, out->n = 0;
    if (t < 0 || is_null(t)) return 1;
    return decode(t, out);
}

static int read_num(int t, double *out) {
    int integral;
    if (t < 0 || tok[t].type != JSMN_PRIMITIVE) return 0;
    return parse_number(js + tok[t].start, (size_t)(tok[t].end - tok[t].start), out, &integral);
}

static int read_uint(int t, uint64_t max, uint64_t *out) {
    double v;
    int integral;
    if (t < 0 || tok[t].type != JSMN_PRIMITIVE) return 0;
    if (!parse_number(js + tok[t].start, (size_t)(tok[t].end - tok[t].start), &v, &integral))
        return 0;
    if (!integral || v < 0 || v > (double)max) return 0;
    *out = (uint64_t)v;
    return 1;
}

static int read_level(int t, int *out) {
    uint64_t v;
    if (!read_uint(t, 255, &v)) return 0;
    *out = (int)v;
    return 1;
}

/* An array of strings; absent reads as empty when `optional`. */
static int read_strs(int t, int optional, Str **out, int *count) {
    *out = NULL, *count = 0;
    if (t < 0) return optional;
    if (tok[t].type != JSMN_ARRAY) return 0;
    *count = tok[t].size;
    *out = bump(sizeof(Str) * (size_t)(*count + 1));
    int e = t + 1;
    for (int i = 0; i < *count; i++, e = skip(e))
        if (!decode(e, &(*out)[i])) return 0;
    return 1;
}

static int index_of(Str s, const char *const *names, int count) {
    for (int i = 0; i < count; i++)
        if (str_eq(s, names[i])) return i;
    return -1;
}

static int read_enum(int t, const char *const *names, int count, int *out) {
    Str s;
    if (!decode(t, &s)) return 0;
    *out = index_of(s, names, count);
    return *out >= 0;
}

enum { GOV_OPEN_STANDARD, GOV_COMMUNITY, GOV_FOUNDATION, GOV_COMPANY, GOV_STATE, GOV_UNKNOWN };
static const char *const GOVERNANCE[] = {"open_standard", "community", "foundation",
                                         "company",       "state",     "unknown"};
static const char *const SEVERITY[] = {"info", "low", "medium", "high", "critical"};
static const char *const CRITICALITY[] = {"low", "medium", "high", "critical"};
enum { CRIT_JURISDICTION, CRIT_OPENNESS, CRIT_KNOWN, CRIT_ASSESSED, CRIT_CONCENTRATION,
       CRIT_SUPPORTED, CRIT_DECLARED, CRIT_CERTIFIED };
static const char *const CRITERIA[] = {"jurisdiction", "openness",  "known_attribution",
                                       "assessed",     "concentration", "supported",
                                       "declared_vs_observed", "certified"};
#define SUPPORTED_CRITERIA 6 /* the first six */
static const char *const JURISDICTION_KEYS[] = {"home", "foreign", "extraterritorial", "commons",
                                                "unknown"};
enum { SEAT_HOME, SEAT_FOREIGN, SEAT_EXTRATERRITORIAL, SEAT_COMMONS, SEAT_UNKNOWN };

typedef struct {
    Str role, name, country;
    Str *blocs;
    int nblocs, nlaws, governance;
} Actor;

typedef struct {
    Str id, label, not_assessed, support_ended, support_extended;
    Actor *actors;
    int nactors, has_weight, critical, supported;
    double weight;
} Item;

typedef struct {
    Str id, layer, objective;
    int severity, criterion, nroles, levels[6], nlevels, pass_level;
    Str *roles;
    double weight, max_share, max_index;
} Rule;

typedef struct {
    Str id;
    double weight;
} Objective;

typedef struct {
    Str id;
    Str *countries, *blocs;
    int ncountries, nblocs;
} Pole;

typedef struct {
    double min_score;
    int level;
} Threshold;

typedef struct {
    uint64_t abi_version;
    Str layer, name, version;
    int bloc_balance;
    Str *home_blocs, *home_countries;
    int nhome_blocs, nhome_countries;
    Objective *objectives;
    int nobjectives;
    Pole *poles;
    int npoles;
    double commons_credit;
    Threshold *thresholds;
    int nthresholds;
    Rule *rules;
    int nrules;
    Item *items;
    int nitems;
} Request;

static int read_actor(int t, Actor *a) {
    if (t < 0 || tok[t].type != JSMN_OBJECT) return 0;
    Str *laws;
    return read_str(get(t, "role"), &a->role) && read_opt_str(get(t, "name"), &a->name) &&
           read_opt_str(get(t, "country"), &a->country) &&
           read_strs(get(t, "blocs"), 1, &a->blocs, &a->nblocs) &&
           read_strs(get(t, "laws"), 1, &laws, &a->nlaws) &&
           read_enum(get(t, "governance"), GOVERNANCE, 6, &a->governance);
}

static int read_item(int t, Item *it) {
    if (t < 0 || tok[t].type != JSMN_OBJECT) return 0;
    int w = get(t, "weight"), c = get(t, "criticality"), actors = get(t, "actors");
    if (!read_str(get(t, "id"), &it->id) || !read_str(get(t, "label"), &it->label) ||
        !read_opt_str(get(t, "not_assessed"), &it->not_assessed) ||
        !read_opt_str(get(t, "support_ended"), &it->support_ended) ||
        !read_opt_str(get(t, "support_extended"), &it->support_extended))
        return 0;
    /* "supported": true, or absent/false (the ABI omits it when false). */
    int sup = get(t, "supported");
    it->supported = sup >= 0 && tok[sup].type == JSMN_PRIMITIVE && js[tok[sup].start] == 't';
    it->has_weight = w >= 0 && !is_null(w);
    if (it->has_weight && !read_num(w, &it->weight)) return 0;
    it->critical = 0;
    if (c >= 0 && !is_null(c)) {
        int level;
        if (!read_enum(c, CRITICALITY, 4, &level)) return 0;
        it->critical = level == 3;
    }
    if (actors < 0 || tok[actors].type != JSMN_ARRAY) return 0;
    it->nactors = tok[actors].size;
    it->actors = bump(sizeof(Actor) * (size_t)(it->nactors + 1));
    int e = actors + 1;
    for (int i = 0; i < it->nactors; i++, e = skip(e))
        if (!read_actor(e, &it->actors[i])) return 0;
    return 1;
}

static int read_rule(int t, Rule *r) {
    Str title;
    if (t < 0 || tok[t].type != JSMN_OBJECT) return 0;
    if (!read_str(get(t, "id"), &r->id) || !read_str(get(t, "layer"), &r->layer) ||
        !read_str(get(t, "title"), &title) || !read_opt_str(get(t, "objective"), &r->objective) ||
        !read_enum(get(t, "severity"), SEVERITY, 5, &r->severity) ||
        !read_num(get(t, "weight"), &r->weight))
        return 0;
    int c = get(t, "criterion");
    if (c < 0 || tok[c].type != JSMN_OBJECT || tok[c].size != 1) return 0;
    if (!read_enum(c + 1, CRITERIA, 8, &r->criterion)) return 0;
    int body = c + 2;
    if (tok[body].type != JSMN_OBJECT) return 0;
    r->nroles = 0, r->roles = NULL, r->nlevels = 0;
    switch (r->criterion) {
    case CRIT_JURISDICTION:
    case CRIT_OPENNESS: {
        int levels = get(body, "levels");
        const char *const *keys = r->criterion == CRIT_JURISDICTION ? JURISDICTION_KEYS : GOVERNANCE;
        r->nlevels = r->criterion == CRIT_JURISDICTION ? 5 : 6;
        for (int i = 0; i < r->nlevels; i++)
            if (!read_level(get(levels, keys[i]), &r->levels[i])) return 0;
        if (!read_level(get(body, "pass_level"), &r->pass_level)) return 0;
        return read_strs(get(body, "roles"), 0, &r->roles, &r->nroles);
    }
    case CRIT_KNOWN: return read_strs(get(body, "roles"), 0, &r->roles, &r->nroles);
    case CRIT_CONCENTRATION:
        return read_strs(get(body, "roles"), 0, &r->roles, &r->nroles) &&
               read_num(get(body, "max_share"), &r->max_share) &&
               read_num(get(body, "max_index"), &r->max_index);
    default: return 1; /* read no further: refused as unsupported */
    }
}

static int read_request(Request *q) {
    int ruleset = get(0, "ruleset"), scoring = get(ruleset, "scoring");
    int rules = get(ruleset, "rules"), items = get(0, "items");
    int method, e;
    if (tok[0].type != JSMN_OBJECT || !read_uint(get(0, "abi_version"), UINT32_MAX, &q->abi_version) ||
        !read_str(get(0, "layer"), &q->layer) || !read_str(get(ruleset, "name"), &q->name) ||
        !read_str(get(ruleset, "version"), &q->version) ||
        !read_enum(get(scoring, "method"), (const char *const[]){"seal_weakest_link", "bloc_balance"},
                   2, &method) ||
        !read_strs(get(scoring, "home_blocs"), 1, &q->home_blocs, &q->nhome_blocs) ||
        !read_strs(get(scoring, "home_countries"), 1, &q->home_countries, &q->nhome_countries))
        return 0;
    q->bloc_balance = method == 1;
    q->commons_credit = 0;
    if (get(scoring, "commons_credit") >= 0 && !read_num(get(scoring, "commons_credit"), &q->commons_credit))
        return 0;
    int objectives = get(scoring, "objectives"), poles = get(scoring, "poles");
    int thresholds = get(scoring, "level_thresholds");
    q->nobjectives = objectives >= 0 ? tok[objectives].size : 0;
    q->npoles = poles >= 0 ? tok[poles].size : 0;
    q->nthresholds = thresholds >= 0 ? tok[thresholds].size : 0;
    if ((objectives >= 0 && tok[objectives].type != JSMN_ARRAY) ||
        (poles >= 0 && tok[poles].type != JSMN_ARRAY) ||
        (thresholds >= 0 && tok[thresholds].type != JSMN_ARRAY))
        return 0;
    q->objectives = bump(sizeof(Objective) * (size_t)(q->nobjectives + 1));
    e = objectives + 1;
    for (int i = 0; i < q->nobjectives; i++, e = skip(e)) {
        Str name;
        if (!read_str(get(e, "id"), &q->objectives[i].id) || !read_str(get(e, "name"), &name) ||
            !read_num(get(e, "weight"), &q->objectives[i].weight))
            return 0;
    }
    q->poles = bump(sizeof(Pole) * (size_t)(q->npoles + 1));
    e = poles + 1;
    for (int i = 0; i < q->npoles; i++, e = skip(e)) {
        Pole *p = &q->poles[i];
        Str name;
        if (!read_str(get(e, "id"), &p->id) || !read_str(get(e, "name"), &name) ||
            !read_strs(get(e, "countries"), 1, &p->countries, &p->ncountries) ||
            !read_strs(get(e, "blocs"), 1, &p->blocs, &p->nblocs))
            return 0;
    }
    q->thresholds = bump(sizeof(Threshold) * (size_t)(q->nthresholds + 1));
    e = thresholds + 1;
    for (int i = 0; i < q->nthresholds; i++, e = skip(e))
        if (!read_num(get(e, "min_score"), &q->thresholds[i].min_score) ||
            !read_level(get(e, "level"), &q->thresholds[i].level))
            return 0;
    if (rules < 0 || tok[rules].type != JSMN_ARRAY || items < 0 || tok[items].type != JSMN_ARRAY)
        return 0;
    q->nrules = tok[rules].size;
    q->rules = bump(sizeof(Rule) * (size_t)(q->nrules + 1));
    e = rules + 1;
    for (int i = 0; i < q->nrules; i++, e = skip(e))
        if (!read_rule(e, &q->rules[i])) return 0;
    q->nitems = tok[items].size;
    q->items = bump(sizeof(Item) * (size_t)(q->nitems + 1));
    e = items + 1;
    for (int i = 0; i < q->nitems; i++, e = skip(e))
        if (!read_item(e, &q->items[i])) return 0;
    return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Refusals (ABI, "Refusals"): the first problem, as "code: what is wrong". */

static Buf refusal;

static int refuse(const char *code, const char *what, Str name) {
    put(&refusal, code);
    put(&refusal, ": ");
    put(&refusal, what);
    if (name.p) put(&refusal, " `"), put_str(&refusal, name), put(&refusal, "`");
    return 0;
}

static Str none(void) { return (Str){NULL, 0}; }

static int valid_weight(double w) { return is_finite(w) && w >= 0; }

static int bad_level(int level) { return level > 4; }

static int country_code(Str c) {
    return c.n == 2 && c.p[0] >= 'A' && c.p[0] <= 'Z' && c.p[1] >= 'A' && c.p[1] <= 'Z';
}

/* The checks of the ruleset, in the order the ABI's reference (`semantics::check`) makes them. */
static int check_ruleset(const Request *q) {
    int kebab = q->name.n > 0;
    for (size_t i = 0; i < q->name.n; i++) {
        char c = q->name.p[i];
        kebab &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }
    if (!kebab) return refuse("ruleset/bad-name", "the ruleset's name is not kebab-case:", q->name);
    if (!known(q->version).p) return refuse("ruleset/bad-version", "the version is empty", none());
    if (!q->bloc_balance) {
        if (!q->nobjectives)
            return refuse("ruleset/missing-objectives", "seal_weakest_link needs objectives", none());
        if (!q->nhome_blocs && !q->nhome_countries)
            return refuse("ruleset/missing-home", "seal_weakest_link needs a home", none());
        if (q->npoles || q->nthresholds || q->commons_credit != 0.0)
            return refuse("ruleset/misplaced-setting", "a bloc_balance setting under seal_weakest_link", none());
    } else {
        if (!q->npoles) return refuse("ruleset/missing-poles", "bloc_balance needs poles", none());
        if (!q->nthresholds)
            return refuse("ruleset/missing-thresholds", "bloc_balance needs level_thresholds", none());
        if (!(q->commons_credit >= 0.0 && q->commons_credit <= 1.0))
            return refuse("ruleset/bad-commons-credit", "commons_credit is outside 0..1", none());
        if (q->nobjectives || q->nhome_blocs || q->nhome_countries)
            return refuse("ruleset/misplaced-setting", "a seal_weakest_link setting under bloc_balance", none());
    }
    for (int i = 0; i < q->nthresholds; i++) {
        if (bad_level(q->thresholds[i].level))
            return refuse("ruleset/bad-level", "a threshold's level is above 4", none());
        double m = q->thresholds[i].min_score;
        if (!(m >= 0.0 && m <= 100.0))
            return refuse("ruleset/bad-min-score", "a threshold's min_score is outside 0..100", none());
    }
    for (int i = 1; i < q->nthresholds; i++) {
        const Threshold *b = &q->thresholds[i - 1], *a = &q->thresholds[i];
        if (!(a->min_score < b->min_score && a->level < b->level))
            return refuse("ruleset/threshold-order", "level_thresholds must go from the highest min_score and level down", none());
    }
    if (q->nthresholds) {
        int zero = 0;
        for (int i = 0; i < q->nthresholds; i++) zero |= q->thresholds[i].min_score == 0.0;
        if (!zero)
            return refuse("ruleset/incomplete-thresholds", "level_thresholds must end at min_score 0", none());
    }
    for (int i = 0; i < q->nobjectives; i++) {
        for (int j = 0; j < i; j++)
            if (str_same(q->objectives[i].id, q->objectives[j].id))
                return refuse("ruleset/duplicate-objective", "declared twice: objective", q->objectives[i].id);
        if (!valid_weight(q->objectives[i].weight))
            return refuse("ruleset/bad-weight", "weights are finite and not negative: objective", q->objectives[i].id);
    }
    static const char *const RESERVED[] = {"commons", "other", "unknown"};
    for (int i = 0; i < q->npoles; i++) {
        const Pole *p = &q->poles[i];
        if (index_of(p->id, RESERVED, 3) >= 0)
            return refuse("ruleset/reserved-pole", "a pole takes the name of a share of its own:", p->id);
        for (int j = 0; j < i; j++)
            if (str_same(p->id, q->poles[j].id))
                return refuse("ruleset/duplicate-pole", "declared twice: pole", p->id);
        if (!p->ncountries && !p->nblocs)
            return refuse("ruleset/empty-pole", "holds no country and no bloc: pole", p->id);
        for (int j = 0; j < p->ncountries; j++)
            if (!country_code(p->countries[j]))
                return refuse("ruleset/bad-country", "not an ISO 3166-1 alpha-2 code:", p->countries[j]);
    }
    for (int j = 0; j < q->nhome_countries; j++)
        if (!country_code(q->home_countries[j]))
            return refuse("ruleset/bad-country", "not an ISO 3166-1 alpha-2 code:", q->home_countries[j]);
    for (int i = 0; i < q->nrules; i++) {
        const Rule *r = &q->rules[i];
        for (int j = 0; j < i; j++)
            if (str_same(r->id, q->rules[j].id))
                return refuse("ruleset/duplicate-rule", "declared twice: rule", r->id);
        int names_roles = r->criterion <= CRIT_KNOWN || r->criterion == CRIT_CONCENTRATION;
        if (names_roles && !r->nroles) return refuse("ruleset/no-roles", "names no role: rule", r->id);
        for (int k = 0; k < r->nroles; k++) {
            if (index_of(r->roles[k], ROLES, NROLES) < 0)
                return refuse("ruleset/unknown-role", "the processor layer has no actor in role", r->roles[k]);
            for (int j = 0; j < k; j++)
                if (str_same(r->roles[k], r->roles[j]))
                    return refuse("ruleset/duplicate-role", "a rule names twice the role", r->roles[k]);
        }
        if (!valid_weight(r->weight))
            return refuse("ruleset/bad-weight", "weights are finite and not negative: rule", r->id);
        if (!q->bloc_balance && !r->objective.p)
            return refuse("ruleset/missing-objective", "needs an objective: rule", r->id);
        if (!q->bloc_balance && q->nobjectives) {
            int declared = 0;
            for (int j = 0; j < q->nobjectives; j++) declared |= str_same(r->objective, q->objectives[j].id);
            if (!declared)
                return refuse("ruleset/unknown-objective", "scoring.objectives does not declare", r->objective);
        }
        if (q->bloc_balance && r->objective.p)
            return refuse("ruleset/misplaced-setting", "bloc_balance uses no objective: rule", r->id);
        for (int k = 0; k < r->nlevels; k++)
            if (bad_level(r->levels[k])) return refuse("ruleset/bad-level", "a level is above 4 in rule", r->id);
        if (r->nlevels && bad_level(r->pass_level))
            return refuse("ruleset/bad-level", "pass_level is above 4 in rule", r->id);
        if (r->criterion == CRIT_CONCENTRATION &&
            !(r->max_share >= 0.0 && r->max_share <= 1.0 && r->max_index >= 0.0 && r->max_index <= 1.0))
            return refuse("ruleset/bad-threshold", "max_share and max_index lie in 0..1: rule", r->id);
        if (r->criterion == CRIT_ASSESSED && r->severity < 1)
            return refuse("ruleset/bad-severity", "the severity must be low or higher: rule", r->id);
    }
    return 1;
}

/* What the request asks beyond the ruleset, in the reference's order: the layer, each rule's
 * layer and criterion, the ruleset, then the items. */
static int check_request(const Request *q) {
    if (!str_eq(q->layer, "processor"))
        return refuse("request/wrong-layer", "this plugin evaluates the processor layer, not", q->layer);
    for (int i = 0; i < q->nrules; i++) {
        if (!str_same(q->rules[i].layer, q->layer))
            return refuse("request/wrong-layer", "a rule for another layer:", q->rules[i].id);
        if (q->rules[i].criterion >= SUPPORTED_CRITERIA)
            return refuse("request/unsupported-criterion", "this plugin does not judge the criterion of rule", q->rules[i].id);
    }
    if (!check_ruleset(q)) return 0;
    double total = 0;
    for (int i = 0; i < q->nitems; i++) {
        for (int j = 0; j < i; j++)
            if (str_same(q->items[i].id, q->items[j].id))
                return refuse("request/duplicate-item", "this item appears twice:", q->items[i].id);
        if (q->items[i].has_weight && !valid_weight(q->items[i].weight))
            return refuse("request/bad-item-weight", "weights are finite and not negative: item", q->items[i].id);
        total += q->items[i].has_weight ? q->items[i].weight : 1.0;
    }
    if (!is_finite(total))
        return refuse("request/bad-item-weight", "the item weights add up to infinity", none());
    return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Judging (ABI, "Criteria"). */

static double weight_of(const Item *it) { return it->has_weight ? it->weight : 1.0; }

static int holds(const Rule *r, const Actor *a) {
    for (int k = 0; k < r->nroles; k++)
        if (str_same(r->roles[k], a->role)) return 1;
    return 0;
}

static int in_list(Str code, const Str *list, int n) {
    for (int i = 0; i < n; i++)
        if (str_same_nocase(code, list[i])) return 1;
    return 0;
}

static int shares_bloc(const Actor *a, const Str *blocs, int n) {
    for (int i = 0; i < a->nblocs; i++)
        if (in_list(a->blocs[i], blocs, n)) return 1;
    return 0;
}

static int is_commons(int governance) {
    return governance == GOV_OPEN_STANDARD || governance == GOV_COMMUNITY;
}

/* jurisdiction: first match wins. */
static int seat(const Request *q, const Actor *a) {
    Str country = known(a->country);
    if ((country.p && in_list(country, q->home_countries, q->nhome_countries)) ||
        shares_bloc(a, q->home_blocs, q->nhome_blocs))
        return SEAT_HOME;
    if (a->nlaws) return SEAT_EXTRATERRITORIAL;
    if (country.p) return SEAT_FOREIGN;
    if (is_commons(a->governance)) return SEAT_COMMONS;
    return SEAT_UNKNOWN;
}

static int actor_level(const Request *q, const Rule *r, const Actor *a) {
    if (r->criterion == CRIT_JURISDICTION) return r->levels[seat(q, a)];
    return r->levels[a->governance];
}

static const char *const SEAT_WORDS[] = {"at home", "abroad", "under an extraterritorial law",
                                         "in the commons", "in an unknown place"};

typedef struct {
    Buf out; /* the findings so far, comma-separated */
    int count;
} Findings;

static void finding_at(Findings *f, const Rule *r, const Item *it, int level, Buf *message,
                       const int *actors, int nactors, int severity) {
    Buf *b = &f->out;
    /* ABI ("Criticality"): one step up for a critical item, critical staying critical. */
    if (it && it->critical && severity < 4) severity++;
    if (f->count++) put(b, ",");
    put(b, "{\"rule\":");
    put_json(b, r->id);
    put(b, ",\"item\":");
    put_json_or_null(b, it ? it->id : none());
    put(b, ",\"severity\":\"");
    put(b, SEVERITY[severity]);
    put(b, "\",\"objective\":");
    put_json_or_null(b, r->objective);
    put(b, ",\"level\":");
    if (level >= 0) put_uint(b, (uint64_t)level);
    else put(b, "null");
    put(b, ",\"message\":");
    put_json(b, (Str){message->p, message->len});
    put(b, ",\"actors\":[");
    for (int i = 0; i < nactors; i++) {
        if (i) put(b, ",");
        put_uint(b, (uint64_t)actors[i]);
    }
    put(b, "]}");
}

static void finding(Findings *f, const Request *q, const Rule *r, const Item *it, int level,
                    Buf *message, const int *actors, int nactors) {
    (void)q;
    finding_at(f, r, it, level, message, actors, nactors, r->severity);
}

static void put_who(Buf *m, const Actor *a) {
    Str name = known(a->name);
    if (name.p) put_str(m, name);
    else put(m, "an unidentified organisation");
    put(m, " (");
    put_str(m, a->role);
    put(m, ")");
}

/* A graded rule's levels: one (level, weight) per item it judged. */
typedef struct {
    int *levels;
    double *weights;
    int n;
} Graded;

static void grade(Findings *f, const Request *q, const Rule *r, Graded *g) {
    g->levels = bump(sizeof(int) * (size_t)(q->nitems + 1));
    g->weights = bump(sizeof(double) * (size_t)(q->nitems + 1));
    g->n = 0;
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        int level = 99;
        for (int k = 0; k < it->nactors; k++)
            if (holds(r, &it->actors[k])) {
                int l = actor_level(q, r, &it->actors[k]);
                if (l < level) level = l;
            }
        if (level == 99) continue; /* no actor of the named roles: not judged */
        g->levels[g->n] = level, g->weights[g->n] = weight_of(it), g->n++;
        if (level >= r->pass_level) continue;
        Buf m = {0};
        int *below = bump(sizeof(int) * (size_t)it->nactors), nbelow = 0;
        put_str(&m, it->label);
        put(&m, ": ");
        for (int k = 0; k < it->nactors; k++) {
            const Actor *a = &it->actors[k];
            if (!holds(r, a) || actor_level(q, r, a) >= r->pass_level) continue;
            if (nbelow) put(&m, "; ");
            below[nbelow++] = k;
            put_who(&m, a);
            if (r->criterion == CRIT_JURISDICTION) {
                put(&m, " is seated ");
                put(&m, SEAT_WORDS[seat(q, a)]);
                Str c = known(a->country);
                if (c.p) put(&m, " ("), put_str(&m, c), put(&m, ")");
            } else {
                put(&m, " is governed as ");
                put(&m, GOVERNANCE[a->governance]);
            }
        }
        put(&m, ". Level ");
        put_uint(&m, (uint64_t)level);
        put(&m, " of 4; the rule asks for ");
        put_uint(&m, (uint64_t)r->pass_level);
        put(&m, " or more.");
        finding(f, q, r, it, level, &m, below, nbelow);
    }
}

static void known_attribution(Findings *f, const Request *q, const Rule *r) {
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        for (int k = 0; k < it->nactors; k++) {
            const Actor *a = &it->actors[k];
            if (!holds(r, a) || known(a->name).p) continue;
            Buf m = {0};
            put(&m, "For ");
            put_str(&m, it->label);
            put(&m, ", the organisation in role ");
            put_str(&m, a->role);
            put(&m, " is not identified.");
            finding(f, q, r, it, -1, &m, &k, 1);
        }
    }
}

static void assessed(Findings *f, const Request *q, const Rule *r) {
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        if (!it->not_assessed.p) continue;
        Buf m = {0};
        put_str(&m, it->label);
        put(&m, " could not be assessed: ");
        put_str(&m, it->not_assessed);
        finding(f, q, r, it, -1, &m, NULL, 0);
    }
}

/* supported (ABI "Criteria"): an item past its support (support_ended) is at level 0 with a
 * finding; one in its extended support window (support_extended) at level 2 with a finding one
 * severity step lower (info staying info); a supported one at 4, no finding; any other is not
 * judged. The host says why. */
static void supported(Findings *f, const Request *q, const Rule *r, Graded *g) {
    g->levels = bump(sizeof(int) * (size_t)(q->nitems + 1));
    g->weights = bump(sizeof(double) * (size_t)(q->nitems + 1));
    g->n = 0;
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        int level = it->support_ended.p ? 0 : it->support_extended.p ? 2 : it->supported ? 4 : -1;
        if (level < 0) continue;
        g->levels[g->n] = level, g->weights[g->n] = weight_of(it), g->n++;
        if (level == 4) continue;
        Buf m = {0};
        put_str(&m, it->label);
        int severity = r->severity;
        if (level == 0) {
            put(&m, " is past the end of its support: ");
            put_str(&m, it->support_ended);
        } else {
            put(&m, " is in its extended support window: ");
            put_str(&m, it->support_extended);
            if (severity > 0) severity--;
        }
        finding_at(f, r, it, level, &m, NULL, 0, severity);
    }
}

/* concentration: shares per pole (npoles), then commons, other, unknown. */
typedef struct {
    double *s; /* npoles + 3 */
    int items;
} Shares;

static int measure(const Request *q, const Rule *r, Shares *out) {
    int n = q->npoles + 3;
    double total = 0;
    int judged = 0;
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        int held = 0;
        for (int k = 0; k < it->nactors; k++) held += holds(r, &it->actors[k]);
        if (weight_of(it) > 0.0 && held) total += weight_of(it), judged++;
    }
    if (!judged || !is_finite(total)) return 0;
    out->s = bump(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) out->s[i] = 0.0;
    out->items = judged;
    for (int i = 0; i < q->nitems; i++) {
        const Item *it = &q->items[i];
        int held = 0;
        for (int k = 0; k < it->nactors; k++) held += holds(r, &it->actors[k]);
        if (!(weight_of(it) > 0.0 && held)) continue;
        double each = weight_of(it) / total / (double)held;
        for (int k = 0; k < it->nactors; k++) {
            const Actor *a = &it->actors[k];
            if (!holds(r, a)) continue;
            int slot;
            Str country = known(a->country);
            if (is_commons(a->governance)) slot = q->npoles;
            else if (!country.p) slot = q->npoles + 2;
            else {
                slot = q->npoles + 1;
                for (int p = 0; p < q->npoles; p++)
                    if (in_list(country, q->poles[p].countries, q->poles[p].ncountries) ||
                        shares_bloc(a, q->poles[p].blocs, q->poles[p].nblocs)) {
                        slot = p;
                        break;
                    }
            }
            out->s[slot] += each;
        }
    }
    return 1;
}

static double index_of_shares(const Request *q, const double *s) {
    double sum = 0;
    for (int p = 0; p < q->npoles; p++) sum += s[p] * s[p];
    return sum;
}

static void concentration(Findings *f, const Request *q, const Rule *r) {
    Shares sh;
    if (!measure(q, r, &sh)) return;
    for (int p = 0; p < q->npoles; p++) {
        double share = round_to(sh.s[p], 4);
        if (share > r->max_share) {
            Buf m = {0};
            put(&m, "Pole ");
            put_str(&m, q->poles[p].id);
            put(&m, " holds a share of ");
            put_fixed(&m, share, 4);
            put(&m, " of this layer's control, over the ");
            put_fixed(&m, round_to(r->max_share, 4), 4);
            put(&m, " one pole may hold.");
            finding(f, q, r, NULL, -1, &m, NULL, 0);
        }
    }
    double index = round_to(index_of_shares(q, sh.s), 4);
    if (index > r->max_index) {
        Buf m = {0};
        put(&m, "The concentration index (HHI) over the poles is ");
        put_fixed(&m, index, 4);
        put(&m, ", above the rule's limit.");
        finding(f, q, r, NULL, -1, &m, NULL, 0);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Scoring (ABI, "Scoring"). */

/* The weighted mean; the plain mean when the weights sum to 0 (sums in input order). */
static double weighted_mean(const double *v, const double *w, int n) {
    double total = 0, sum = 0;
    for (int i = 0; i < n; i++) total += w[i];
    if (total > 0.0) {
        for (int i = 0; i < n; i++) sum += v[i] * w[i];
        return sum / total;
    }
    for (int i = 0; i < n; i++) sum += v[i];
    return sum / (double)n;
}

static void seal_weakest_link(Buf *b, const Request *q, const Graded *graded) {
    double *scores = bump(sizeof(double) * (size_t)(q->nobjectives + 1));
    double *weights = bump(sizeof(double) * (size_t)(q->nobjectives + 1));
    double *means = bump(sizeof(double) * (size_t)(q->nrules + 1));
    double *rule_weights = bump(sizeof(double) * (size_t)(q->nrules + 1));
    int nscored = 0, layer_level = 99;
    Buf objectives = {0};
    for (int o = 0; o < q->nobjectives; o++) {
        int level = 99, nmeans = 0;
        for (int i = 0; i < q->nrules; i++) {
            const Rule *r = &q->rules[i];
            if (graded[i].n == 0 || !str_same(r->objective, q->objectives[o].id)) continue;
            double *lv = bump(sizeof(double) * (size_t)graded[i].n);
            for (int k = 0; k < graded[i].n; k++) {
                if (graded[i].levels[k] < level) level = graded[i].levels[k];
                lv[k] = (double)graded[i].levels[k];
            }
            means[nmeans] = weighted_mean(lv, graded[i].weights, graded[i].n);
            rule_weights[nmeans++] = r->weight;
        }
        if (!nmeans) continue; /* absent from the objectives, and not weighed */
        double score = round_to(weighted_mean(means, rule_weights, nmeans) / 4.0 * 100.0, 2);
        if (nscored) put(&objectives, ",");
        put_json(&objectives, q->objectives[o].id);
        put(&objectives, ":{\"level\":");
        put_uint(&objectives, (uint64_t)level);
        put(&objectives, ",\"score\":");
        put_fixed(&objectives, score, 2);
        put(&objectives, "}");
        scores[nscored] = score, weights[nscored++] = q->objectives[o].weight;
        if (level < layer_level) layer_level = level;
    }
    if (!nscored) {
        put(b, "null");
        return;
    }
    put(b, "{\"score\":");
    put_fixed(b, round_to(weighted_mean(scores, weights, nscored), 2), 2);
    put(b, ",\"level\":");
    put_uint(b, (uint64_t)layer_level);
    put(b, ",\"objectives\":{");
    put_bytes(b, objectives.p, objectives.len);
    put(b, "},\"shares\":{},\"concentration_index\":null}");
}

static void bloc_balance(Buf *b, const Request *q) {
    int n = q->npoles + 3, measured = 0;
    double *sum = bump(sizeof(double) * (size_t)n), index_sum = 0;
    for (int i = 0; i < n; i++) sum[i] = 0;
    for (int i = 0; i < q->nrules; i++) {
        Shares sh;
        if (q->rules[i].criterion != CRIT_CONCENTRATION || !measure(q, &q->rules[i], &sh)) continue;
        for (int k = 0; k < n; k++) sum[k] += sh.s[k];
        index_sum += index_of_shares(q, sh.s);
        measured++;
    }
    if (!measured) {
        put(b, "null");
        return;
    }
    double dominance = 0;
    for (int k = 0; k < n; k++) {
        sum[k] = round_to(sum[k] / (double)measured, 4);
        if (k < q->npoles && sum[k] > dominance) dominance = sum[k];
    }
    double commons = sum[q->npoles], unknown = sum[q->npoles + 2];
    double raw = 100.0 * (1.0 - dominance - unknown) + q->commons_credit * commons * 100.0;
    if (raw < 0.0) raw = 0.0;
    if (raw > 100.0) raw = 100.0;
    double score = round_to(raw, 2);
    int level = 0;
    for (int i = 0; i < q->nthresholds; i++)
        if (score >= q->thresholds[i].min_score) {
            level = q->thresholds[i].level;
            break;
        }
    put(b, "{\"score\":");
    put_fixed(b, score, 2);
    put(b, ",\"level\":");
    put_uint(b, (uint64_t)level);
    put(b, ",\"objectives\":{},\"shares\":{");
    static const char *const RESERVED[] = {"commons", "other", "unknown"};
    for (int k = 0; k < n; k++) {
        if (k) put(b, ",");
        if (k < q->npoles) put_json(b, q->poles[k].id);
        else put(b, "\""), put(b, RESERVED[k - q->npoles]), put(b, "\"");
        put(b, ":");
        put_fixed(b, sum[k], 4);
    }
    put(b, "},\"concentration_index\":");
    put_fixed(b, round_to(index_sum / (double)measured, 4), 4);
    put(b, "}");
}

/* ---------------------------------------------------------------------------------------------
 * ABI: sovstack_evaluate(ptr, len) reads the request at ptr..ptr+len and returns the response.
 * Every input gets a response: a request this plugin cannot judge gets an `error` (and, as the
 * response is read strictly, an empty `findings`). */

static Buf answer_error(void) {
    Buf b = {0};
    put(&b, "{\"findings\":[],\"score\":null,\"error\":");
    put_json(&b, (Str){refusal.p, refusal.len});
    put(&b, "}");
    return b;
}

/* The response to the `len` bytes at `in`. */
static Buf evaluate(const char *in, size_t len) {
    js = in;
    jsmn_parser parser;
    jsmn_init(&parser);
    ntok = jsmn_parse(&parser, js, len, NULL, 0);
    Request q;
    if (ntok <= 0) {
        refuse("request/malformed", "the request is not JSON", none());
        return answer_error();
    }
    tok = bump(sizeof(jsmntok_t) * (size_t)ntok);
    jsmn_init(&parser);
    if (jsmn_parse(&parser, js, len, tok, (unsigned)ntok) != ntok || !well_formed() ||
        !read_request(&q)) {
        refuse("request/malformed", "the request does not have the shape of an EvaluateRequest", none());
        return answer_error();
    }
    if (q.abi_version != 1) {
        refuse("request/abi-version", "this plugin speaks ABI version 1", none());
        return answer_error();
    }
    if (!check_request(&q)) return answer_error();

    /* The rules in order, each over the items in order: findings in rule order then item order. */
    Findings f = {{0}, 0};
    Graded *graded = bump(sizeof(Graded) * (size_t)(q.nrules + 1));
    for (int i = 0; i < q.nrules; i++) {
        const Rule *r = &q.rules[i];
        graded[i].n = 0;
        switch (r->criterion) {
        case CRIT_JURISDICTION:
        case CRIT_OPENNESS: grade(&f, &q, r, &graded[i]); break;
        case CRIT_KNOWN: known_attribution(&f, &q, r); break;
        case CRIT_ASSESSED: assessed(&f, &q, r); break;
        case CRIT_CONCENTRATION: concentration(&f, &q, r); break;
        case CRIT_SUPPORTED: supported(&f, &q, r, &graded[i]); break;
        }
    }
    Buf b = {0};
    put(&b, "{\"findings\":[");
    put_bytes(&b, f.out.p, f.out.len);
    put(&b, "],\"score\":");
    if (q.bloc_balance) bloc_balance(&b, &q);
    else seal_weakest_link(&b, &q, graded);
    put(&b, ",\"error\":null}");
    return b;
}

#ifndef SOVSTACK_NATIVE
EXPORT("sovstack_evaluate") int64_t sovstack_evaluate(int32_t ptr, int32_t len) {
    if (len < 0) __builtin_trap();
    Buf b = evaluate((const char *)(uintptr_t)ptr, (size_t)len);
    return pack(b.p, b.len);
}
#endif
