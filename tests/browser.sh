#!/usr/bin/env bash
# The HTML plan in a real browser: headless Chromium (Debian's `chromium`, installed here when
# it is missing) opens the page; it must render the plan, its checklist and its sources, load
# nothing, and log no page error. Run by .ci/run after the tests; run it yourself the same way.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "installing chromium"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        browser=$(command -v chromium)
    else
        echo "error: the browser test needs chromium (Debian: apt-get install chromium)" >&2
        exit 1
    fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --locked -- plan "Exchange 2016 and Skype for Business Server 2015 with the Skype for Business client" \
    --format html -o "$tmp/plan.html"

run() { timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run "$@"; }
run --enable-logging=stderr --v=0 --dump-dom "file://$tmp/plan.html" >"$tmp/dom.html" 2>"$tmp/browser.log"
run --window-size=1200,2000 --screenshot="$tmp/plan.png" "file://$tmp/plan.html" >/dev/null 2>&1

fail() { echo "browser test: $*" >&2; exit 1; }
grep -q '<h1>Integration plan: Exchange Server 2016 + Skype for Business Server 2015' "$tmp/dom.html" || fail "no title in the rendered page"
boxes=$(grep -o 'type="checkbox"' "$tmp/dom.html" | wc -l)
[ "$boxes" -ge 5 ] || fail "only $boxes checkboxes"
grep -q 'id="sources"' "$tmp/dom.html" || fail "no sources section"
if grep -Ei 'uncaught|failed to load resource|refused to (load|apply)' "$tmp/browser.log"; then
    fail "the page logged errors"
fi
size=$(wc -c <"$tmp/plan.png")
[ "$size" -gt 10000 ] || fail "the screenshot is empty ($size bytes)"
echo "browser test: the plan renders ($boxes checklist items)"
