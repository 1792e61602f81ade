#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Translation checks: POTFILES.in is sorted and complete, zh_CN.po translates every
string of a freshly extracted template (nothing missing, untranslated or fuzzy), and
msgfmt accepts it.

The template is extracted with xgettext and the keywords of meson's 'glib' preset (the
ones `meson compile qudao-pot` uses), into a temporary directory, so the tree stays clean.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402
from taplib import check, run  # noqa: E402

SRC = os.environ.get('QUDAO_SOURCE_ROOT') or os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..'))
PO_DIR = os.path.join(SRC, 'po')

# meson's i18n 'glib' preset (mesonbuild/modules/i18n.py), plus the generic arguments
# meson passes to xgettext.
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

# Client-side directories whose user-visible strings must be translated. The server's
# wire messages are English without gettext (clients translate by error code).
CLIENT_DIRS = ['src/core', 'src/store', 'src/sync', 'src/cli', 'src/app', 'ui', 'data']
C_MARK = re.compile(r'(?<![A-Za-z0-9_])[NC]?_\(\s*"')
UI_MARK = re.compile(r'translatable="yes"')


def potfiles():
    with open(os.path.join(PO_DIR, 'POTFILES.in'), encoding='utf-8') as f:
        return [line.strip() for line in f
                if line.strip() and not line.lstrip().startswith('#')]


def linguas():
    with open(os.path.join(PO_DIR, 'LINGUAS'), encoding='utf-8') as f:
        return [w for line in f if not line.startswith('#') for w in line.split()]


def needs_translation(rel):
    path = os.path.join(SRC, rel)
    if rel.endswith(('.desktop.in', '.metainfo.xml.in')):
        return True
    if not rel.endswith(('.c', '.h', '.ui')):
        return False
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    return bool(C_MARK.search(text) if rel.endswith(('.c', '.h')) else UI_MARK.search(text))


@check
def potfiles_is_sorted_and_unique():
    files = potfiles()
    problems = []
    if files != sorted(files):
        for a, b in zip(files, sorted(files)):
            if a != b:
                problems.append(f'POTFILES.in is not sorted: “{a}” where “{b}” belongs')
                break
    dups = sorted({f for f in files if files.count(f) > 1})
    problems += [f'listed twice: {d}' for d in dups]
    return problems


@check
def potfiles_lists_only_existing_files():
    return [f'listed in POTFILES.in but missing: {f}'
            for f in potfiles() if not os.path.isfile(os.path.join(SRC, f))]


@check
def potfiles_lists_every_file_with_strings():
    listed = set(potfiles())
    problems = []
    for d in CLIENT_DIRS:
        for root, _dirs, names in os.walk(os.path.join(SRC, d)):
            for n in sorted(names):
                rel = os.path.relpath(os.path.join(root, n), SRC)
                if rel not in listed and needs_translation(rel):
                    problems.append(f'has translatable strings but is not in POTFILES.in: {rel}')
    return problems


def extract_pot(tmp):
    existing = [f for f in potfiles() if os.path.isfile(os.path.join(SRC, f))]
    listing = os.path.join(tmp, 'POTFILES')
    with open(listing, 'w', encoding='utf-8') as f:
        f.write('\n'.join(existing) + '\n')
    pot = os.path.join(tmp, 'qudao.pot')
    rc, _out, err = run(['xgettext', '--package-name=qudao', '--directory=' + SRC,
                         '--files-from=' + listing, '-o', pot] + GLIB_PRESET)
    if rc != 0:
        raise RuntimeError('xgettext failed:\n' + err)
    return pot


def msgids(po_text):
    """The msgids of a PO file's entries (not the header), joined across lines."""
    ids = []
    cur = None
    for line in po_text.splitlines() + ['']:
        if line.startswith('msgid '):
            cur = [line[6:]]
        elif cur is not None and line.startswith('"'):
            cur.append(line)
        elif cur is not None:
            s = ''.join(part.strip()[1:-1] for part in cur)
            if s:
                ids.append(s)
            cur = None
    return ids


@check
def every_language_translates_every_string():
    problems = []
    with tempfile.TemporaryDirectory(prefix='qudao-po-') as tmp:
        pot = extract_pot(tmp)
        for lang in linguas():
            po = os.path.join(PO_DIR, lang + '.po')
            if not os.path.isfile(po):
                problems.append(f'{lang}: po/{lang}.po is missing')
                continue
            merged = os.path.join(tmp, lang + '.po')
            rc, _o, err = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged,
                               po, pot])
            if rc != 0:
                problems.append(f'{lang}: msgmerge failed: {err}')
                continue
            for flag, what in (('--untranslated', 'untranslated'), ('--only-fuzzy', 'fuzzy')):
                rc, out, err = run(['msgattrib', flag, '--no-obsolete', merged])
                if rc != 0:
                    problems.append(f'{lang}: msgattrib {flag} failed: {err}')
                    continue
                problems += [f'{lang}: {what}: “{m}”' for m in msgids(out)]
    return problems


@check
def msgfmt_accepts_every_language():
    problems = []
    for lang in linguas():
        po = os.path.join(PO_DIR, lang + '.po')
        rc, _o, err = run(['msgfmt', '--check', '--check-format', '--statistics',
                           '-o', os.devnull, po])
        if rc != 0:
            problems.append(f'{lang}: msgfmt --check failed:\n{err}')
    return problems


if __name__ == '__main__':
    sys.exit(taplib.main())
