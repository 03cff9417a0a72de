#!/usr/bin/env bash
# bench/io.sh — customer import and export figures (CUS-12, CUS-13) on this machine:
#   1. import of ROWS rows (default 100,000) from a CSV: validated, deduplicated
#      (1 % of the phones repeat inside the file), committed in batches — the time
#      from "start" to "done" as the API reports it;
#   2. export of every customer (the imported ones and the demo's) to XLSX as admin.
# Everything binds to 127.0.0.1; the database is a fresh SQLite file.
#   ROWS=100000 bash bench/io.sh            (make bench runs it too)
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${ROWS:-100000}
bin=${FINCRM_BIN:-build/fincrm}
tmp=$(mktemp -d /tmp/fincrm-bench-io.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }
# CPU seconds (user + system) the server has used so far: on a shared machine the wall
# time depends on the load, this does not
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
secs() { printf "%.2f" "$(echo "$2 - $1" | bc)"; }

"$bin" demo --db "sqlite:$tmp/io.db" --customers 1000 --seed 1 >/dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$bin" serve --db "sqlite:$tmp/io.db" --listen "127.0.0.1:$port" --no-access-log >"$tmp/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

# the file: name, phone, source, ID type, gender, address; every 100th phone repeats
awk -v n="$rows" 'BEGIN {
  print "姓名,手机号码,客户来源,性别,地址,职业";
  for (i = 0; i < n; i++) {
    p = (i % 100 == 99) ? i - 1 : i;
    printf "导入客户%d,188%08d,walk_in,%s,云泽省青川县第%d街道,职员\n", i, p, (i % 2 ? "男" : "女"), i % 500;
  }
}' >"$tmp/in.csv"

curl -sf -c "$tmp/cj" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"Demo@2026"}' "$base/api/v1/auth/login" >"$tmp/login.json"
csrf=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).csrf_token)' "$tmp/login.json")

t0=$(now)
curl -sf -b "$tmp/cj" -H "X-CSRF-Token: $csrf" -H 'Content-Type: text/csv' --data-binary @"$tmp/in.csv" \
  "$base/api/v1/customer-imports?filename=bench.csv" >"$tmp/up.json"
t1=$(now)
c1=$(cpu)
id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$tmp/up.json")
curl -sf -b "$tmp/cj" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"mapping":{"name":0,"mobile":1,"source":2,"gender":3,"address":4,"occupation":5}}' \
  "$base/api/v1/customer-imports/$id/start" >/dev/null
while :; do
  curl -sf -b "$tmp/cj" "$base/api/v1/customer-imports/$id" >"$tmp/st.json"
  grep -q '"state":"running"' "$tmp/st.json" || break
  sleep 0.05
done
t2=$(now)
c2=$(cpu)
state=$(cat "$tmp/st.json")
echo "import: $state"

t3=$(now)
c3=$(cpu)
curl -sf -b "$tmp/cj" "$base/api/v1/customers/export?format=xlsx" -o "$tmp/out.xlsx"
t4=$(now)
c4=$(cpu)
t5=$(now)
curl -sf -b "$tmp/cj" "$base/api/v1/customers/export?format=csv" -o "$tmp/out.csv"
t6=$(now)
exported=$(($(wc -l <"$tmp/out.csv") - 2))

upload_s=$(secs "$t0" "$t1"); import_s=$(secs "$t1" "$t2"); xlsx_s=$(secs "$t3" "$t4"); csv_s=$(secs "$t5" "$t6")
xlsx_kb=$(($(stat -c %s "$tmp/out.xlsx") / 1024))
echo "upload (read and check $rows rows): ${upload_s} s"
import_cpu=$(secs "$c1" "$c2"); xlsx_cpu=$(secs "$c3" "$c4")
load=$(cut -d' ' -f1 /proc/loadavg)
echo "import of $rows rows (validated, deduplicated, batches of 1,000): ${import_s} s (server CPU ${import_cpu} s)"
echo "export of $exported rows to XLSX: ${xlsx_s} s (server CPU ${xlsx_cpu} s, ${xlsx_kb} KB); to CSV: ${csv_s} s"
echo "load average during the run: $load"
mkdir -p bench/out
cat >bench/out/io.txt <<OUT
rows=$rows upload_s=$upload_s import_s=$import_s import_cpu_s=$import_cpu export_rows=$exported export_xlsx_s=$xlsx_s export_xlsx_cpu_s=$xlsx_cpu export_csv_s=$csv_s xlsx_kb=$xlsx_kb load=$load
OUT
