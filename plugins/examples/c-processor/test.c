/* Native tests of the C plugin's own reading and writing (the parts jsmn does not do): numbers
 * as JSON writes them, string escapes, rounding half away from zero and fixed decimals. Built and
 * run by `make check`; exit status 1 on the first failure, naming it. */
#define SOVSTACK_NATIVE
#include "plugin.c"

#include <stdio.h>

static int failures;

static void expect(int ok, const char *what) {
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

static void number(const char *text, int valid, double want) {
    double got = 0;
    int integral;
    int ok = parse_number(text, cstrlen(text), &got, &integral);
    char what[128];
    snprintf(what, sizeof what, "parse_number(%s) = %d %.17g, want %d %.17g", text, ok, got, valid, want);
    expect(ok == valid && (!valid || got == want), what);
}

static void escaped(const char *json, const char *want) {
    jsmn_parser p;
    jsmntok_t t[2];
    jsmn_init(&p);
    js = json;
    tok = t;
    ntok = jsmn_parse(&p, json, cstrlen(json), t, 2);
    Str got;
    char what[128];
    snprintf(what, sizeof what, "decode(%s)", json);
    if (!want) {
        expect(ntok != 1 || !decode(0, &got), what);
        return;
    }
    expect(ntok == 1 && decode(0, &got) && got.n == cstrlen(want) && memcmp(got.p, want, got.n) == 0, what);
}

static void fixed(double v, int decimals, const char *want) {
    Buf b = {0};
    put_fixed(&b, round_to(v, decimals), decimals);
    char what[128];
    snprintf(what, sizeof what, "put_fixed(%.17g, %d) = %.*s, want %s", v, decimals, (int)b.len, b.p, want);
    expect(b.len == cstrlen(want) && memcmp(b.p, want, b.len) == 0, what);
}

int main(void) {
    /* What serde_json writes (shortest round-trip forms), and what JSON allows. */
    number("0", 1, 0.0);
    number("-0.5", 1, -0.5);
    number("0.5625", 1, 0.5625);
    number("41.07", 1, 41.07);
    number("0.6667", 1, 0.6667);
    number("100.0", 1, 100.0);
    number("1e-7", 1, 1e-7);
    number("2.5E+3", 1, 2500.0);
    number("0.1", 1, 0.1);
    number("123456789012345", 1, 123456789012345.0);
    number("4503599627370497", 1, 4503599627370497.0);
    /* Beyond 2^53 significant digits or 10^±22 the reader is within a few units in the last
     * place, not exact (README.md, "Limits"): the largest double reads a little below it. */
    {
        double got = 0;
        int integral;
        const char *max = "1.7976931348623157e308";
        expect(parse_number(max, cstrlen(max), &got, &integral) && got <= 1.7976931348623157e308 &&
                   got >= 1.7976931348623157e308 * (1 - 1e-15),
               "parse_number(1.7976931348623157e308) within 1e-15");
    }
    number("1e400", 1, 1.0 / 0.0);
    number("01", 0, 0);
    number("1.", 0, 0);
    number(".5", 0, 0);
    number("-", 0, 0);
    number("1e", 0, 0);
    number("+1", 0, 0);
    number("1x", 0, 0);
    number("true", 0, 0);
    escaped("\"plain\"", "plain");
    escaped("\"a\\\"b\\\\c\\/d\\n\"", "a\"b\\c/d\n");
    escaped("\"\\u00e9t\\u00E9\"", "\xc3\xa9t\xc3\xa9");
    escaped("\"\\u20ac\"", "\xe2\x82\xac");
    escaped("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
    escaped("\"\\ud83d\"", NULL);
    escaped("\"\\ude00\"", NULL);
    escaped("\"\\x41\"", NULL);
    /* Half away from zero, as the ABI's round: 0.125 is exact in binary. */
    fixed(0.125 / 100.0 * 100.0, 2, "0.13");
    fixed(41.0714285, 2, "41.07");
    fixed(2.0 / 3.0, 4, "0.6667");
    fixed(100.0, 2, "100.00");
    fixed(0.0, 4, "0.0000");
    fixed(0.00005, 4, "0.0001");
    expect(round_half_away(2.5) == 3.0 && round_half_away(-2.5) == -3.0, "round_half_away(±2.5)");
    expect(round_half_away(0.49999999999999994) == 0.0, "round_half_away(0.49999999999999994)");
    if (failures) return 1;
    printf("c-processor: reader tests passed\n");
    return 0;
}
