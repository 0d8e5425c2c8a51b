#!/usr/bin/env bash
# Times the whole program as users run it, so that anyone can reproduce the figures of the
# book's performance page: the one-shot answer against `/bin/true` and a peer (jq reading the
# matrix as JSON), the batch throughput (text and JSON), peak memory, and loading and answering
# on synthetic knowledge bases 10×, 100× and 1,000× the shipped one. Needs hyperfine and jq
# (Debian: apt-get install hyperfine jq); builds the release binary first. `-i`: the README
# question answers "no", which exits 1 by design.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install jq)" >&2; exit 1; }
cargo build --release --quiet --locked
bin=target/release/interop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q="does high-resolution photo work with Exchange 2010 and Lync 2010?"

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true

echo "== one-shot answer, against /bin/true and jq over the matrix"
"$bin" matrix --format json >"$tmp/matrix.json"
hyperfine --warmup 5 --runs 50 -N -i --style basic --export-json "$tmp/oneshot.json" \
    "$bin ask '$q'" \
    "/bin/true" \
    "jq -e .features[0].id $tmp/matrix.json" >/dev/null 2>&1
jq -r '.results[] | "\(.median * 1000 | . * 100 | round / 100) ms median  \(.command)"' "$tmp/oneshot.json"

echo "== peak memory of the one-shot answer (KB)"
/usr/bin/time -f "%M" "$bin" ask "$q" >/dev/null 2>"$tmp/mem" || true
tail -1 "$tmp/mem"

echo "== batch: questions per second (20,000 questions, ${q:0:20}… and seven others)"
python3 - "$tmp/batch.txt" <<'PY'
import random, sys
random.seed(7)
qs = ["does high-resolution photo work with Exchange 2010 and Lync 2010?",
      "UCS with Exchange 2013 and SfB Server 2015",
      "presence in OWA with Exchange Online and SfB Server 2019",
      "does archiving work with Exchange 2016 and Lync Server 2013?",
      "UM voicemail with Exchange Online and SfB Server 2015",
      "what works with Exchange 2013 and Lync Server 2013?",
      "meeting delegation with Exchange 2010 and SfB Online",
      "does blorp work with Exchange 2013?"]
open(sys.argv[1], "w").write("".join(random.choice(qs) + "\n" for _ in range(20000)))
PY
# The questions of the paraphrase corpus, and (with `all`) those of the question files after
# them, each once: written to $2.
questions() {
    python3 - "$1" "$2" <<'PY'
import glob, sys
out = []
for f in sorted(glob.glob("tests/paraphrases/*.txt")):
    for line in open(f, encoding="utf-8"):
        if line.strip() and not line.startswith("#") and line.count("|") >= 2:
            out.append(line.split("|", 2)[2].strip())
if sys.argv[1] == "all":
    for f in sorted(glob.glob("tests/questions/*.txt")):
        for line in open(f, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                out.append(line.split(" => ")[0].strip())
open(sys.argv[2], "w", encoding="utf-8").write("".join(q + "\n" for q in out))
PY
}
# Every question of the paraphrase corpus and the question files, once each (1,368 questions,
# some rejected by design; some ask the same feature of the same topology in other words).
questions all "$tmp/distinct.txt"
distinct=$(wc -l <"$tmp/distinct.txt")
for format in text json; do
    hyperfine --warmup 2 --runs 10 -i --style none --export-json "$tmp/batch.json" \
        "$bin ask - --format $format < $tmp/batch.txt" \
        "$bin ask - --format $format < $tmp/distinct.txt" >/dev/null 2>&1
    jq -r --arg format "$format" --argjson distinct "$distinct" '
        "\($format): \(20000 / .results[0].median | round) questions/s (the mix), \($distinct / .results[1].median | round) questions/s (\($distinct) distinct questions); medians of 10 runs"' "$tmp/batch.json"
done

echo "== scale: load (fully checked) and answer, per synthetic size (medians of 3 runs)"
printf '%s\n' "$q" >"$tmp/one.txt"
# Further questions: the paraphrase corpus after the README's question (questions about one
# feature each, each written once: where two ask the same feature of the same topology in
# other words, the answer kept serves the second); and four listings of every feature, on four
# topologies.
questions paraphrases "$tmp/paraphrases.txt"
{ printf '%s\n' "$q"; cat "$tmp/paraphrases.txt"; } >"$tmp/further.txt"
further=$(($(wc -l <"$tmp/further.txt") - 1))
# And 300 distinct questions that name no feature (words of other trades, one to three of them,
# in English, French and Chinese, on five topologies): each is rejected with its did-you-mean.
python3 - "$tmp/rejected.txt" "$q" <<'PY'
import random, sys
random.seed(7)
words = ("printer kitchen bandwidth firewall parking elevator coffee badge scanner laptop wallpaper "
         "keyboard payroll invoice backup spreadsheet dashboard thermostat projector whiteboard helpdesk "
         "licence billing roaming tethering hotspot bluetooth webcam headset dongle screensaver antivirus "
         "proxy vpn router switchboard fax pager intranet wiki blog forum newsletter survey poll lottery "
         "weather traffic").split()
zh = ["打印机", "咖啡", "停车", "防火墙", "壁纸", "键盘", "发票", "备份", "投影仪", "白板", "天气", "交通"]
fr = ["imprimante", "parking", "café", "pare-feu", "clavier", "facture", "sauvegarde", "projecteur",
      "tableau blanc", "météo"]
tops = ["with Exchange 2013 and Lync Server 2013", "with Exchange Online",
        "on Exchange 2016 and Skype for Business Server 2015", "with Exchange 2010 and Lync 2010",
        "for SfB Online and Exchange 2019"]
out = set()
while len(out) < 300:
    r = random.random()
    if r < 0.6:
        phrase = " ".join(random.sample(words, random.randint(1, 3)))
        form = random.choice(["does {} work {}?", "is {} supported {}?", "{} {}", "can we use {} {}?"])
        out.add(form.format(phrase, random.choice(tops)))
    elif r < 0.8:
        out.add("{}能在Exchange {}上用吗？".format(random.choice(zh) + random.choice(zh),
                                                random.choice(["2013", "2016", "Online"])))
    else:
        out.add("est-ce que {} {} marche avec Exchange 2013 ?".format(random.choice(fr), random.choice(fr)))
open(sys.argv[1], "w", encoding="utf-8").write(sys.argv[2] + "\n" + "".join(q + "\n" for q in sorted(out)))
PY
printf '%s\n' "$q" "what works with Exchange 2013 and Skype for Business Server 2015?" \
    "what doesn't work with Exchange 2010 and Lync Server 2013?" "which features work with Exchange Online and SfB Online?" \
    "what works with Exchange 2016 and Skype for Business Server 2019?" >"$tmp/listing.txt"
for scale in 1 10 100 1000; do
    "$bin" synth --scale "$scale" --out "$tmp/kb$scale"
    hyperfine --warmup 1 --runs 3 -i --style none --export-json "$tmp/scale.json" \
        "$bin --data $tmp/kb$scale ask - < $tmp/one.txt" \
        "$bin --data $tmp/kb$scale ask - < $tmp/further.txt" \
        "$bin --data $tmp/kb$scale ask - < $tmp/listing.txt" \
        "$bin --data $tmp/kb$scale ask - < $tmp/rejected.txt" >/dev/null 2>&1 || true
    mem=$( { /usr/bin/time -f "%M" "$bin" --data "$tmp/kb$scale" ask - <"$tmp/one.txt" >/dev/null; } 2>&1 | tail -1)
    jq -r --arg scale "$scale" --arg mem "$mem" --argjson further "$further" '
        (.results[0].median) as $one | (.results[1].median) as $many | (.results[2].median) as $list |
        (.results[3].median) as $rejected |
        "\($scale | tonumber | tostring | (" " * (5 - length)) + .)×: load + 1 answer \($one * 100 | round / 100) s, \($mem | tonumber / 1024 | floor) MB; each further question \((($many - $one) / $further * 1000000 | round) / 1000) ms (\($further) paraphrases); a listing of every feature \((($list - $one) / 4 * 10000 | round) / 10) ms; each rejected question \((($rejected - $one) / 300 * 1000000 | round) / 1000) ms (300 naming no feature)"' "$tmp/scale.json"
done
