#!/bin/sh
# Re-extract the web's messages and update and compile every catalogue (docs/web.md).
# Run from the repository root: `make i18n`. New msgids arrive with an empty msgstr:
# translate them (tests/web/test_i18n.py fails while any is empty or fuzzy), then run again.
set -eu
BIN=${BIN:-.venv/bin}
WEB=src/hustings/web
NEW=$(mktemp)
trap 'rm -f "$NEW"' EXIT
"$BIN/pybabel" -q extract -F "$WEB/babel.cfg" --no-location --sort-output \
    -k _ -k gettext -k ngettext:1,2 -k N_ --project hustings --version 0.1 \
    -o "$NEW" "$WEB"
# keep the old template (and its date) when only the creation date changed: no churn
if ! diff -q -I '^"POT-Creation-Date:' "$NEW" "$WEB/locale/messages.pot" >/dev/null 2>&1; then
    cp "$NEW" "$WEB/locale/messages.pot"
fi
for po in "$WEB"/locale/*/LC_MESSAGES/messages.po; do
    [ -e "$po" ] || continue
    lang=$(basename "$(dirname "$(dirname "$po")")")
    "$BIN/pybabel" update -i "$WEB/locale/messages.pot" -d "$WEB/locale" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete --no-wrap
done
if ls "$WEB"/locale/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then
    "$BIN/pybabel" compile -d "$WEB/locale" --statistics
fi
