# fincrm — build, run, test. `make run` and `make test` install what is missing first.
# Targets: all (default), run, test, check (tests under ASan+UBSan), unit, api, e2e,
# fuzz, bench, format, deps, clean.

VERSION  := 0.1.0
CC       ?= gcc
PKGS     := libmicrohttpd jansson libsodium sqlite3 libpq gdlib libfido2 libcbor libcrypto libqrencode libzip expat xlsxwriter
BUILD    ?= build
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(CFLAGS) -std=c17 $(WARN) -D_GNU_SOURCE -DFINCRM_VERSION='"$(VERSION)"' -Isrc -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   += $(PKG_LIBS) -lcsv -lpthread -lm

SRC      := $(wildcard src/*.c src/*/*.c)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
# CUS-8: the Hanzi → pinyin-initial table, generated from ICU's data (libicu) at build time
OBJ      += $(BUILD)/gen/pinyin_table.o
LIB_OBJ  := $(filter-out $(BUILD)/src/main.o,$(OBJ))
EMBEDDED := $(wildcard migrations/*.sql) src/api/openapi.json

UNIT_SRC := $(wildcard tests/unit/*_test.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

WEB_SRC  := $(shell find web/src web/public web/index.html web/vite.config.js web/package.json -type f 2>/dev/null)
WEB_OUT  := web/dist/index.html

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run test check unit api e2e fuzz fuzz-smoke bench format deps deps-test clean web
all: $(BUILD)/fincrm web

deps:
	@bash scripts/deps.sh

# What only the tests need (LibreOffice makes a real XLSX in the import test).
deps-test:
	@bash scripts/deps.sh test

$(BUILD)/fincrm: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/gen/pinyin_gen: scripts/pinyin_gen.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< $(shell pkg-config --cflags --libs icu-uc icu-i18n)
$(BUILD)/gen/pinyin_table.c: $(BUILD)/gen/pinyin_gen
	$< > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/pinyin_table.o: $(BUILD)/gen/pinyin_table.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Files compiled into the binary with .incbin
$(BUILD)/src/db/migrate.o $(BUILD)/src/http/routes.o: $(EMBEDDED)

$(BUILD)/tests/%_test: tests/unit/%_test.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

web: $(WEB_OUT)
$(WEB_OUT): $(WEB_SRC) web/package-lock.json
	@test web/node_modules/.package-lock.json -nt web/package-lock.json || (cd web && npm ci --no-audit --no-fund --loglevel=error)
	cd web && npm run build --silent
	find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
	     -size +1k -exec gzip -9 -k -f {} +
	@touch $@

# ---- the two commands -----------------------------------------------------------
DEMO_DB   ?= data/fincrm.db
LISTEN    ?= 127.0.0.1:8080
run: deps all
	@test -f $(DEMO_DB) || ./$(BUILD)/fincrm demo --db sqlite:$(DEMO_DB) --customers 20000 --seed 1
	@echo "fincrm: open http://$(LISTEN)/  —  demo logins (password Demo@2026): admin, county01, branch001, cm00001"
	./$(BUILD)/fincrm serve --db sqlite:$(DEMO_DB) --listen $(LISTEN) --web web/dist

test: deps deps-test all unit fuzz-smoke api e2e
	@echo "fincrm: all tests passed (unit, fuzz, API on SQLite and PostgreSQL, browser)"

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t; done

api: $(BUILD)/fincrm
	bash tests/api/run.sh

e2e: $(BUILD)/fincrm web
	bash tests/e2e/run.sh

# The whole suite (unit + API on both backends) under AddressSanitizer and UBSan.
check: deps
	$(MAKE) BUILD=build/asan CFLAGS='$(ASAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' build/asan/fincrm unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    FINCRM_BIN=build/asan/fincrm bash tests/api/run.sh

FUZZ_SECONDS ?= 60
# The seed corpus stays as committed; what the fuzzer finds goes to build/fuzz/corpus.
fuzz: deps
	@mkdir -p $(BUILD)/fuzz
	clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -DFINCRM_VERSION='"$(VERSION)"' -Isrc \
	    $(PKG_CFLAGS) -o $(BUILD)/fuzz/json_fuzz tests/fuzz/json_fuzz.c src/core/util.c src/core/jw.c src/core/json_in.c src/core/err.c \
	    $(PKG_LIBS)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/json_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus tests/fuzz/corpus/json >$(BUILD)/fuzz/log 2>&1 || { tail -n 40 $(BUILD)/fuzz/log; exit 1; }
	@grep -E '^(Done|stat::number_of_executed_units)' $(BUILD)/fuzz/log
	@# CUS-12 import readers: CSV (libcsv, iconv) and XLSX (libzip, expat)
	@set -e; for t in csv xlsx; do \
	  clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) \
	      -o $(BUILD)/fuzz/$${t}_fuzz tests/fuzz/$${t}_fuzz.c src/core/sheet.c src/core/csv_read.c \
	      src/core/xlsx_read.c src/core/util.c src/core/err.c $(PKG_LIBS) -lcsv -lm; \
	  mkdir -p $(BUILD)/fuzz/corpus-$$t; \
	  $(BUILD)/fuzz/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
	      $(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t >$(BUILD)/fuzz/log-$$t 2>&1 \
	      || { tail -n 40 $(BUILD)/fuzz/log-$$t; exit 1; }; \
	  echo "== $${t}_fuzz"; grep -E '^(Done|stat::number_of_executed_units)' $(BUILD)/fuzz/log-$$t; \
	done

bench: deps all
	bash bench/run.sh
	bash bench/io.sh

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(UNIT_SRC) $(wildcard tests/fuzz/*.c)

clean:
	rm -rf build web/dist

-include $(OBJ:.o=.d)
