/* libFuzzer target for the C plugin's request reader and judge, built natively with
 * -fsanitize=fuzzer,address,undefined (make fuzz): every input must give a response that is one
 * JSON object starting with {"findings":[ (a refusal when the input is no request), without a
 * crash, an out-of-bounds read or undefined behaviour. Seeds: the test vectors' requests. */
#define SOVSTACK_NATIVE
#include "plugin.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    arena_used = 0;
    refusal = (Buf){0};
    /* A copy the size of the input exactly, so that reading past it is caught. */
    Buf out = evaluate((const char *)data, size);
    static const char start[] = "{\"findings\":[";
    if (out.len < sizeof start - 1) __builtin_trap();
    for (size_t i = 0; i < sizeof start - 1; i++)
        if (out.p[i] != start[i]) __builtin_trap();
    jsmn_parser p;
    jsmn_init(&p);
    int n = jsmn_parse(&p, out.p, out.len, NULL, 0);
    if (n <= 0) __builtin_trap();
    return 0;
}
