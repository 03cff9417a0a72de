/*
 * embed.h — files compiled into the binary (migrations, the OpenAPI document), so
 * that `fincrm` is one self-contained file. EMBED(name, "path") defines
 * `name` (the bytes, NUL-terminated) and `name_end`; paths are relative to the
 * repository root, where make runs the compiler.
 */
#ifndef FINCRM_EMBED_H
#define FINCRM_EMBED_H

#define EMBED(name, path)                                                                                              \
    __asm__(".section .rodata\n"                                                                                       \
            ".balign 16\n"                                                                                             \
            #name ":\n"                                                                                                \
            ".incbin \"" path "\"\n" #name "_end:\n"                                                                   \
            ".byte 0\n"                                                                                                \
            ".previous\n");                                                                                            \
    extern const char name[] __asm__(#name);                                                                           \
    extern const char name##_end[] __asm__(#name "_end")

#endif
