#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validators for data/: the merged .desktop file, the merged AppStream metainfo, the
GSettings schema, and the icons (well-formed SVG of the names the desktop file uses)."""
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402
from taplib import check, run  # noqa: E402

SRC = os.environ['QUDAO_SOURCE_ROOT']
BUILD = os.environ['QUDAO_BUILD_ROOT']
APP_ID = 'io.github.qudao.Qudao'


@check
def desktop_file_validates():
    path = os.path.join(BUILD, 'data', APP_ID + '.desktop')
    rc, out, err = run(['desktop-file-validate', path])
    # desktop-file-validate exits 0 on hints; any output at all is a finding to fix.
    return [f'desktop-file-validate exit {rc}'] * (rc != 0) + (out + err).splitlines()


@check
def desktop_file_is_translated():
    path = os.path.join(BUILD, 'data', APP_ID + '.desktop')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    return [f'no {key}[zh_CN] in the merged desktop file'
            for key in ('Name', 'Comment', 'Keywords') if f'\n{key}[zh_CN]=' not in text]


@check
def metainfo_validates():
    path = os.path.join(BUILD, 'data', APP_ID + '.metainfo.xml')
    rc, out, err = run(['appstreamcli', 'validate', '--no-net', '--pedantic', path])
    if rc != 0:
        return [f'appstreamcli validate exit {rc}'] + (out + err).splitlines()
    return []


@check
def metainfo_has_zh_cn_summary_and_description():
    path = os.path.join(BUILD, 'data', APP_ID + '.metainfo.xml')
    lang = '{http://www.w3.org/XML/1998/namespace}lang'
    root = ET.parse(path).getroot()
    problems = []
    if not any(e.get(lang) == 'zh_CN' for e in root.findall('summary')):
        problems.append('no zh_CN summary')
    if not any(e.get(lang) == 'zh_CN' for e in root.findall('description/p')):
        problems.append('no zh_CN description paragraph')
    shots = root.findall('screenshots/screenshot/image')
    for s in shots:
        name = s.text.rsplit('/', 1)[-1]
        if not os.path.isfile(os.path.join(SRC, 'data', 'screenshots', name)):
            problems.append(f'screenshot {name} is not in data/screenshots/')
    if not shots:
        problems.append('no screenshot')
    return problems


@check
def schema_compiles_strictly():
    rc, out, err = run(['glib-compile-schemas', '--strict', '--dry-run',
                        os.path.join(SRC, 'data')])
    return [f'glib-compile-schemas exit {rc}'] * (rc != 0) + (out + err).splitlines()


@check
def icons_are_well_formed_svg():
    problems = []
    for rel in ('scalable/apps/' + APP_ID + '.svg',
                'symbolic/apps/' + APP_ID + '-symbolic.svg'):
        path = os.path.join(SRC, 'data', 'icons', 'hicolor', rel)
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            problems.append(f'{rel}: {e}')
            continue
        if root.tag != '{http://www.w3.org/2000/svg}svg':
            problems.append(f'{rel}: root element is {root.tag}, not svg')
    return problems


if __name__ == '__main__':
    sys.exit(taplib.main())
